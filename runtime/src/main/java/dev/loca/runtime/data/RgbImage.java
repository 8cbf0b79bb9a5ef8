package dev.loca.runtime.data;

import com.google.common.base.Preconditions;

/**
 * A decoded 8-bit RGB image: pixels interleaved row by row ({@code rgb[3 * (y * width + x) + c]}), as
 * unsigned bytes. Grayscale and alpha sources are converted to this on decode.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb the pixels; not copied, callers must not change them
 */
public record RgbImage(int width, int height, byte[] rgb) {
  public RgbImage {
    Preconditions.checkArgument(width > 0 && height > 0, "image size must be positive, got %sx%s", width, height);
    Preconditions.checkArgument(rgb.length == 3 * width * height, "a %sx%s RGB image needs %s bytes, got %s", width,
        height, 3 * width * height, rgb.length);
  }

  /** Channel {@code c} of pixel (x, y) as 0..255. */
  public int at(int x, int y, int c) {
    return rgb[3 * (y * width + x) + c] & 0xff;
  }
}
