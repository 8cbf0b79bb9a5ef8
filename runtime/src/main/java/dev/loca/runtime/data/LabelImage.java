package dev.loca.runtime.data;

import com.google.common.base.Preconditions;

/**
 * The raw values of a single-channel label image, row-major, before any dataset-specific mapping.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param values one value per pixel; not copied
 */
public record LabelImage(int width, int height, int[] values) {
  public LabelImage {
    Preconditions.checkArgument(values.length == width * height, "a %sx%s label image needs %s values, got %s",
        width, height, width * height, values.length);
  }
}
