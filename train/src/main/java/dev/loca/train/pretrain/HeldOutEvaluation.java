package dev.loca.train.pretrain;

import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.data.DatasetException;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderSettings;
import dev.loca.runtime.loop.CheckpointStore;
import dev.loca.train.views.LocaBatch;
import dev.loca.train.views.LocaLoaders;
import dev.loca.train.views.LocaSample;
import dev.loca.train.views.ViewsConfig;
import java.nio.file.Path;

/**
 * Position-prediction accuracy of a run's last checkpoint on images it has not trained on (the paper's
 * Fig. 3 metric): the fraction of labelled query patches whose predicted reference position is right,
 * with the same views as training and no stochastic depth.
 */
public final class HeldOutEvaluation {
  private HeldOutEvaluation() {}

  /**
   * @param positionAccuracy mean position accuracy over the evaluated batches
   * @param images images evaluated
   * @param step the checkpoint's step
   */
  public record Result(double positionAccuracy, int images, long step) {}

  public static Result positionAccuracy(Path run, PretrainConfig cfg, String data, int images) {
    LocaConfig lc = LocaConfig.preset(cfg.preset());
    Path ckpt = new CheckpointStore(run.resolve(CheckpointStore.RUN_SUBFOLDER), cfg.keep()).latest().orElseThrow(
        () -> new IllegalArgumentException(run + " has no complete checkpoint"));
    LocaArtifacts artifacts = LocaArtifacts.build(lc, cfg.seed(), cfg.batch());
    ViewsConfig views = Pretrainer.views(lc);
    int batches = Math.max(1, images / cfg.batch());
    double sum = 0;
    try (LocaStep step = LocaStep.resume(lc, artifacts, ckpt.resolve(Pretrainer.STUDENT_FILE),
            ckpt.resolve(Pretrainer.TEACHER_FILE), cfg.sessionConfig());
        Loader<LocaSample, LocaBatch> loader = LocaLoaders.open(Datasets.open(data), views,
            LoaderSettings.of(cfg.batch(), cfg.seed() + 1).withWorkers(cfg.workers()))) {
      StepRandomness noDropPath = new StepRandomness(cfg.seed() + 1, false);
      for (int i = 0; i < batches; i++) {
        try (LocaBatch batch = loader.next()) {
          sum += step.evaluate(batch, i, noDropPath).positionAccuracy();
        }
      }
    } catch (DatasetException e) {
      throw new IllegalArgumentException("held-out data " + data + ": " + e.getMessage(), e);
    }
    return new Result(sum / batches, batches * cfg.batch(), CheckpointStore.stepOf(ckpt));
  }
}
