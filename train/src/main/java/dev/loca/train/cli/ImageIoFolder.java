package dev.loca.train.cli;

import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.Sample;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** A stand-in folder dataset: the image files under a folder (recursively, sorted), decoded by ImageIO. */
final class ImageIoFolder implements ImageDataset {
  static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");

  private final Path root;
  private final List<Path> files;

  private ImageIoFolder(Path root, List<Path> files) {
    this.root = root;
    this.files = files;
  }

  static ImageIoFolder scan(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      return new ImageIoFolder(root, all.filter(Files::isRegularFile).filter(ImageIoFolder::isImageName).sorted()
          .toList());
    } catch (IOException | UncheckedIOException e) {
      throw new UserError("--data " + root + ": cannot list the folder (" + e.getMessage() + ")");
    }
  }

  private static boolean isImageName(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public Sample get(int index) throws BadSampleException {
    Path file = files.get(index);
    BufferedImage image;
    // a memory-cached stream (ImageIO's default for plain InputStreams spills to temporary files); read closes it
    try (InputStream in = Files.newInputStream(file)) {
      image = ImageIO.read(new MemoryCacheImageInputStream(in));
    } catch (IOException | RuntimeException e) {
      throw new BadSampleException(file + ": cannot decode (" + e.getMessage() + ")", e);
    }
    if (image == null) {
      throw new BadSampleException(file + ": not a readable image");
    }
    return new Sample(root.relativize(file).toString(), toRgb(image), Optional.empty());
  }

  /** Packs any BufferedImage as 8-bit RGB (gray replicated, alpha dropped). */
  static RgbImage toRgb(BufferedImage image) {
    BufferedImage bgr = image;
    if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = bgr.createGraphics();
      g.drawImage(image, 0, 0, null);
      g.dispose();
    }
    byte[] data = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    byte[] rgb = new byte[data.length];
    for (int i = 0; i < data.length; i += 3) {
      rgb[i] = data[i + 2];
      rgb[i + 1] = data[i + 1];
      rgb[i + 2] = data[i];
    }
    return new RgbImage(bgr.getWidth(), bgr.getHeight(), rgb);
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
    return "image folder " + root + " (" + files.size() + " images)";
  }
}
