package dev.loca.runtime.data;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/** Reading an image together with its label map, as the segmentation layouts store them. */
final class LabelledImages {
  /** Marks a raw label value that a layout does not allow. */
  static final int INVALID = Integer.MIN_VALUE;

  private LabelledImages() {}

  /**
   * Reads {@code image} and {@code labelFile}, checks that their sizes agree and maps every raw label value
   * through {@code mapping}; a value mapped to {@link #INVALID} makes the sample bad.
   */
  static Sample read(String id, Path image, Path labelFile, IntUnaryOperator mapping, String allowed)
      throws BadSampleException {
    RgbImage rgb = ImageDecoder.readRgb(image);
    LabelImage raw = ImageDecoder.readLabels(labelFile);
    if (raw.width() != rgb.width() || raw.height() != rgb.height()) {
      throw new BadSampleException(labelFile + ": label map is " + raw.width() + "x" + raw.height()
          + " but its image " + image.getFileName() + " is " + rgb.width() + "x" + rgb.height());
    }
    int[] labels = raw.values();
    for (int p = 0; p < labels.length; p++) {
      int mapped = mapping.applyAsInt(labels[p]);
      if (mapped == INVALID) {
        throw new BadSampleException(labelFile + ": label value " + labels[p] + " at pixel (" + p % raw.width()
            + ", " + p / raw.width() + "); expected " + allowed);
      }
      labels[p] = mapped;
    }
    return new Sample(id, rgb, Optional.of(labels));
  }
}
