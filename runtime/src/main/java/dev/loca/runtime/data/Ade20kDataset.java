package dev.loca.runtime.data;

import com.google.common.base.Splitter;
import com.google.common.io.MoreFiles;
import com.google.common.io.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ADE20K scene-parsing layout (ADEChallengeData2016): {@code images/<split>/*.jpg} and
 * {@code annotations/<split>/*.png}, where a label value v in 1..C is class v − 1 and 0 means "other / not
 * labelled". Labels are therefore 0..C−1 with <b>{@value #IGNORE} as the ignore value</b> (the usual
 * "reduce zero label" convention; -1 is not used because {@link ImageDataset#ignoreLabel} reserves it for
 * "no ignore value"). Class names come from {@code classes.txt} (one per line, as {@code loca data synth}
 * writes) or {@code objectInfo150.txt} in the root when present, else the 150 ADE20K benchmark classes.
 * Values above C make the sample bad.
 */
public final class Ade20kDataset implements ImageDataset {
  public static final int IGNORE = 255;
  public static final String TRAINING = "training";
  public static final String VALIDATION = "validation";
  /** A folder is taken for this layout when it holds both of these. */
  static final String IMAGES = "images";
  static final String ANNOTATIONS = "annotations";
  static final String CLASSES_FILE = "classes.txt";

  private final Path root;
  private final String split;
  private final List<Path> images;
  private final List<String> classNames;

  private Ade20kDataset(Path root, String split, List<Path> images, List<String> classNames) {
    this.root = root;
    this.split = split;
    this.images = images;
    this.classNames = classNames;
  }

  /** Whether {@code folder} looks like this layout. */
  static boolean looksLike(Path folder) {
    return Files.isDirectory(folder.resolve(IMAGES)) && Files.isDirectory(folder.resolve(ANNOTATIONS));
  }

  public static Ade20kDataset open(Path root, String split, SkipLog log) throws DatasetException {
    Path imageDir = root.resolve(IMAGES).resolve(split);
    if (!Files.isDirectory(imageDir)) {
      throw new DatasetException("ADE20K folder " + root + " has no " + IMAGES + "/" + split
          + " folder (expected images/{training,validation} and annotations/{training,validation})");
    }
    if (!Files.isDirectory(root.resolve(ANNOTATIONS).resolve(split))) {
      throw new DatasetException("ADE20K folder " + root + " has no " + ANNOTATIONS + "/" + split + " folder");
    }
    List<Path> images;
    try {
      images = List.copyOf(ImageFiles.listRecursively(imageDir, log));
    } catch (IOException e) {
      throw new DatasetException("cannot list " + imageDir + ": " + e);
    }
    if (images.isEmpty()) {
      throw new DatasetException("no images in " + imageDir + " (expected .jpg files with .png annotations in "
          + root.resolve(ANNOTATIONS).resolve(split) + ")");
    }
    List<String> names = classNames(root);
    if (names.size() > IGNORE) {
      throw new DatasetException(root + " lists " + names.size() + " classes; at most " + IGNORE
          + " fit 8-bit label maps");
    }
    return new Ade20kDataset(root, split, images, names);
  }

  private static List<String> classNames(Path root) throws DatasetException {
    try {
      Path own = root.resolve(CLASSES_FILE);
      if (Files.isRegularFile(own)) {
        List<String> names = Files.readAllLines(own, StandardCharsets.UTF_8).stream().map(String::strip)
            .filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty()) {
          throw new DatasetException(own + " is empty (expected one class name per line)");
        }
        return names;
      }
      Path objectInfo = root.resolve("objectInfo150.txt");
      if (Files.isRegularFile(objectInfo)) {
        return parseObjectInfo(Files.readAllLines(objectInfo, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new DatasetException("cannot read the class names of " + root + ": " + e);
    }
    return BenchmarkClasses.NAMES;
  }

  /** objectInfo150.txt: a header, then "Idx Ratio Train Val Name" per class, names like "wall" or "bed;bedstead". */
  private static List<String> parseObjectInfo(List<String> lines) {
    List<String> names = new ArrayList<>();
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      List<String> fields = Splitter.on('\t').trimResults().splitToList(line);
      if (fields.size() >= 5) {
        names.add(Splitter.on(';').splitToList(fields.get(4)).get(0).strip());
      }
    }
    return List.copyOf(names);
  }

  @Override
  public int size() {
    return images.size();
  }

  @Override
  public Sample get(int index) throws BadSampleException {
    Path image = images.get(index);
    Path imageDir = root.resolve(IMAGES).resolve(split);
    String relative = ImageFiles.relativeName(imageDir, image);
    String stem = relative.substring(0, relative.length() - MoreFiles.getFileExtension(image).length() - 1);
    Path annotation = root.resolve(ANNOTATIONS).resolve(split).resolve(stem + ".png");
    int classes = classNames.size();
    return LabelledImages.read(relative, image, annotation,
        v -> v == 0 ? IGNORE : v <= classes ? v - 1 : LabelledImages.INVALID,
        "0 (not labelled) or 1.." + classes);
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int ignoreLabel() {
    return IGNORE;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "ADE20K layout %s, split %s (%d images, %d classes)", root, split,
        images.size(), classNames.size());
  }

  /** The 150 classes of the ADE20K scene-parsing benchmark, in label order. */
  private static final class BenchmarkClasses {
    static final List<String> NAMES = load();

    private static List<String> load() {
      try {
        return Resources.readLines(Resources.getResource(Ade20kDataset.class, "ade20k-classes.txt"),
            StandardCharsets.UTF_8).stream().filter(s -> !s.isBlank()).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
