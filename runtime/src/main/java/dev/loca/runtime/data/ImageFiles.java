package dev.loca.runtime.data;

import com.google.common.collect.ImmutableSet;
import com.google.common.io.MoreFiles;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** Which files count as images, and finding them under a folder. */
public final class ImageFiles {
  /** File name extensions of the formats we decode, lower case. */
  public static final ImmutableSet<String> EXTENSIONS = ImmutableSet.of("jpg", "jpeg", "png", "bmp", "gif");

  /** The extensions as a phrase for messages. */
  static final String EXPECTED = ".jpg, .jpeg, .png, .bmp or .gif";

  private ImageFiles() {}

  /** Whether the file's name ends with an image extension (any case). */
  public static boolean isImageName(Path file) {
    return EXTENSIONS.contains(MoreFiles.getFileExtension(file).toLowerCase(Locale.ROOT));
  }

  /**
   * The image files under {@code root}, at any depth, following links, sorted by their path relative to the
   * root (with {@code /} separators) so that the order is the same on every machine. Names starting with a
   * dot (hidden files and folders, macOS {@code ._} files) are left out. Folders that cannot be read and
   * link loops are reported to {@code log} and skipped.
   */
  public static List<Path> listRecursively(Path root, SkipLog log) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return !dir.equals(root) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && !isHidden(file) && isImageName(file)) {
              found.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (!isHidden(file)) {
              log.skip(file + ": cannot be read (" + e + ")");
            }
            return FileVisitResult.CONTINUE;
          }
        });
    found.sort(Comparator.comparing(p -> relativeName(root, p)));
    return found;
  }

  /** {@code file} relative to {@code root}, with {@code /} between the parts whatever the file system. */
  public static String relativeName(Path root, Path file) {
    return StreamSupport.stream(root.relativize(file).spliterator(), false).map(Path::toString)
        .collect(Collectors.joining("/"));
  }

  private static boolean isHidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }
}
