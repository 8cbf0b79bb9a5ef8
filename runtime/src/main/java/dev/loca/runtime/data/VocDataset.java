package dev.loca.runtime.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The Pascal VOC segmentation layout (VOCdevkit/VOC2012): the ids of {@code ImageSets/Segmentation/<split>.txt},
 * each with {@code JPEGImages/<id>.jpg} and {@code SegmentationClass/<id>.png}, a palette PNG whose indices
 * are the labels: 0 background, 1..20 the object classes, <b>{@value #IGNORE} the ignore value</b> (object
 * borders and difficult regions). Other values make the sample bad.
 */
public final class VocDataset implements ImageDataset {
  public static final int IGNORE = 255;
  public static final String TRAIN = "train";
  public static final String VAL = "val";
  public static final List<String> CLASS_NAMES = List.of("background", "aeroplane", "bicycle", "bird", "boat",
      "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person",
      "pottedplant", "sheep", "sofa", "train", "tvmonitor");
  static final String IMAGES = "JPEGImages";
  static final String LABELS = "SegmentationClass";
  private static final String SPLITS = "ImageSets/Segmentation";

  private final Path root;
  private final String split;
  private final List<String> ids;

  private VocDataset(Path root, String split, List<String> ids) {
    this.root = root;
    this.split = split;
    this.ids = ids;
  }

  /** Whether {@code folder} looks like this layout. */
  static boolean looksLike(Path folder) {
    return Files.isDirectory(folder.resolve(IMAGES)) && Files.isDirectory(folder.resolve(LABELS));
  }

  public static VocDataset open(Path root, String split) throws DatasetException {
    Path splitFile = root.resolve(SPLITS).resolve(split + ".txt");
    if (!Files.isRegularFile(splitFile)) {
      throw new DatasetException("Pascal VOC folder " + root + " has no " + SPLITS + "/" + split
          + ".txt (expected a list of image ids, e.g. train.txt or val.txt)");
    }
    List<String> ids;
    try {
      ids = Files.readAllLines(splitFile, StandardCharsets.UTF_8).stream().map(String::strip)
          .filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new DatasetException("cannot read " + splitFile + ": " + e);
    }
    if (ids.isEmpty()) {
      throw new DatasetException(splitFile + " lists no image ids (expected one id per line, e.g. 2007_000032)");
    }
    return new VocDataset(root, split, ids);
  }

  @Override
  public int size() {
    return ids.size();
  }

  @Override
  public Sample get(int index) throws BadSampleException {
    String id = ids.get(index);
    int last = CLASS_NAMES.size() - 1;
    return LabelledImages.read(id, root.resolve(IMAGES).resolve(id + ".jpg"),
        root.resolve(LABELS).resolve(id + ".png"), v -> v <= last || v == IGNORE ? v : LabelledImages.INVALID,
        "0.." + last + " or " + IGNORE + " (ignore)");
  }

  @Override
  public List<String> classNames() {
    return CLASS_NAMES;
  }

  @Override
  public int ignoreLabel() {
    return IGNORE;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "Pascal VOC layout %s, split %s (%d images, %d classes)", root, split,
        ids.size(), CLASS_NAMES.size());
  }
}
