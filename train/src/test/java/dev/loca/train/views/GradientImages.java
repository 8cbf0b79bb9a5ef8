package dev.loca.train.views;

import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.Sample;
import java.util.Optional;

/** Small generated gradient images, and an in-memory dataset of them. */
final class GradientImages {
  private GradientImages() {}

  /** R rises left to right, G top to bottom, B depends on {@code seed}. */
  static RgbImage image(int width, int height, int seed) {
    byte[] rgb = new byte[3 * width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int at = 3 * (y * width + x);
        rgb[at] = (byte) (x * 255 / Math.max(1, width - 1));
        rgb[at + 1] = (byte) (y * 255 / Math.max(1, height - 1));
        rgb[at + 2] = (byte) ((seed * 37 + x + y) & 0xff);
      }
    }
    return new RgbImage(width, height, rgb);
  }

  static ImageDataset dataset(int size, int width, int height) {
    return new ImageDataset() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Sample get(int index) {
        return new Sample("gradient-" + index, image(width + index % 3, height + index % 5, index),
            Optional.empty());
      }

      @Override
      public String describe() {
        return "gradients (" + size + " images)";
      }
    };
  }
}
