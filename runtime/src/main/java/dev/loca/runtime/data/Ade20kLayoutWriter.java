package dev.loca.runtime.data;

import com.google.common.base.Preconditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Writes a labelled dataset in the ADE20K layout that {@link Ade20kDataset} reads back:
 * {@code images/<split>/<prefix>_NNNNNNNN.jpg}, {@code annotations/<split>/<prefix>_NNNNNNNN.png} (grey PNG,
 * value = label + 1, 0 where the label is the dataset's ignore value) and {@code classes.txt}. Items are
 * written in parallel; the files do not depend on the order.
 */
public final class Ade20kLayoutWriter {
  private final Path root;
  private final String split;
  private final String prefix;
  private final float jpegQuality;

  public Ade20kLayoutWriter(Path root, String split, String prefix, float jpegQuality) {
    this.root = root;
    this.split = split;
    this.prefix = prefix;
    this.jpegQuality = jpegQuality;
  }

  /** The folder of the images this writer writes. */
  public Path imageFolder() {
    return root.resolve(Ade20kDataset.IMAGES).resolve(split);
  }

  /** The folder of the annotations this writer writes. */
  public Path annotationFolder() {
    return root.resolve(Ade20kDataset.ANNOTATIONS).resolve(split);
  }

  /**
   * Writes items 0..count−1 of {@code dataset}, calling {@code written} with the number done after each.
   * Every item must be readable and labelled with labels below 255.
   */
  public void write(ImageDataset dataset, int count, IntConsumer written) throws IOException {
    Preconditions.checkArgument(count <= dataset.size(), "%s has %s items, asked for %s", dataset.describe(),
        dataset.size(), count);
    Files.createDirectories(imageFolder());
    Files.createDirectories(annotationFolder());
    Files.write(root.resolve(Ade20kDataset.CLASSES_FILE), dataset.classNames(), StandardCharsets.UTF_8);
    AtomicInteger done = new AtomicInteger();
    try {
      IntStream.range(0, count).parallel().forEach(i -> {
        writeItem(dataset, i);
        written.accept(done.incrementAndGet());
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void writeItem(ImageDataset dataset, int index) {
    Sample sample;
    try {
      sample = dataset.get(index);
    } catch (BadSampleException e) {
      throw new IllegalStateException("cannot export item " + index + ": " + e.getMessage(), e);
    }
    int[] labels = sample.labels().orElseThrow(
        () -> new IllegalArgumentException(dataset.describe() + " has no labels to write as annotations"));
    int[] values = new int[labels.length];
    for (int p = 0; p < labels.length; p++) {
      values[p] = labels[p] == dataset.ignoreLabel() ? 0 : labels[p] + 1;
    }
    String name = String.format(Locale.ROOT, "%s_%08d", prefix, index);
    RgbImage image = sample.image();
    try {
      ImageEncoder.writeJpeg(image, imageFolder().resolve(name + ".jpg"), jpegQuality);
      ImageEncoder.writeLabelPng(new LabelImage(image.width(), image.height(), values),
          annotationFolder().resolve(name + ".png"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
