package dev.loca.runtime.data.ops;

import com.google.common.base.Preconditions;

/**
 * Separable Gaussian blur as SimCLR's TensorFlow {@code gaussian_blur} does it (the op LOCA's
 * {@code random_blur} was meant to call): radius {@code kernelSize / 2}, taps {@code exp(-x^2 / (2 sigma^2))}
 * normalised to sum 1, vertical then horizontal pass, zero padding ({@code padding='SAME'}).
 */
public final class GaussianBlur {
  private GaussianBlur() {}

  /** Normalised taps for a kernel of {@code 2 * (kernelSize / 2) + 1} values. */
  public static float[] taps(int kernelSize, float sigma) {
    Preconditions.checkArgument(kernelSize >= 0 && sigma > 0, "kernel size %s, sigma %s", (Object) kernelSize, sigma);
    int radius = kernelSize / 2;
    float[] taps = new float[2 * radius + 1];
    float sum = 0;
    for (int i = -radius; i <= radius; i++) {
      taps[i + radius] = (float) Math.exp(-(float) (i * i) / (2.0f * sigma * sigma));
      sum += taps[i + radius];
    }
    for (int i = 0; i < taps.length; i++) {
      taps[i] /= sum;
    }
    return taps;
  }

  /** Blurs the three {@code height x width} planes at {@code offset} of {@code chw} in place. */
  public static void apply(float[] chw, int offset, int height, int width, int kernelSize, float sigma) {
    float[] taps = taps(kernelSize, sigma);
    int radius = taps.length / 2;
    if (radius == 0) {
      return; // a 1x1 kernel of weight 1
    }
    int pixels = height * width;
    float[] tmp = new float[pixels];
    for (int c = 0; c < 3; c++) {
      int base = offset + c * pixels;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float acc = 0;
          for (int k = -radius; k <= radius; k++) {
            int yy = y + k;
            if (yy >= 0 && yy < height) {
              acc += taps[k + radius] * chw[base + yy * width + x];
            }
          }
          tmp[y * width + x] = acc;
        }
      }
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float acc = 0;
          for (int k = -radius; k <= radius; k++) {
            int xx = x + k;
            if (xx >= 0 && xx < width) {
              acc += taps[k + radius] * tmp[y * width + xx];
            }
          }
          chw[base + y * width + x] = acc;
        }
      }
    }
  }
}
