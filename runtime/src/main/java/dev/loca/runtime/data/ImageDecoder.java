package dev.loca.runtime.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG, PNG, BMP and GIF (first frame) with ImageIO. TwelveMonkeys' JPEG reader, registered through
 * its jar on the class path, is ordered before the JDK's and reads CMYK, YCCK and damaged JPEGs that the JDK
 * rejects. Every failure becomes a {@link BadSampleException} whose message starts with the file's name:
 * empty files, files that are no image, corrupt data and truncated files (the JPEG readers only warn on a
 * truncated file and fill the rest with grey; that warning counts as a failure here). Works on any
 * {@link Path} (Jimfs included): bytes are read first, then decoded from memory.
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** Decodes an image file to RGB; see {@link RgbConversion} for grayscale and alpha. */
  public static RgbImage readRgb(Path file) throws BadSampleException {
    return decodeRgb(readBytes(file), file.toString());
  }

  /** Decodes image bytes to RGB; {@code name} names the source in messages. */
  public static RgbImage decodeRgb(byte[] bytes, String name) throws BadSampleException {
    return RgbConversion.toRgb(decode(bytes, name));
  }

  /**
   * Reads a single-channel label image (palette PNG or 8/16-bit grey) as its raw sample values: palette
   * indices, not colours.
   */
  public static LabelImage readLabels(Path file) throws BadSampleException {
    String name = file.toString();
    BufferedImage image = decode(readBytes(file), name);
    Raster raster = image.getRaster();
    if (raster.getNumBands() != 1) {
      throw new BadSampleException(name + ": a label map must have one channel (palette or grey), found "
          + raster.getNumBands());
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    return new LabelImage(w, h, raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 0, (int[]) null));
  }

  static byte[] readBytes(Path file) throws BadSampleException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BadSampleException(file + ": file not found", e);
    } catch (IOException e) {
      throw new BadSampleException(file + ": cannot be read (" + e + ")", e);
    }
  }

  static BufferedImage decode(byte[] bytes, String name) throws BadSampleException {
    if (bytes.length == 0) {
      throw new BadSampleException(name + ": empty file (0 bytes)");
    }
    String format = "image";
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new BadSampleException(name + ": not an image (JPEG, PNG, BMP or GIF expected)");
      }
      ImageReader reader = readers.next();
      format = reader.getFormatName().toUpperCase(Locale.ROOT);
      List<String> truncation = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> {
        if (isTruncation(warning)) {
          truncation.add(warning);
        }
      });
      try {
        reader.setInput(in, true, true);
        BufferedImage image = reader.read(0);
        if (!truncation.isEmpty()) {
          throw new BadSampleException(name + ": truncated " + format + " (" + truncation.get(0) + ")");
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new BadSampleException(name + ": corrupt " + format + " (" + describe(e) + ")", e);
    }
  }

  private static boolean isTruncation(String warning) {
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("truncated") || w.contains("premature end");
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
