package dev.loca.runtime.data;

import com.google.common.base.Preconditions;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Writes images and label maps with ImageIO, to any {@link Path} (Jimfs included). */
public final class ImageEncoder {
  private ImageEncoder() {}

  /** Writes {@code image} as a baseline JPEG of the given quality (0..1). */
  public static void writeJpeg(RgbImage image, Path file, float quality) throws IOException {
    Preconditions.checkArgument(quality > 0 && quality <= 1, "JPEG quality must be in (0, 1], got %s", quality);
    ImageWriteParam param = writer("jpeg").getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    write(toBufferedImage(image), "jpeg", param, file);
  }

  /** Writes {@code image} as an 8-bit RGB PNG (lossless). */
  public static void writePng(RgbImage image, Path file) throws IOException {
    write(toBufferedImage(image), "png", null, file);
  }

  /** Writes a label map as an 8-bit grey PNG; every value must be in 0..255. */
  public static void writeLabelPng(LabelImage labels, Path file) throws IOException {
    BufferedImage grey = new BufferedImage(labels.width(), labels.height(), BufferedImage.TYPE_BYTE_GRAY);
    byte[] data = ((DataBufferByte) grey.getRaster().getDataBuffer()).getData();
    int[] values = labels.values();
    for (int p = 0; p < values.length; p++) {
      Preconditions.checkArgument(values[p] >= 0 && values[p] <= 255, "label %s at %s does not fit 8 bits",
          values[p], p);
      data[p] = (byte) values[p];
    }
    write(grey, "png", null, file);
  }

  /** {@code image} as a {@link BufferedImage#TYPE_3BYTE_BGR} image (a copy). */
  public static BufferedImage toBufferedImage(RgbImage image) {
    BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    byte[] rgb = image.rgb();
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    return out;
  }

  private static ImageWriter writer(String format) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    if (!writers.hasNext()) {
      throw new IllegalStateException("no ImageIO writer for " + format);
    }
    return writers.next();
  }

  private static void write(BufferedImage image, String format, ImageWriteParam param, Path file)
      throws IOException {
    ImageWriter writer = writer(format);
    try (OutputStream os = Files.newOutputStream(file);
        ImageOutputStream out = new MemoryCacheImageOutputStream(os)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param == null ? writer.getDefaultWriteParam() : param);
    } finally {
      writer.dispose();
    }
  }
}
