package dev.loca.runtime.loop;

import com.google.common.base.Preconditions;

/**
 * Learning-rate and EMA-momentum schedules of LOCA pretraining (spec §5.2, §5.3) and the poly decay of
 * segmentation fine-tuning (spec §6.2). Steps count optimizer
 * updates from 0; past the last step both schedules hold their final value.
 */
public final class Schedules {
  /** The batch at which the base learning rate is quoted (spec §5.1: lr = base · batch / 1024). */
  public static final int REFERENCE_BATCH = 1024;

  private Schedules() {}

  /**
   * Linear warm-up from 0 over {@code warmupSteps}, then cosine decay from {@code base} to
   * {@code base · finalFraction} at {@code totalSteps}; step 0 has lr 0 when there is a warm-up.
   */
  public static double learningRate(
      long t, long totalSteps, long warmupSteps, double base, double finalFraction) {
    Preconditions.checkArgument(t >= 0, "step must be >= 0, got %s", t);
    Preconditions.checkArgument(totalSteps > 0, "total steps must be > 0, got %s", totalSteps);
    Preconditions.checkArgument(warmupSteps >= 0 && warmupSteps <= totalSteps,
        "warm-up steps must be in [0, total steps %s], got %s", totalSteps, warmupSteps);
    Preconditions.checkArgument(finalFraction >= 0 && finalFraction <= 1,
        "final lr fraction must be in [0, 1], got %s", finalFraction);
    double warmup = warmupSteps == 0 ? 1 : Math.min(1, (double) t / warmupSteps);
    long decaySteps = totalSteps - warmupSteps;
    double progress = decaySteps == 0
        ? (t >= totalSteps ? 1 : 0)
        : Math.min(1, (double) Math.max(0, t - warmupSteps) / decaySteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return base * warmup * (finalFraction + (1 - finalFraction) * cosine);
  }

  /**
   * Segmenter's (mmseg's) poly decay after an optional linear warm-up from 0:
   * {@code (base − floor)·(1 − p)^power + floor}, with p the fraction of the post-warm-up steps done.
   */
  public static double poly(long t, long totalSteps, long warmupSteps, double base, double power, double floor) {
    Preconditions.checkArgument(t >= 0, "step must be >= 0, got %s", t);
    Preconditions.checkArgument(totalSteps > 0, "total steps must be > 0, got %s", totalSteps);
    Preconditions.checkArgument(warmupSteps >= 0 && warmupSteps < totalSteps,
        "warm-up steps must be in [0, total steps %s), got %s", totalSteps, warmupSteps);
    Preconditions.checkArgument(power > 0, "poly power must be > 0, got %s", power);
    Preconditions.checkArgument(floor >= 0 && floor <= base, "final lr must be in [0, base %s], got %s", base, floor);
    if (t < warmupSteps) {
      return base * t / warmupSteps;
    }
    double progress = Math.min(1, (double) (t - warmupSteps) / (totalSteps - warmupSteps));
    return (base - floor) * Math.pow(1 - progress, power) + floor;
  }

  /**
   * EMA momentum {@code m(t) = base·[α + (1−α)·½(1+cos(πt/T))]} with {@code α = 1/base}: {@code base} at
   * step 0 rising to 1 at {@code totalSteps}.
   */
  public static double momentum(long t, long totalSteps, double base) {
    Preconditions.checkArgument(t >= 0, "step must be >= 0, got %s", t);
    Preconditions.checkArgument(totalSteps > 0, "total steps must be > 0, got %s", totalSteps);
    Preconditions.checkArgument(base > 0 && base <= 1, "momentum base must be in (0, 1], got %s", base);
    double alpha = 1 / base;
    double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(t, totalSteps) / totalSteps));
    return base * (alpha + (1 - alpha) * cosine);
  }

  /** The linear scaling rule: {@code baseLr · batch / 1024}. */
  public static double scaledLearningRate(double baseLr, int batch) {
    Preconditions.checkArgument(batch > 0, "batch must be > 0, got %s", batch);
    return baseLr * batch / REFERENCE_BATCH;
  }
}
