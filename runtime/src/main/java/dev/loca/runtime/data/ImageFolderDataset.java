package dev.loca.runtime.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every image under a folder, at any depth, in a fixed sorted order ({@link ImageFiles#listRecursively}).
 * Class subfolders (ImageNet's layout) are just walked into: their names are not labels, this dataset is
 * unlabelled.
 */
public final class ImageFolderDataset implements ImageDataset {
  private final Path root;
  private final List<Path> files;

  private ImageFolderDataset(Path root, List<Path> files) {
    this.root = root;
    this.files = files;
  }

  /** Lists the folder; unreadable subfolders go to {@code log}. Fails when it holds no image. */
  public static ImageFolderDataset open(Path root, SkipLog log) throws DatasetException {
    if (!Files.isDirectory(root)) {
      throw new DatasetException("image folder " + root + " does not exist or is not a folder");
    }
    List<Path> files;
    try {
      files = List.copyOf(ImageFiles.listRecursively(root, log));
    } catch (IOException e) {
      throw new DatasetException("cannot list image folder " + root + ": " + e);
    }
    if (files.isEmpty()) {
      throw new DatasetException("no images in " + root + " (expected " + ImageFiles.EXPECTED
          + " files, searched at any depth)");
    }
    return new ImageFolderDataset(root, files);
  }

  /** The image files, in dataset order. */
  public List<Path> files() {
    return files;
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public Sample get(int index) throws BadSampleException {
    Path file = files.get(index);
    return new Sample(ImageFiles.relativeName(root, file), ImageDecoder.readRgb(file), Optional.empty());
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "image folder %s (%d images)", root, files.size());
  }
}
