package dev.loca.train.views;

import static dev.loca.runtime.data.ops.Resize.nearestSource;

import dev.loca.runtime.data.ops.CropBox;

/**
 * Patch-correspondence labels (spec §2.7), for any view sizes and patch size. The reference's patch ids
 * ({@code 0 .. G_r^2 - 1}, raster order) are resized by nearest neighbour onto its crop box in the original
 * image, giving a full-resolution map that is -1 outside the box; each query patch is labelled with the value
 * of that map at the pixel that the query's own nearest resizes (crop → S×S → G×G) take for the patch centre.
 */
public final class Correspondence {
  /** The label of a query patch whose centre lies outside the reference crop. */
  public static final int OUTSIDE = -1;

  private Correspondence() {}

  /**
   * The reference patch id at pixel (y, x) of the original image, or {@link #OUTSIDE}.
   *
   * @param reference the reference crop box in the original image
   * @param referenceGrid patches per side of the reference view
   */
  public static int referenceLabel(CropBox reference, int referenceGrid, int y, int x) {
    if (!reference.contains(y, x)) {
      return OUTSIDE;
    }
    int row = nearestSource(y - reference.y(), referenceGrid, reference.height());
    int column = nearestSource(x - reference.x(), referenceGrid, reference.width());
    return row * referenceGrid + column;
  }

  /**
   * The labels of a query's {@code grid x grid} patches in raster order; with {@code flipped} each row is
   * mirrored, as the query image is.
   *
   * @param query the query crop box in the original image
   * @param size side of the resized query view in pixels
   * @param grid patches per side of the query view
   */
  public static int[] queryLabels(CropBox reference, int referenceGrid, CropBox query, int size, int grid,
      boolean flipped) {
    int[] rows = new int[grid];
    int[] columns = new int[grid];
    for (int g = 0; g < grid; g++) {
      int pixel = nearestSource(g, size, grid);
      rows[g] = query.y() + nearestSource(pixel, query.height(), size);
      columns[g] = query.x() + nearestSource(pixel, query.width(), size);
    }
    int[] labels = new int[grid * grid];
    for (int g = 0; g < grid; g++) {
      for (int h = 0; h < grid; h++) {
        int column = flipped ? grid - 1 - h : h;
        labels[g * grid + h] = referenceLabel(reference, referenceGrid, rows[g], columns[column]);
      }
    }
    return labels;
  }
}
