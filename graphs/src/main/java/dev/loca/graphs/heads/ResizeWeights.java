package dev.loca.graphs.heads;

/**
 * One axis of a bilinear resize as a matrix, so that resizing is a MatMul (which has a gradient rule, unlike
 * Resize). The weights are those of {@code jax.image.resize(..., 'bilinear')} with its default antialiasing
 * (spec §3.1): {@code sample = (o + 0.5)·(in/out) − 0.5}, {@code w_j = max(0, 1 − |sample − j| / max(in/out,
 * 1))}, normalised over j. When upsampling this is half-pixel bilinear interpolation with the edges clamped
 * ({@code align_corners=False}, as PyTorch's and Segmenter's {@code F.interpolate(mode="bilinear")}).
 */
public final class ResizeWeights {
  private ResizeWeights() {}

  /** The [out][in] matrix M with {@code resized[o] = Σ_j M[o][j] · x[j]}. */
  public static double[][] matrix(int in, int out) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("resize sizes must be positive, got " + in + " → " + out);
    }
    double scale = (double) in / out;
    double support = Math.max(scale, 1);
    double[][] m = new double[out][in];
    for (int o = 0; o < out; o++) {
      double sample = (o + 0.5) * scale - 0.5;
      double total = 0;
      for (int j = 0; j < in; j++) {
        m[o][j] = Math.max(0, 1 - Math.abs(sample - j) / support);
        total += m[o][j];
      }
      for (int j = 0; j < in; j++) {
        m[o][j] /= total;
      }
    }
    return m;
  }
}
