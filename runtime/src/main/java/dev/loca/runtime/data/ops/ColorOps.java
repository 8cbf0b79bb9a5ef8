package dev.loca.runtime.data.ops;

/**
 * Pixel colour operations on an RGB image stored as three float planes (R, G, B) of {@code pixels} values
 * each, starting at {@code offset} of an array; values are in [0, 1] unless said otherwise. Each follows the
 * TensorFlow op named in its comment, in float32; none clips except {@link #clip} and the saturation step.
 */
public final class ColorOps {
  /** Luma weights of {@code tf.image.rgb_to_grayscale}. */
  public static final float GRAY_R = 0.2989f;
  public static final float GRAY_G = 0.5870f;
  public static final float GRAY_B = 0.1140f;

  private ColorOps() {}

  /** ImageNet channel means (RGB, values in [0, 1]) of {@code standardize}, as a fresh array. */
  public static float[] imagenetMean() {
    return new float[] {0.485f, 0.456f, 0.406f};
  }

  /** ImageNet channel standard deviations (RGB) of {@code standardize}, as a fresh array. */
  public static float[] imagenetStd() {
    return new float[] {0.229f, 0.224f, 0.225f};
  }

  /** Divides every value by {@code divisor} (255 for {@code value_range(0, 1)}). */
  public static void divide(float[] chw, int offset, int pixels, float divisor) {
    for (int i = offset, end = offset + 3 * pixels; i < end; i++) {
      chw[i] /= divisor;
    }
  }

  /** Clips every value to [lo, hi] ({@code tf.clip_by_value}). */
  public static void clip(float[] chw, int offset, int pixels, float lo, float hi) {
    for (int i = offset, end = offset + 3 * pixels; i < end; i++) {
      chw[i] = Math.min(Math.max(chw[i], lo), hi);
    }
  }

  /** {@code tf.image.adjust_brightness}: adds {@code delta} to every value. */
  public static void brightness(float[] chw, int offset, int pixels, float delta) {
    for (int i = offset, end = offset + 3 * pixels; i < end; i++) {
      chw[i] += delta;
    }
  }

  /** {@code tf.image.adjust_contrast}: per channel, {@code (x - mean) * factor + mean} with the plane's mean. */
  public static void contrast(float[] chw, int offset, int pixels, float factor) {
    for (int c = 0; c < 3; c++) {
      int start = offset + c * pixels;
      double sum = 0;
      for (int i = start; i < start + pixels; i++) {
        sum += chw[i];
      }
      float mean = (float) (sum / pixels);
      for (int i = start; i < start + pixels; i++) {
        chw[i] = (chw[i] - mean) * factor + mean;
      }
    }
  }

  /** {@code tf.image.adjust_saturation}: to HSV, S times {@code factor} clipped to [0, 1], back to RGB. */
  public static void saturation(float[] chw, int offset, int pixels, float factor) {
    int g0 = offset + pixels;
    int b0 = offset + 2 * pixels;
    for (int i = 0; i < pixels; i++) {
      float r = chw[offset + i];
      float g = chw[g0 + i];
      float b = chw[b0 + i];
      float v = Math.max(r, Math.max(g, b));
      float range = v - Math.min(r, Math.min(g, b));
      float s = v > 0 ? range / v : 0;
      float norm = 1.0f / (6.0f * range);
      float h;
      if (r == v) {
        h = norm * (g - b);
      } else if (g == v) {
        h = (float) (norm * (b - r) + 2.0 / 6.0);
      } else {
        h = (float) (norm * (r - g) + 4.0 / 6.0);
      }
      if (range <= 0) {
        h = 0;
      }
      if (h < 0) {
        h += 1;
      }
      s = Math.min(1.0f, Math.max(0.0f, s * factor));
      hsvToRgb(h, s, v, chw, offset + i, pixels);
    }
  }

