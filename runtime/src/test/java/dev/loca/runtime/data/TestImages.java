package dev.loca.runtime.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Small images made in memory for the data tests, encoded with the JDK's writers. */
final class TestImages {
  private TestImages() {}

  /** A smooth colour ramp, so that JPEG keeps it close. */
  static RgbImage ramp(int width, int height) {
    byte[] rgb = new byte[3 * width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = 3 * (y * width + x);
        rgb[i] = (byte) (40 + 160 * x / width);
        rgb[i + 1] = (byte) (60 + 120 * y / height);
        rgb[i + 2] = (byte) 90;
      }
    }
    return new RgbImage(width, height, rgb);
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, bytes)) {
        throw new IllegalStateException("no writer for " + format + " and image type " + image.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] encode(RgbImage image, String format) {
    return encode(ImageEncoder.toBufferedImage(image), format);
  }

  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A grey image of the given bit depth (8 or 16) whose pixel (x, y) holds {@code value(x, y)}. */
  static BufferedImage grey(int width, int height, boolean sixteenBits, int value) {
    BufferedImage image = new BufferedImage(width, height,
        sixteenBits ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, value);
      }
    }
    return image;
  }

  /** A grey-plus-alpha image, every pixel (grey, alpha). */
  static BufferedImage greyAlpha(int width, int height, int grey, int alpha) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setSample(x, y, 0, grey);
        raster.setSample(x, y, 1, alpha);
      }
    }
    return new BufferedImage(cm, raster, false, null);
  }

  /** A palette image whose pixel values are {@code indices} (row-major), over a 256-entry grey palette. */
  static BufferedImage palette(int width, int height, int[] indices) {
    byte[] levels = new byte[256];
    for (int i = 0; i < 256; i++) {
      levels[i] = (byte) (255 - i);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 256, levels, levels, levels));
    image.getRaster().setPixels(0, 0, width, height, indices);
    return image;
  }

  /**
   * A baseline CMYK JPEG in Adobe's convention (APP14 "Adobe" marker, transform 0, inverted samples), every
   * pixel the given CMYK values: what Photoshop writes for print. The JDK writes the four channels as they
   * are; the marker is inserted by hand after SOI.
   */
  static byte[] cmykJpeg(int width, int height, int c, int m, int yellow, int k) {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
    int[] inverted = {255 - c, 255 - m, 255 - yellow, 255 - k};
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setPixel(x, y, inverted);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageWriter writer = jdkJpegWriter();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] plain = bytes.toByteArray();
    byte[] adobe = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
    byte[] out = new byte[plain.length + adobe.length];
    System.arraycopy(plain, 0, out, 0, 2);
    System.arraycopy(adobe, 0, out, 2, adobe.length);
    System.arraycopy(plain, 2, out, 2 + adobe.length, plain.length - 2);
    return out;
  }

  private static ImageWriter jdkJpegWriter() {
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
      ImageWriter w = it.next();
      if (w.getClass().getName().startsWith("com.sun.")) {
        return w;
      }
    }
    throw new IllegalStateException("the JDK's JPEG writer is missing");
  }
}
