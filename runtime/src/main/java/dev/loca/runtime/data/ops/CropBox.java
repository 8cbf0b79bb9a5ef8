package dev.loca.runtime.data.ops;

import com.google.common.base.Preconditions;

/**
 * A rectangle of whole pixels in an image: top-left corner (y, x) and size (height, width).
 *
 * @param y first row
 * @param x first column
 * @param height number of rows, positive
 * @param width number of columns, positive
 */
public record CropBox(int y, int x, int height, int width) {
  public CropBox {
    Preconditions.checkArgument(y >= 0 && x >= 0 && height > 0 && width > 0, "bad crop box y=%s x=%s h=%s w=%s", y,
        x, height, width);
  }

  /** The whole of an image of the given size. */
  public static CropBox whole(int height, int width) {
    return new CropBox(0, 0, height, width);
  }

  /** Whether pixel (row, column) lies inside. */
  public boolean contains(int row, int column) {
    return row >= y && row < y + height && column >= x && column < x + width;
  }
}
