package dev.loca.runtime.data;

import com.google.common.base.Splitter;
import dev.loca.runtime.data.synthetic.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens a dataset from what a user typed. A spec is one of:
 *
 * <ul>
 *   <li>{@code synthetic} or {@code synthetic:images=N,seed=S,size=WxH} (any subset of the keys): the embedded
 *       synthetic scenes, by default {@value SyntheticScenes#DEFAULT_IMAGES} images of 500x375, seed 0;
 *   <li>a folder holding {@code images/} and {@code annotations/}: the ADE20K layout, split {@code training};
 *   <li>a folder holding {@code JPEGImages/} and {@code SegmentationClass/}: the Pascal VOC layout, split
 *       {@code train};
 *   <li>any other folder: every image in it at any depth;
 *   <li>a text file: a list of image paths relative to the file's folder.
 * </ul>
 *
 * A layout path may end in {@code #split} to choose another split ({@code /data/ADE#validation},
 * {@code /data/VOC2012#val}). Failures are a {@link DatasetException} with a one-line message.
 */
public final class Datasets {
  /** The spec of the embedded default. */
  public static final String SYNTHETIC = "synthetic";
  private static final String EXPECTED = "expected an image folder, a text file listing images, an ADE20K or"
      + " Pascal VOC folder, or 'synthetic'";
  private static final String SYNTHETIC_FORM = "synthetic[:images=N,seed=S,size=WxH]";

  private Datasets() {}

  /** Opens {@code spec}, printing warnings about unreadable folders on standard error. */
  public static ImageDataset open(String spec) throws DatasetException {
    return open(spec, SkipLog.toStderr());
  }

  /** Opens {@code spec}; folders that cannot be read while listing are reported to {@code log}. */
  public static ImageDataset open(String spec, SkipLog log) throws DatasetException {
    String s = spec == null ? "" : spec.strip();
    if (s.isEmpty()) {
      throw new DatasetException("no data given (" + EXPECTED + ")");
    }
    if (s.equals(SYNTHETIC) || s.startsWith(SYNTHETIC + ":")) {
      return synthetic(s);
    }
    try {
      Path path = Path.of(s);
      int hash = s.lastIndexOf('#');
      if (!Files.exists(path) && hash > 0) {
        return open(Path.of(s.substring(0, hash)), s.substring(hash + 1), log);
      }
      return open(path, null, log);
    } catch (InvalidPathException e) {
      throw new DatasetException("'" + s + "' is not a valid path (" + EXPECTED + ")");
    }
  }

  /** Opens the dataset at {@code path} (any file system), with each layout's default split. */
  public static ImageDataset open(Path path, SkipLog log) throws DatasetException {
    return open(path, null, log);
  }

  private static ImageDataset open(Path path, String split, SkipLog log) throws DatasetException {
    if (!Files.exists(path)) {
      throw new DatasetException(path + " does not exist (" + EXPECTED + ")");
    }
    if (Files.isRegularFile(path)) {
      if (ImageFiles.isImageName(path)) {
        throw new DatasetException(path + " is a single image (expected a folder of images or a text file"
            + " listing image paths)");
      }
      noSplit(path, split);
      return FileListDataset.open(path);
    }
    if (Ade20kDataset.looksLike(path)) {
      return Ade20kDataset.open(path, split == null ? Ade20kDataset.TRAINING : split, log);
    }
    if (VocDataset.looksLike(path)) {
      return VocDataset.open(path, split == null ? VocDataset.TRAIN : split);
    }
    noSplit(path, split);
    return ImageFolderDataset.open(path, log);
  }

  private static void noSplit(Path path, String split) throws DatasetException {
    if (split != null) {
      throw new DatasetException(path + " is not an ADE20K or Pascal VOC folder, so '#" + split
          + "' names no split (expected images/ and annotations/, or JPEGImages/ and SegmentationClass/)");
    }
  }

  private static SyntheticScenes synthetic(String spec) throws DatasetException {
    int images = SyntheticScenes.DEFAULT_IMAGES;
    long seed = 0;
    int width = SyntheticScenes.DEFAULT_WIDTH;
    int height = SyntheticScenes.DEFAULT_HEIGHT;
    String options = spec.substring(SYNTHETIC.length()).replaceFirst("^:", "");
    try {
      Map<String, String> keys = options.isEmpty() ? Map.of()
          : Splitter.on(',').trimResults().withKeyValueSeparator('=').split(options);
      for (Map.Entry<String, String> e : keys.entrySet()) {
        switch (e.getKey()) {
          case "images" -> images = Integer.parseInt(e.getValue());
          case "seed" -> seed = Long.parseLong(e.getValue());
          case "size" -> {
            String[] wh = e.getValue().split("x", -1);
            if (wh.length != 2) {
              throw new IllegalArgumentException("size " + e.getValue());
            }
            width = Integer.parseInt(wh[0]);
            height = Integer.parseInt(wh[1]);
          }
          default -> throw new IllegalArgumentException("key " + e.getKey());
        }
      }
      return new SyntheticScenes(images, seed, width, height);
    } catch (IllegalArgumentException e) {
      throw new DatasetException("bad synthetic dataset spec '" + spec + "' (" + e.getMessage() + "); expected "
          + SYNTHETIC_FORM + " with at least 1 image and 8x8 pixels");
    }
  }
}
