package dev.loca.eval.segment;

import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.ops.ColorOps;
import dev.loca.runtime.data.ops.CropBox;
import dev.loca.runtime.data.ops.Resize;

/**
 * What the segmenter sees: the image resized bilinearly (half-pixel centres, as in fine-tuning) to the canvas,
 * scaled to [0, 1] and normalised with the card's mean and std, as three float planes; windows are copied
 * out of that canvas.
 */
final class Preprocessing {
  private Preprocessing() {}

  /** The normalised canvas [3, height, width] of {@code image}. */
  static float[] canvas(RgbImage image, int width, int height, float[] mean, float[] std) {
    float[] chw = new float[3 * width * height];
    Resize.bilinearToChw(image, CropBox.whole(image.height(), image.width()), height, width, false, chw, 0);
    ColorOps.divide(chw, 0, width * height, 255f);
    ColorOps.normalize(chw, 0, width * height, mean, std);
    return chw;
  }

  /** Copies the {@code size}×{@code size} window at (x, y) of a canvas into slot {@code slot} of a batch. */
  static void copyWindow(float[] canvas, int width, int height, int x, int y, int size, float[] batch, int slot) {
    int plane = size * size;
    for (int c = 0; c < 3; c++) {
      for (int row = 0; row < size; row++) {
        System.arraycopy(canvas, (c * height + y + row) * width + x, batch, (slot * 3 + c) * plane + row * size,
            size);
      }
    }
  }
}
