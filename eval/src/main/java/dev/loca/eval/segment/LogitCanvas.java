package dev.loca.eval.segment;

import dev.loca.runtime.data.ops.Resize;
import java.util.Arrays;

/**
 * The logits of one image on its canvas: window logits are summed where they land and averaged where windows
 * overlap; {@link #predict} resizes the averaged logits bilinearly to the image's size and takes the arg-max,
 * class by class, so that the full-size logits are never held in memory.
 */
final class LogitCanvas {
  private final int classes;
  private final int width;
  private final int height;
  private final float[] sums;
  private final int[] hits;

  LogitCanvas(int classes, int width, int height) {
    this.classes = classes;
    this.width = width;
    this.height = height;
    this.sums = new float[classes * width * height];
    this.hits = new int[width * height];
  }

  /** Adds the logits of window {@code slot} of a batch [n, classes, size, size] at (x, y). */
  void add(float[] batchLogits, int slot, int size, int x, int y) {
    int plane = size * size;
    for (int c = 0; c < classes; c++) {
      int from = (slot * classes + c) * plane;
      for (int row = 0; row < size; row++) {
        int to = (c * height + y + row) * width + x;
        for (int col = 0; col < size; col++) {
          sums[to + col] += batchLogits[from + row * size + col];
        }
      }
    }
    for (int row = 0; row < size; row++) {
      for (int col = 0; col < size; col++) {
        hits[(y + row) * width + x + col]++;
      }
    }
  }

  /** The class of every pixel of an image of {@code outWidth}×{@code outHeight}, row-major; call once. */
  int[] predict(int outWidth, int outHeight) {
    int pixels = width * height;
    for (int p = 0; p < pixels; p++) {
      if (hits[p] == 0) {
        throw new IllegalStateException("canvas pixel (" + p % width + ", " + p / width + ") has no window");
      }
      for (int c = 0; c < classes; c++) {
        sums[c * pixels + p] /= hits[p];
      }
      hits[p] = 1;
    }
    Resize.Weights ys = Resize.Weights.of(height, outHeight);
    Resize.Weights xs = Resize.Weights.of(width, outWidth);
    float[] best = new float[outWidth * outHeight];
    int[] arg = new int[outWidth * outHeight];
    Arrays.fill(best, Float.NEGATIVE_INFINITY);
    for (int c = 0; c < classes; c++) {
      int base = c * pixels;
      for (int oy = 0; oy < outHeight; oy++) {
        int top = ys.lower()[oy] * width;
        int bottom = ys.upper()[oy] * width;
        float yLerp = ys.lerp()[oy];
        for (int ox = 0; ox < outWidth; ox++) {
          int left = xs.lower()[ox];
          int right = xs.upper()[ox];
          float xLerp = xs.lerp()[ox];
          float topLeft = sums[base + top + left];
          float bottomLeft = sums[base + bottom + left];
          float upper = topLeft + (sums[base + top + right] - topLeft) * xLerp;
          float lower = bottomLeft + (sums[base + bottom + right] - bottomLeft) * xLerp;
          float v = upper + (lower - upper) * yLerp;
          int p = oy * outWidth + ox;
          if (v > best[p]) {
            best[p] = v;
            arg[p] = c;
          }
        }
      }
    }
    return arg;
  }
}
