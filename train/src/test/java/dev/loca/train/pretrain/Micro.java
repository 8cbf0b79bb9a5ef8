package dev.loca.train.pretrain;

import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.data.DatasetException;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderPosition;
import dev.loca.runtime.data.LoaderSettings;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.views.AreaRange;
import dev.loca.train.views.BlurMode;
import dev.loca.train.views.ColorJitter;
import dev.loca.train.views.LocaBatch;
import dev.loca.train.views.LocaLoaders;
import dev.loca.train.views.LocaSample;
import dev.loca.train.views.ViewsConfig;
import java.io.UncheckedIOException;

/** The micro preset, its artifacts (built once) and a loader of tiny synthetic scenes with matching views. */
final class Micro {
  static final LocaConfig CONFIG = LocaConfig.preset("micro");
  static final LocaArtifacts ARTIFACTS = LocaArtifacts.build(CONFIG, 11, 2);
  static final SessionConfig SESSION = SessionConfig.defaults().withIntraOpThreads(1);
  static final ViewsConfig VIEWS = new ViewsConfig(16, 16, 8, 2, 4, new AreaRange(0.32f, 1f),
      new AreaRange(0.32f, 1f), new AreaRange(0.05f, 0.32f), ColorJitter.LOCA, 0.2, 0.5, 0.2,
      BlurMode.CODE_FAITHFUL);
  static final int BATCH = 2;

  private Micro() {}

  static LocaStep open() {
    return LocaStep.open(CONFIG, ARTIFACTS, SESSION);
  }

  /** Batches of 2 of 8 synthetic 32×24 scenes (4 batches an epoch), from {@code start}. */
  static Loader<LocaSample, LocaBatch> loader(LoaderPosition start) {
    try {
      return LocaLoaders.open(Datasets.open("synthetic:images=8,size=32x24"), VIEWS,
          LoaderSettings.of(BATCH, 3).withStart(start));
    } catch (DatasetException e) {
      throw new IllegalStateException(e);
    }
  }
}
