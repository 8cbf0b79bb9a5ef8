package dev.loca.runtime.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/**
 * Turns a decoded {@link BufferedImage} into an {@link RgbImage}.
 *
 * <ul>
 *   <li>RGB and grey samples are taken as stored (16-bit scaled to 8 with rounding). Grey is replicated to
 *       three channels without the gamma change that {@code BufferedImage.getRGB} applies to grey images, so
 *       a grey value v becomes (v, v, v) as in TensorFlow's and PIL's decoders.
 *   <li><b>Alpha is composited on white</b>: c' = (c·a + 255·(255 − a)) / 255, rounded. Fully transparent
 *       pixels become white whatever colour they store (TensorFlow's decoder drops alpha instead; the
 *       stored colour of transparent pixels is often black or arbitrary, white is what a viewer shows).
 *   <li>Palette, packed and other colour spaces (CMYK from the JDK reader, ICC profiles) go through
 *       ImageIO's own conversion to sRGB.
 * </ul>
 */
final class RgbConversion {
  private RgbConversion() {}

  static RgbImage toRgb(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    if (cm instanceof ComponentColorModel && isPlainRgbOrGrey(cm.getColorSpace())) {
      return fromSamples(image.getRaster(), cm);
    }
    return fromArgb(image);
  }

  private static boolean isPlainRgbOrGrey(ColorSpace cs) {
    return cs.getType() == ColorSpace.TYPE_GRAY || cs.isCS_sRGB();
  }

  private static RgbImage fromSamples(Raster raster, ColorModel cm) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int x0 = raster.getMinX();
    int y0 = raster.getMinY();
    int colours = cm.getNumColorComponents();
    boolean alpha = cm.hasAlpha();
    if (colours == 3 && !alpha && raster.getTransferType() == DataBuffer.TYPE_BYTE) {
      return new RgbImage(w, h, (byte[]) raster.getDataElements(x0, y0, w, h, null));
    }
    int bands = raster.getNumBands();
    int[] samples = raster.getPixels(x0, y0, w, h, (int[]) null);
    int[] max = new int[bands];
    for (int b = 0; b < bands; b++) {
      max[b] = (1 << raster.getSampleModel().getSampleSize(b)) - 1;
    }
    boolean premultiplied = cm.isAlphaPremultiplied();
    byte[] rgb = new byte[3 * w * h];
    for (int p = 0; p < w * h; p++) {
      int a = alpha ? to8(samples[p * bands + bands - 1], max[bands - 1]) : 255;
      for (int c = 0; c < 3; c++) {
        int band = colours == 1 ? 0 : c;
        int v = to8(samples[p * bands + band], max[band]);
        rgb[3 * p + c] = (byte) (alpha ? onWhite(v, a, premultiplied) : v);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  private static RgbImage fromArgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    boolean alpha = image.getColorModel().hasAlpha();
    byte[] rgb = new byte[3 * w * h];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        int a = alpha ? argb >>> 24 : 255;
        int i = 3 * (y * w + x);
        rgb[i] = (byte) onWhite((argb >> 16) & 0xff, a, false);
        rgb[i + 1] = (byte) onWhite((argb >> 8) & 0xff, a, false);
        rgb[i + 2] = (byte) onWhite(argb & 0xff, a, false);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  private static int to8(int sample, int max) {
    return max == 255 ? sample : (sample * 255 + max / 2) / max;
  }

  /** Colour c with alpha a (both 0..255) over white; {@code premultiplied} when c already holds c·a/255. */
  static int onWhite(int c, int a, boolean premultiplied) {
    if (a == 255) {
      return c;
    }
    int over = 255 * (255 - a);
    return premultiplied ? Math.min(255, c + (over + 127) / 255) : (c * a + over + 127) / 255;
  }
}
