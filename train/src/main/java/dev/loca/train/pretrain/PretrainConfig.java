package dev.loca.train.pretrain;

import static dev.loca.runtime.loop.RunConfig.require;

import dev.loca.runtime.loop.ConfigRecords;
import dev.loca.runtime.loop.RunConfig;
import dev.loca.runtime.ort.SessionConfig;
import java.nio.file.Path;

/**
 * Everything a pretraining run is made of; written to {@code RUN/config.json} and read back on resume.
 * Every field can be set from the command line with {@code --set name=value}.
 *
 * @param preset LOCA preset (graphs)
 * @param data dataset spec: a path or {@code synthetic[:...]}
 * @param steps optimizer steps in total
 * @param batch images per step
 * @param baseLr learning rate at batch 1024 (scaled by batch/1024, spec §5.1)
 * @param warmupFraction fraction of the steps spent warming up (15 of 100 epochs in the spec)
 * @param finalLrFraction cosine decay ends at this fraction of the peak lr
 * @param momentumBase EMA momentum at step 0 (cosine to 1)
 * @param accumulate batches whose gradients are summed into one optimizer step
 * @param threads ONNX Runtime intra-op threads (0: ORT's default)
 * @param workers data-loader worker threads
 * @param seed seed of parameters, data order, views and masks
 * @param checkpointEvery steps between checkpoints
 * @param keep checkpoints kept
 * @param device cpu or cuda
 */
public record PretrainConfig(String preset, String data, long steps, int batch, double baseLr, double warmupFraction,
    double finalLrFraction, double momentumBase, int accumulate, int threads, int workers, long seed,
    int checkpointEvery, int keep, String device) implements RunConfig<PretrainConfig> {

  public PretrainConfig {
    require(steps > 0, "steps must be positive, got " + steps);
    require(batch > 0, "batch must be positive, got " + batch);
    require(baseLr > 0, "baseLr must be positive, got " + baseLr);
    require(warmupFraction >= 0 && warmupFraction < 1, "warmupFraction must be in [0, 1), got " + warmupFraction);
    require(finalLrFraction >= 0 && finalLrFraction <= 1, "finalLrFraction must be in [0, 1], got " + finalLrFraction);
    require(momentumBase >= 0 && momentumBase <= 1, "momentumBase must be in [0, 1], got " + momentumBase);
    require(accumulate >= 1, "accumulate must be >= 1, got " + accumulate);
    require(threads >= 0, "threads must be >= 0, got " + threads);
    require(workers >= 1, "workers must be >= 1, got " + workers);
    require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
    require(keep >= 1, "keep must be >= 1, got " + keep);
    SessionConfig.Device.named(device); // cpu or cuda, else the same one-line IllegalArgumentException
  }

  /** The defaults for a preset (spec §5.1 where it applies). */
  public static PretrainConfig defaults(String preset) {
    return new PretrainConfig(preset, "synthetic", 1000, 16, 1e-3, 0.15, 0.01, 0.996, 1, 0, 2, 42, 200, 3, "cpu");
  }

  /** The ORT training-session settings of this config: its intra-op threads, on CUDA device 0 for {@code cuda}. */
  public SessionConfig sessionConfig() {
    SessionConfig session = SessionConfig.training().withIntraOpThreads(threads);
    return session.withDevice(SessionConfig.Device.named(device));
  }

  /** Warm-up steps. */
  public long warmupSteps() {
    return Math.round(warmupFraction * steps);
  }

  /** Reads what {@link #toJson()} wrote. */
  public static PretrainConfig fromJson(String json) {
    return ConfigRecords.fromJson(defaults("cpu"), json);
  }

  /** The config a {@value ConfigRecords#FILE_NAME} in {@code folder} holds (for --resume). */
  public static PretrainConfig read(Path folder) {
    return ConfigRecords.read(folder, defaults("cpu"), "run folder");
  }

  @Override
  public String toString() {
    return ConfigRecords.table(this);
  }
}
