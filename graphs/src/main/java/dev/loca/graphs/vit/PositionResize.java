package dev.loca.graphs.vit;

/**
 * Resizing of the learned position table to another token grid with the weights of
 * {@code jax.image.resize(..., 'bilinear', antialias=True)} (spec §3.1): output o samples the input at
 * {@code (o + 0.5)·in/out − 0.5} with a triangle kernel widened by {@code max(in/out, 1)} and normalised to
 * sum 1. Downsampling is thus antialiased; upsampling is plain bilinear whose edge outputs lean on the edge
 * input (the normalisation drops the kernel's part outside the table), as in JAX.
 */
public final class PositionResize {
  /** JAX zeroes a row whose weight sum is below 1000·float32 epsilon instead of dividing by it. */
  private static final double MIN_WEIGHT_SUM = 1000 * Math.ulp(1f);

  private PositionResize() {}

  /** {@code w[o][j]}: the weight of input position j in output position o, for one axis. */
  public static double[][] weights(int in, int out) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("resize sizes must be positive, got " + in + " -> " + out);
    }
    double invScale = (double) in / out;
    double kernelScale = Math.max(invScale, 1);
    double[][] w = new double[out][in];
    for (int o = 0; o < out; o++) {
      double sample = (o + 0.5) * invScale - 0.5;
      double sum = 0;
      for (int j = 0; j < in; j++) {
        w[o][j] = Math.max(0, 1 - Math.abs(sample - j) / kernelScale);
        sum += w[o][j];
      }
      for (int j = 0; j < in; j++) {
        w[o][j] = sum > MIN_WEIGHT_SUM ? w[o][j] / sum : 0;
      }
    }
    return w;
  }

  /**
   * The separable 2-D resize of a raster-ordered {@code in × in} grid to {@code out × out} as one matrix
   * {@code [out², in²]} (the Kronecker product of the per-axis weights with themselves), row-major.
   */
  public static float[] matrix(int in, int out) {
    double[][] w = weights(in, out);
    int n = in * in;
    float[] m = new float[out * out * n];
    for (int oy = 0; oy < out; oy++) {
      for (int ox = 0; ox < out; ox++) {
        int row = (oy * out + ox) * n;
        for (int iy = 0; iy < in; iy++) {
          for (int ix = 0; ix < in; ix++) {
            m[row + iy * in + ix] = (float) (w[oy][iy] * w[ox][ix]);
          }
        }
      }
    }
    return m;
  }

  /**
   * Resizes a learned position table {@code [1, in, in, width]} (raster order, as {@code encoder.posembed}
   * holds it) to {@code [1, out, out, width]} with {@link #matrix}: what the encoder does in its graph for
   * another grid, done once, for a model whose own table is the new grid's (fine-tuning at another size).
   */
  public static float[] resizeTable(float[] table, int in, int out, int width) {
    int n = in * in;
    if (table.length != n * width) {
      throw new IllegalArgumentException("position table of " + table.length + " values is not " + in + "x" + in
          + "x" + width);
    }
    float[] m = matrix(in, out);
    float[] resized = new float[out * out * width];
    for (int o = 0; o < out * out; o++) {
      for (int j = 0; j < n; j++) {
        float w = m[o * n + j];
        if (w != 0) {
          for (int d = 0; d < width; d++) {
            resized[o * width + d] += w * table[j * width + d];
          }
        }
      }
    }
    return resized;
  }
}
