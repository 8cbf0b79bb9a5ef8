package dev.loca.graphs.vit;

import java.util.random.RandomGenerator;

/**
 * The random draws of stochastic depth, made in Java and fed to the encoder as its {@code dropPath} input so
 * that runs are reproducible. A multiplier is 0 for a dropped residual branch and {@code 1/(1 − rate_l)} for
 * a kept one. Like scenic's {@code Encoder1DBlock} (whose two {@code StochasticDepth} layers draw
 * independently), the attention and MLP branches of a block get separate draws: column {@code 2l} scales
 * block l's attention branch, column {@code 2l + 1} its MLP branch.
 */
public final class DropPath {
  private DropPath() {}

  /** Columns per sample of the per-branch layout: {@code 2 · depth}. */
  public static int columns(VitConfig cfg) {
    return 2 * cfg.depth();
  }

  /** Row-major {@code [batch, 2·depth]} multipliers, each branch of each sample drawn independently. */
  public static float[] draw(VitConfig cfg, int batch, RandomGenerator rng) {
    int cols = columns(cfg);
    float[] m = new float[batch * cols];
    for (int i = 0; i < batch; i++) {
      for (int c = 0; c < cols; c++) {
        double rate = cfg.dropRate(c / 2);
        m[i * cols + c] = rate == 0 ? 1f : rng.nextDouble() < rate ? 0f : (float) (1 / (1 - rate));
      }
    }
    return m;
  }

  /** Multipliers that keep every branch (stochastic depth off), {@code [batch, 2·depth]}. */
  public static float[] keepAll(VitConfig cfg, int batch) {
    float[] m = new float[batch * columns(cfg)];
    java.util.Arrays.fill(m, 1f);
    return m;
  }
}
