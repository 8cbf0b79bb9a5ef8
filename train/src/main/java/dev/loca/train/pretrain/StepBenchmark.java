package dev.loca.train.pretrain;

import com.google.common.base.Preconditions;
import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderSettings;
import dev.loca.runtime.loop.RssMeter;
import dev.loca.runtime.loop.Schedules;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.views.LocaBatch;
import dev.loca.train.views.LocaLoaders;
import dev.loca.train.views.LocaSample;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Times the full pretraining step ({@link LocaStep}: teacher, TrainStep, masked AdamW, EMA) of a configuration,
 * after warm-up steps, at a constant learning rate (the peak of the recipe at this batch) and EMA momentum.
 * By default one batch is made before the timing and fed to every step, so the figures are the model's
 * alone; with live workers every step takes a new batch from a loader and the wait for it is timed too.
 */
public final class StepBenchmark {
  /** The recipe's base learning rate at batch 1024 (spec §5.1), scaled to the batch. */
  private static final double BASE_LR = 1e-3;
  private static final double MOMENTUM = 0.996;

  /**
   * What to time.
   *
   * @param config the LOCA configuration
   * @param batch images per step
   * @param warmup untimed steps first
   * @param steps timed steps
   * @param session how the sessions run (threads, device, optimisation, profiling)
   * @param seed parameters, views and per-step draws
   * @param data the images the batches are made of
   * @param liveWorkers 0 for one pre-built batch; otherwise a loader with this many workers
   */
  public record Settings(LocaConfig config, int batch, int warmup, int steps, SessionConfig session, long seed,
      ImageDataset data, int liveWorkers) {
    public Settings {
      Preconditions.checkArgument(batch > 0, "batch must be positive, got %s", batch);
      Preconditions.checkArgument(warmup >= 0, "warm-up steps must be >= 0, got %s", warmup);
      Preconditions.checkArgument(steps > 0, "steps must be positive, got %s", steps);
      Preconditions.checkArgument(liveWorkers >= 0, "workers must be >= 0, got %s", liveWorkers);
    }
  }

  private StepBenchmark() {}

  /** Builds the artifacts, opens the step and times it; {@code log} gets a line per phase and step. */
  public static BenchReport run(Settings s, Consumer<String> log) {
    LocaConfig c = s.config();
    long t0 = System.nanoTime();
    LocaArtifacts artifacts = LocaArtifacts.build(c, s.seed(), s.batch());
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    log.accept(String.format(Locale.ROOT, "artifacts built in %.1f s; RSS %d MiB", buildSeconds, rssMib()));
    LoaderSettings loading = LoaderSettings.of(s.batch(), s.seed()).withWorkers(Math.max(1, s.liveWorkers()));
    double lr = Schedules.scaledLearningRate(BASE_LR, s.batch());
    StepRandomness randomness = StepRandomness.seeded(s.seed());
    BenchReport.Builder report = new BenchReport.Builder(s, artifacts.summary(), buildSeconds);
    try (Batches batches = s.liveWorkers() == 0 ? Batches.prebuilt(s.data(), c, loading)
            : Batches.live(s.data(), c, loading);
        LocaStep step = LocaStep.open(c, artifacts, s.session())) {
      log.accept(String.format(Locale.ROOT, "sessions open; RSS %d MiB", rssMib()));
      for (int i = 0; i < s.warmup() + s.steps(); i++) {
        long began = System.nanoTime();
        LocaBatch batch = batches.next();
        double waitMs = (System.nanoTime() - began) / 1e6;
        StepResult r;
        try {
          r = step.step(batch, i, lr, MOMENTUM, randomness);
        } finally {
          batches.done(batch);
        }
        double wallMs = (System.nanoTime() - began) / 1e6;
        boolean timed = i >= s.warmup();
        if (timed) {
          report.add(wallMs, waitMs, r);
        }
        log.accept(String.format(Locale.ROOT, "%s step %d: %.1f ms, loss %.4f; RSS %d MiB", timed ? "timed" : "warm-up",
            i + 1, wallMs, r.loss(), rssMib()));
      }
    }
    return report.build(RssMeter.peakResidentBytes());
  }

  private static long rssMib() {
    return RssMeter.residentBytes() >> 20;
  }

  /** Where the steps' batches come from: one batch made before the timing, or a loader running alongside. */
  private static final class Batches implements AutoCloseable {
    private final LocaBatch prebuilt;
    private final Loader<LocaSample, LocaBatch> loader;

    private Batches(LocaBatch prebuilt, Loader<LocaSample, LocaBatch> loader) {
      this.prebuilt = prebuilt;
      this.loader = loader;
    }

    /** One batch, made now; the loader's workers are stopped before anything is timed. */
    static Batches prebuilt(ImageDataset data, LocaConfig c, LoaderSettings loading) {
      try (Loader<LocaSample, LocaBatch> l = LocaLoaders.open(data, Pretrainer.views(c), loading.withPrefetch(1))) {
        return new Batches(l.next(), null);
      }
    }

    static Batches live(ImageDataset data, LocaConfig c, LoaderSettings loading) {
      return new Batches(null, LocaLoaders.open(data, Pretrainer.views(c), loading));
    }

    LocaBatch next() {
      return prebuilt != null ? prebuilt : loader.next();
    }

    void done(LocaBatch batch) {
      if (batch != prebuilt) {
        batch.close();
      }
    }

    @Override
    public void close() {
      if (prebuilt != null) {
        prebuilt.close();
      }
      if (loader != null) {
        loader.close();
      }
    }
  }
}
