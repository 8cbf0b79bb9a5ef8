package dev.loca.eval.finetune;

import static dev.loca.runtime.loop.RunConfig.require;

import dev.loca.runtime.loop.ConfigRecords;
import dev.loca.runtime.loop.RunConfig;
import dev.loca.runtime.ort.SessionConfig;
import java.nio.file.Path;

/**
 * Everything a fine-tuning run is made of; written to {@code FT/config.json} and read back on resume. Every
 * field can be set from the command line with {@code --set name=value}.
 *
 * <p>Optimiser: Segmenter uses SGD with momentum 0.9 and poly decay (spec §6.2). The optimizer models ONNX
 * Runtime's training API can run are {@code AdamWOptimizer} and {@code SGDOptimizerV2}; the latter is plain
 * {@code w ← w − lr·g} with no momentum (spec ort-training-artifacts §"SGDOptimizerV2"), so fine-tuning uses
 * AdamW (β 0.9/0.999, decoupled decay that skips 1-D parameters as in pretraining) with Segmenter's poly
 * (power 0.9) decay, the usual recipe for ViT segmentation fine-tuning with AdamW (lr 1e-4 at batch 8).
 *
 * @param encoder a pretraining run folder whose student encoder initialises the segmenter, or {@code random}
 * @param preset the encoder preset for {@code random} ({@code micro}, {@code cpu}, {@code Ti/16}, ...); for a run
 *     it is the run's and this field is ignored
 * @param data dataset spec with labels (ADE20K or VOC folder, {@code synthetic[:...]})
 * @param steps optimizer steps in total (unless {@code epochs} is set)
 * @param epochs when positive, the run is this many passes over the (few-shot) training set and {@code steps} is
 *     derived from it
 * @param batch images per step
 * @param lr peak learning rate
 * @param weightDecay AdamW decoupled weight decay (1-D parameters exempt)
 * @param warmupFraction fraction of the steps warming up linearly from 0
 * @param polyPower poly decay power (0.9 in Segmenter)
 * @param finalLr learning rate reached at the last step
 * @param imageSize square crop side S (a multiple of the patch); the position table is resized to S / patch
 * @param minScale smallest random resize ratio (0.5 in Segmenter)
 * @param maxScale largest random resize ratio (2.0 in Segmenter)
 * @param dropPath stochastic depth of the last block (0.1 in Segmenter); 0 switches it off
 * @param frozen linear probe: the encoder is frozen and runs without stochastic depth; only the decoder trains
 * @param shots few-shot: when positive, a fixed subset of this many labelled training images (seeded)
 * @param threads ONNX Runtime intra-op threads (0: its default)
 * @param workers data-loader worker threads
 * @param seed seed of the decoder (and random encoder) initialisation, the few-shot subset, data order,
 *     augmentations and stochastic depth
 * @param checkpointEvery steps between checkpoints
 * @param keep checkpoints kept
 * @param device cpu or cuda
 */
public record FinetuneConfig(String encoder, String preset, String data, long steps, int epochs, int batch, double lr,
    double weightDecay, double warmupFraction, double polyPower, double finalLr, int imageSize, double minScale,
    double maxScale, double dropPath, boolean frozen, int shots, int threads, int workers, long seed,
    int checkpointEvery, int keep, String device) implements RunConfig<FinetuneConfig> {

  public static final String RANDOM = "random";

  public FinetuneConfig {
    require(!encoder.isEmpty(), "encoder must be a pretraining run folder or 'random'");
    require(steps > 0, "steps must be positive, got " + steps);
    require(epochs >= 0, "epochs must be >= 0, got " + epochs);
    require(batch > 0, "batch must be positive, got " + batch);
    require(lr > 0, "lr must be positive, got " + lr);
    require(weightDecay >= 0, "weightDecay must be >= 0, got " + weightDecay);
    require(warmupFraction >= 0 && warmupFraction < 1, "warmupFraction must be in [0, 1), got " + warmupFraction);
    require(polyPower > 0, "polyPower must be positive, got " + polyPower);
    require(finalLr >= 0 && finalLr <= lr, "finalLr must be in [0, lr], got " + finalLr);
    require(imageSize > 0, "imageSize must be positive, got " + imageSize);
    require(minScale > 0 && minScale <= maxScale, "minScale must be in (0, maxScale], got " + minScale);
    require(dropPath >= 0 && dropPath < 1, "dropPath must be in [0, 1), got " + dropPath);
    require(shots >= 0, "shots must be >= 0, got " + shots);
    require(threads >= 0, "threads must be >= 0, got " + threads);
    require(workers >= 1, "workers must be >= 1, got " + workers);
    require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
    require(keep >= 1, "keep must be >= 1, got " + keep);
    SessionConfig.Device.named(device); // cpu or cuda, else the same one-line IllegalArgumentException
  }

  /**
   * The defaults: Segmenter's augmentation, drop path 0.1 and poly 0.9 (spec §6.2), AdamW at lr 1e-4, decay
   * 0.01, 64-px crops and batch 8 (the cpu preset's scale; Segmenter uses 512 px and 160k steps on ADE20K).
   */
  public static FinetuneConfig defaults(String encoder) {
    return new FinetuneConfig(encoder, "cpu", "synthetic", 1000, 0, 8, 1e-4, 0.01, 0, 0.9, 0, 64, 0.5, 2.0, 0.1,
        false, 0, 0, 2, 42, 200, 3, "cpu");
  }

  public boolean randomEncoder() {
    return encoder.equals(RANDOM);
  }

  public static FinetuneConfig fromJson(String json) {
    return ConfigRecords.fromJson(defaults(RANDOM), json);
  }

  /** The config a {@value ConfigRecords#FILE_NAME} in {@code folder} holds (for --resume). */
  public static FinetuneConfig read(Path folder) {
    return ConfigRecords.read(folder, defaults(RANDOM), "fine-tuning folder");
  }

  @Override
  public String toString() {
    return ConfigRecords.table(this);
  }
}