  /** The HSV to RGB conversion of TensorFlow's saturation kernel; writes the pixel at {@code at}. */
  private static void hsvToRgb(float h, float s, float v, float[] chw, int at, int pixels) {
    float c = s * v;
    float m = v - c;
    float dh = h * 6;
    int category = (int) dh;
    float fmodu = dh;
    while (fmodu <= 0) {
      fmodu += 2.0f;
    }
    while (fmodu >= 2.0f) {
      fmodu -= 2.0f;
    }
    float x = c * (1 - Math.abs(fmodu - 1));
    float r;
    float g;
    float b;
    switch (category) {
      case 0 -> { r = c; g = x; b = 0; }
      case 1 -> { r = x; g = c; b = 0; }
      case 2 -> { r = 0; g = c; b = x; }
      case 3 -> { r = 0; g = x; b = c; }
      case 4 -> { r = x; g = 0; b = c; }
      case 5 -> { r = c; g = 0; b = x; }
      default -> { r = 0; g = 0; b = 0; }
    }
    chw[at] = r + m;
    chw[at + pixels] = g + m;
    chw[at + 2 * pixels] = b + m;
  }

  /**
   * {@code tf.image.adjust_hue}: rotates the hue by {@code delta} (a fraction of the colour wheel), keeping
   * each pixel's largest and smallest channel, as TensorFlow's CPU kernel does.
   */
  public static void hue(float[] chw, int offset, int pixels, float delta) {
    int g0 = offset + pixels;
    int b0 = offset + 2 * pixels;
    for (int i = 0; i < pixels; i++) {
      float r = chw[offset + i];
      float g = chw[g0 + i];
      float b = chw[b0 + i];
      float max;
      float mid;
      float min;
      int category;
      if (g >= r) {
        if (b >= g) {
          max = b; mid = g; min = r; category = 3;
        } else if (b >= r) {
          max = g; mid = b; min = r; category = 2;
        } else {
          max = g; mid = r; min = b; category = 1;
        }
      } else {
        if (g >= b) {
          max = r; mid = g; min = b; category = 0;
        } else if (b >= r) {
          max = b; mid = r; min = g; category = 4;
        } else {
          max = r; mid = b; min = g; category = 5;
        }
      }
      if (max == min) {
        continue; // grey: hue 0, and rotating it gives back the same grey
      }
      float ratio = (mid - min) / (max - min);
      float h = category + ((category & 1) == 0 ? ratio : 1 - ratio);
      h += delta * 6;
      while (h < 0) {
        h += 6;
      }
      while (h >= 6) {
        h -= 6;
      }
      int newCategory = (int) h;
      float newRatio = h - newCategory;
      if ((newCategory & 1) != 0) {
        newRatio = 1 - newRatio;
      }
      float newMid = min + newRatio * (max - min);
      switch (newCategory) {
        case 0 -> { r = max; g = newMid; b = min; }
        case 1 -> { r = newMid; g = max; b = min; }
        case 2 -> { r = min; g = max; b = newMid; }
        case 3 -> { r = min; g = newMid; b = max; }
        case 4 -> { r = newMid; g = min; b = max; }
        default -> { r = max; g = min; b = newMid; }
      }
      chw[offset + i] = r;
      chw[g0 + i] = g;
      chw[b0 + i] = b;
    }
  }

  /** {@code tf.image.rgb_to_grayscale} tiled back to three channels. */
  public static void grayscale(float[] chw, int offset, int pixels) {
    int g0 = offset + pixels;
    int b0 = offset + 2 * pixels;
    for (int i = 0; i < pixels; i++) {
      float gray = chw[offset + i] * GRAY_R + chw[g0 + i] * GRAY_G + chw[b0 + i] * GRAY_B;
      chw[offset + i] = gray;
      chw[g0 + i] = gray;
      chw[b0 + i] = gray;
    }
  }

  /** Solarize as LOCA's {@code random_solarize} does it: values {@code >= threshold} become {@code 1 - x}. */
  public static void solarize(float[] chw, int offset, int pixels, float threshold) {
    for (int i = offset, end = offset + 3 * pixels; i < end; i++) {
      if (chw[i] >= threshold) {
        chw[i] = 1 - chw[i];
      }
    }
  }

  /** Per channel {@code (x - mean[c]) / std[c]}. */
  public static void normalize(float[] chw, int offset, int pixels, float[] mean, float[] std) {
    for (int c = 0; c < 3; c++) {
      float m = mean[c];
      float s = std[c];
      for (int i = offset + c * pixels, end = i + pixels; i < end; i++) {
        chw[i] = (chw[i] - m) / s;
      }
    }
  }
}
