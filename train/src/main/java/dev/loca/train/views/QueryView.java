package dev.loca.train.views;

import dev.loca.runtime.data.ops.CropBox;

/**
 * One query view of an image.
 *
 * @param pixels the normalised view, CHW ({@code 3 x size x size})
 * @param labels the reference patch id of each of its {@code grid x grid} patches in raster order, or -1
 * @param box its crop box in the original image
 * @param flipped whether the view (and its labels) were mirrored left-right
 */
public record QueryView(float[] pixels, int[] labels, CropBox box, boolean flipped) {}
