package dev.loca.graph.artifacts;

import com.google.common.base.Preconditions;
import java.util.Optional;

/**
 * The AdamW optimizer model's settings. ORT allows one optimizer node for all parameters, so these apply
 * to every trainable parameter; a per-parameter decay mask is applied by the trainer after each step.
 *
 * @param beta1 first-moment decay
 * @param beta2 second-moment decay
 * @param epsilon denominator term
 * @param weightDecay decoupled weight decay (multiplied by the learning rate)
 * @param correctBias Adam bias correction
 * @param adamMode 0: decay before the update, as torch AdamW and optax; 1: after, as Hugging Face
 * @param maxGradNorm global L2-norm clip of the gradients before the update, if present
 */
public record OptimizerSettings(float beta1, float beta2, float epsilon, float weightDecay, boolean correctBias,
    int adamMode, Optional<Float> maxGradNorm) {

  public OptimizerSettings {
    Preconditions.checkArgument(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must be in [0, 1)");
    Preconditions.checkArgument(epsilon > 0, "epsilon must be > 0");
    Preconditions.checkArgument(weightDecay >= 0, "weight decay must be >= 0");
    Preconditions.checkArgument(adamMode == 0 || adamMode == 1, "adam mode must be 0 or 1");
    Preconditions.checkArgument(maxGradNorm.map(n -> n > 0).orElse(true), "max grad norm must be > 0");
  }

  /** optax/torch AdamW defaults (β 0.9/0.999, ε 1e-8, decay 0.01), no clipping. */
  public static OptimizerSettings adamW() {
    return new OptimizerSettings(0.9f, 0.999f, 1e-8f, 0.01f, true, 0, Optional.empty());
  }

  public OptimizerSettings withWeightDecay(float wd) {
    return new OptimizerSettings(beta1, beta2, epsilon, wd, correctBias, adamMode, maxGradNorm);
  }

  public OptimizerSettings withMaxGradNorm(float norm) {
    return new OptimizerSettings(beta1, beta2, epsilon, weightDecay, correctBias, adamMode, Optional.of(norm));
  }
}
