package dev.loca.graph.artifacts;

import dev.loca.graph.ir.TensorData;
import java.util.Map;
import java.util.Objects;

/**
 * The optimizer state of a checkpoint: ORT's optimizer group {@code group0}.
 *
 * <p>Moments are keyed by trainable parameter name and have that parameter's type and shape. A map that
 * is not empty must cover every trainable parameter (ORT matches them strictly). When both maps are
 * empty, the checkpoint has no per-parameter state and ORT creates zero moments; when only one is given,
 * the writer stores zeros for the other, which is what ORT would have created ({@code momentum1} is
 * unused by SGD).
 *
 * @param step the number of optimizer updates done so far; ORT feeds {@code step + 1} to the next update
 *     (AdamW bias correction)
 * @param initialLearningRate stored for reference only: ORT does not restore the learning rate from it
 *     (set it on every new training session)
 * @param firstMoments first moments ({@code momentum0}: AdamW's m, SGD's unused slot), by parameter name
 * @param secondMoments second moments ({@code momentum1}: AdamW's v), by parameter name
 */
public record OptimizerState(
    long step,
    float initialLearningRate,
    Map<String, TensorData> firstMoments,
    Map<String, TensorData> secondMoments) {

  /** Checks the step and freezes the maps. */
  public OptimizerState {
    if (step < 0) {
      throw new IllegalArgumentException("optimizer step must be >= 0, got " + step);
    }
    firstMoments = Map.copyOf(Objects.requireNonNull(firstMoments, "firstMoments"));
    secondMoments = Map.copyOf(Objects.requireNonNull(secondMoments, "secondMoments"));
  }

  /** A state with the given step and learning rate and no moments (ORT starts them at zero). */
  public static OptimizerState withoutMoments(long step, float initialLearningRate) {
    return new OptimizerState(step, initialLearningRate, Map.of(), Map.of());
  }
}
