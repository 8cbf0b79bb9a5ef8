package dev.loca.runtime.data.ops;

import com.google.common.base.Preconditions;
import dev.loca.runtime.data.RgbImage;

/**
 * Resizing with TensorFlow 2 semantics ({@code tf.image.resize}): bilinear with half-pixel centres and no
 * antialias for images, nearest neighbour with half-pixel centres for label maps. Scales and source positions
 * are computed in float32 as the TensorFlow kernels do.
 */
public final class Resize {
  private Resize() {}

  /**
   * Resizes the {@code box} of {@code image} bilinearly to {@code outHeight x outWidth} and writes it as three
   * float planes (R, G, B; values in [0, 255]) at {@code offset} of {@code chw}; with {@code mirror} the
   * columns are written right to left (a horizontal flip of the result).
   */
  public static void bilinearToChw(RgbImage image, CropBox box, int outHeight, int outWidth, boolean mirror,
      float[] chw, int offset) {
    Preconditions.checkArgument(box.y() + box.height() <= image.height() && box.x() + box.width() <= image.width(),
        "crop box %s does not fit a %sx%s image", box, image.width(), image.height());
    Preconditions.checkArgument(offset >= 0 && offset + 3L * outHeight * outWidth <= chw.length,
        "output of 3x%sx%s floats at %s does not fit %s floats", outHeight, outWidth, offset, chw.length);
    Weights ys = Weights.of(box.height(), outHeight);
    Weights xs = Weights.of(box.width(), outWidth);
    int[] left = new int[outWidth];
    int[] right = new int[outWidth];
    for (int ox = 0; ox < outWidth; ox++) {
      left[ox] = 3 * (box.x() + xs.lower[ox]);
      right[ox] = 3 * (box.x() + xs.upper[ox]);
    }
    byte[] rgb = image.rgb();
    int plane = outHeight * outWidth;
    int rowStride = 3 * image.width();
    for (int oy = 0; oy < outHeight; oy++) {
      int top = (box.y() + ys.lower[oy]) * rowStride;
      int bottom = (box.y() + ys.upper[oy]) * rowStride;
      float yLerp = ys.lerp[oy];
      int rowOut = offset + oy * outWidth;
      for (int ox = 0; ox < outWidth; ox++) {
        float xLerp = xs.lerp[ox];
        int out = rowOut + (mirror ? outWidth - 1 - ox : ox);
        for (int c = 0; c < 3; c++) {
          float topLeft = rgb[top + left[ox] + c] & 0xff;
          float topRight = rgb[top + right[ox] + c] & 0xff;
          float bottomLeft = rgb[bottom + left[ox] + c] & 0xff;
          float bottomRight = rgb[bottom + right[ox] + c] & 0xff;
          float upper = topLeft + (topRight - topLeft) * xLerp;
          float lower = bottomLeft + (bottomRight - bottomLeft) * xLerp;
          chw[out + c * plane] = upper + (lower - upper) * yLerp;
        }
      }
    }
  }

  /**
   * The source index that nearest-neighbour resizing from {@code in} to {@code out} samples for output index
   * {@code o}: {@code min(floor((o + 0.5) * (in / out)), in - 1)}, in float32.
   */
  public static int nearestSource(int o, int in, int out) {
    float scale = (float) in / out;
    return Math.min((int) Math.floor((o + 0.5f) * scale), in - 1);
  }

  /** Nearest-neighbour resize of a row-major label map. */
  public static int[] nearest(int[] labels, int height, int width, int outHeight, int outWidth) {
    Preconditions.checkArgument(labels.length == height * width, "a %sx%s label map needs %s values, got %s", height,
        width, height * width, labels.length);
    int[] columns = new int[outWidth];
    for (int ox = 0; ox < outWidth; ox++) {
      columns[ox] = nearestSource(ox, width, outWidth);
    }
    int[] out = new int[outHeight * outWidth];
    for (int oy = 0; oy < outHeight; oy++) {
      int row = nearestSource(oy, height, outHeight) * width;
      for (int ox = 0; ox < outWidth; ox++) {
        out[oy * outWidth + ox] = labels[row + columns[ox]];
      }
    }
    return out;
  }

  /**
   * Bilinear taps with half-pixel centres (TensorFlow's {@code resize}, PyTorch's {@code align_corners=False}):
   * per output index, the two source indices and the weight of the second, in float32. The arrays are not
   * copied; callers must not change them.
   */
  public record Weights(int[] lower, int[] upper, float[] lerp) {
    /** The taps of resizing {@code in} samples to {@code out}. */
    public static Weights of(int in, int out) {
      Preconditions.checkArgument(in > 0 && out > 0, "sizes must be positive, got %s -> %s", in, out);
      float scale = (float) in / out;
      int[] lower = new int[out];
      int[] upper = new int[out];
      float[] lerp = new float[out];
      for (int o = 0; o < out; o++) {
        float source = (o + 0.5f) * scale - 0.5f;
        float floor = (float) Math.floor(source);
        lower[o] = Math.max((int) floor, 0);
        upper[o] = Math.min((int) Math.ceil(source), in - 1);
        lerp[o] = source - floor;
      }
      return new Weights(lower, upper, lerp);
    }
  }
}
