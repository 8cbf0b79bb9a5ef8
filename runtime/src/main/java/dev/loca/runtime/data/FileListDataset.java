package dev.loca.runtime.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The images named in a text file, one path per line, relative to the list file's folder (absolute paths
 * are kept); blank lines and lines starting with {@code #} are skipped. Order is the file's order. A listed
 * file that is missing is a bad sample when read, not an error when opening.
 */
public final class FileListDataset implements ImageDataset {
  private final Path listFile;
  private final List<Path> files;

  private FileListDataset(Path listFile, List<Path> files) {
    this.listFile = listFile;
    this.files = files;
  }

  public static FileListDataset open(Path listFile) throws DatasetException {
    List<String> lines;
    try {
      lines = Files.readAllLines(listFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException("cannot read file list " + listFile + " (" + e + ")");
    }
    Path folder = listFile.toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>();
    for (String line : lines) {
      String entry = line.strip();
      if (!entry.isEmpty() && !entry.startsWith("#")) {
        files.add(folder.resolve(entry));
      }
    }
    if (files.isEmpty()) {
      throw new DatasetException("file list " + listFile
          + " names no images (expected one image path per line, relative to the list's folder)");
    }
    return new FileListDataset(listFile, List.copyOf(files));
  }

  /** The listed files, resolved. */
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
    return new Sample(file.toString(), ImageDecoder.readRgb(file), Optional.empty());
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "file list %s (%d images)", listFile, files.size());
  }
}
