package dev.loca.train.cli;

import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.Sample;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Stand-in images for {@code data bench} until the synthetic-scene generator lands: seeded noisy gradients
 * with a few filled shapes, so that JPEG files of them decode like photographs of similar size.
 */
final class BenchScenes {
  private BenchScenes() {}

  static List<BufferedImage> make(int count, int width, int height, long seed) {
    List<BufferedImage> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + i);
      BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      int base = rng.nextInt(0xffffff);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int noise = rng.nextInt(24);
          int r = clamp(((base >> 16) & 0xff) * (width - x) / width + noise);
          int g = clamp(((base >> 8) & 0xff) * (height - y) / height + noise);
          int b = clamp((base & 0xff) / 2 + (x + y) % 64 + noise);
          img.setRGB(x, y, (r << 16) | (g << 8) | b);
        }
      }
      Graphics2D g = img.createGraphics();
      for (int s = 0; s < 6; s++) {
        g.setColor(new Color(rng.nextInt(0xffffff)));
        int w = 30 + rng.nextInt(width / 2);
        int h = 30 + rng.nextInt(height / 2);
        if (rng.nextBoolean()) {
          g.fillOval(rng.nextInt(width - 20), rng.nextInt(height - 20), w, h);
        } else {
          g.fillRect(rng.nextInt(width - 20), rng.nextInt(height - 20), w, h);
        }
      }
      g.dispose();
      images.add(img);
    }
    return images;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** Writes the images as {@code scene-NNNN.jpg} (quality 0.9) into {@code folder}. */
  static void writeJpegs(List<BufferedImage> images, Path folder) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      for (int i = 0; i < images.size(); i++) {
        try (ImageOutputStream out = ImageIO.createImageOutputStream(
            folder.resolve(String.format(Locale.ROOT, "scene-%04d.jpg", i)).toFile())) {
          writer.setOutput(out);
          writer.write(null, new IIOImage(images.get(i), null, null), param);
        }
      }
    } finally {
      writer.dispose();
    }
  }

  /** The images as an in-memory dataset (decoded once). */
  static ImageDataset inMemory(List<BufferedImage> images) {
    List<RgbImage> rgb = images.stream().map(ImageIoFolder::toRgb).toList();
    return new ImageDataset() {
      @Override
      public int size() {
        return rgb.size();
      }

      @Override
      public Sample get(int index) {
        return new Sample("scene-" + index, rgb.get(index), Optional.empty());
      }

      @Override
      public List<String> classNames() {
        return List.of();
      }

      @Override
      public int ignoreLabel() {
        return -1;
      }

      @Override
      public String describe() {
        return "generated images in memory (" + rgb.size() + ")";
      }
    };
  }
}
