package dev.loca.runtime.data;

import java.util.Set;

/** A tiny in-memory dataset of gradient images; item i is i-dependent, listed items are unreadable. */
final class GradientDataset implements ImageDataset {
  private final int size;
  private final int width;
  private final int height;
  private final Set<Integer> bad;

  GradientDataset(int size, int width, int height, Set<Integer> bad) {
    this.size = size;
    this.width = width;
    this.height = height;
    this.bad = bad;
  }

  GradientDataset(int size) {
    this(size, 8, 6, Set.of());
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Sample get(int index) throws BadSampleException {
    if (bad.contains(index)) {
      throw new BadSampleException("item-" + index + ".jpg: truncated JPEG");
    }
    byte[] rgb = new byte[3 * width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int at = 3 * (y * width + x);
        rgb[at] = (byte) (index);
        rgb[at + 1] = (byte) (x * 255 / Math.max(1, width - 1));
        rgb[at + 2] = (byte) (y * 255 / Math.max(1, height - 1));
      }
    }
    return new Sample("item-" + index, new RgbImage(width, height, rgb), java.util.Optional.empty());
  }

  @Override
  public String describe() {
    return "gradient dataset (" + size + " images)";
  }
}
