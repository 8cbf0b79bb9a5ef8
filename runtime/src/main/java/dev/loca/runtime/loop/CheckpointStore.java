package dev.loca.runtime.loop;

import com.google.common.base.Preconditions;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of checkpoints, {@code step-000000123/}, each written into a {@code .tmp-} folder, fsynced,
 * marked {@code COMPLETE} and renamed atomically, so that a crash at any moment leaves the newest complete
 * checkpoint findable. Only folders with the marker count; the newest {@code keep} of them are kept. One
 * writer per folder.
 */
public final class CheckpointStore {
  /** Written last into a checkpoint folder; a folder without it is ignored. */
  public static final String MARKER = "COMPLETE";
  /** The store's folder inside a run folder, by convention. */
  public static final String RUN_SUBFOLDER = "checkpoints";

  private static final String TMP_PREFIX = ".tmp-";
  private static final Pattern NAME = Pattern.compile("step-(\\d{9,})");

  /** Points in {@link #commit} where tests simulate a crash. */
  enum Stage { FILES_SYNCED, MARKER_WRITTEN, RENAMED, PRUNED }

  /** Fills a checkpoint folder. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(Path folder) throws IOException;
  }

  private final Path directory;
  private final int keep;
  private final Consumer<Stage> afterStage;

  /** @param keep how many complete checkpoints to keep, at least 1 */
  public CheckpointStore(Path directory, int keep) {
    this(directory, keep, stage -> {});
  }

  CheckpointStore(Path directory, int keep, Consumer<Stage> afterStage) {
    Preconditions.checkArgument(keep >= 1, "checkpoints to keep must be >= 1, got %s", keep);
    this.directory = directory;
    this.keep = keep;
    this.afterStage = afterStage;
  }

  public Path directory() {
    return directory;
  }

  /** The folder name of a step's checkpoint: {@code step-} and the step in 9 or more digits. */
  public static String folderName(long step) {
    Preconditions.checkArgument(step >= 0, "checkpoint step must be >= 0, got %s", step);
    return String.format(Locale.ROOT, "step-%09d", step);
  }

  /** The step of a checkpoint folder named by {@link #folderName}. */
  public static long stepOf(Path checkpoint) {
    Matcher m = NAME.matcher(checkpoint.getFileName().toString());
    Preconditions.checkArgument(m.matches(), "not a checkpoint folder: %s (expected step-NNNNNNNNN)", checkpoint);
    return Long.parseLong(m.group(1));
  }

  /** Begins, fills with {@code writer} and commits a checkpoint; on failure removes the partial one. */
  public Path save(long step, Writer writer) {
    Path tmp = begin(step);
    try {
      writer.writeTo(tmp);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw failure(step, e);
    }
    return commit(tmp, step);
  }

  /** A fresh, empty temporary folder for the caller to fill and then pass to {@link #commit}. */
  public Path begin(long step) {
    Path tmp = directory.resolve(TMP_PREFIX + folderName(step));
    try {
      Files.createDirectories(directory);
      if (Files.exists(tmp)) {
        MoreFiles.deleteRecursively(tmp, RecursiveDeleteOption.ALLOW_INSECURE);
      }
      return Files.createDirectory(tmp);
    } catch (IOException e) {
      throw failure(step, e);
    }
  }

  /**
   * Makes the folder from {@link #begin} the checkpoint of {@code step}: fsyncs its files, writes the
   * marker, renames it atomically, then removes all but the newest {@code keep} checkpoints and leftover
   * temporary folders. On failure the temporary folder is removed and earlier checkpoints are untouched.
   */
  public Path commit(Path tmp, long step) {
    Preconditions.checkArgument(tmp.equals(directory.resolve(TMP_PREFIX + folderName(step))),
        "%s is not the folder begin(%s) returned", tmp, step);
    Path target = directory.resolve(folderName(step));
    try {
      syncTree(tmp);
      afterStage.accept(Stage.FILES_SYNCED);
      Path marker = tmp.resolve(MARKER);
      Files.write(marker, Long.toString(step).getBytes(StandardCharsets.US_ASCII));
      syncFile(marker);
      syncDirectory(tmp);
      afterStage.accept(Stage.MARKER_WRITTEN);
      moveAsideExisting(target);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(directory);
      afterStage.accept(Stage.RENAMED);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw failure(step, e);
    }
    try {
      prune();
    } catch (IOException e) {
      throw new CheckpointException(String.format(Locale.ROOT,
          "checkpoint step %d is saved in %s, but old checkpoints could not be removed: %s",
          step, directory, reason(e)), e);
    }
    afterStage.accept(Stage.PRUNED);
    return target;
  }

  /**
   * Where a run in {@code run} (whose checkpoints this store keeps) starts: the newest complete checkpoint when
   * resuming (empty when there is none yet), nothing for a fresh run.
   *
   * @throws IllegalArgumentException for a fresh run in a folder that already holds checkpoints
   */
  public Optional<Path> startingPoint(boolean resume, Path run) {
    if (!resume && !complete().isEmpty()) {
      throw new IllegalArgumentException("--out " + run + " already holds checkpoints; use --resume " + run
          + " to continue it, or another folder");
    }
    return resume ? latest() : Optional.empty();
  }

  /** The newest checkpoint that has its marker. */
  public Optional<Path> latest() {
    List<Path> all = complete();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** The complete checkpoints, oldest first. */
  public List<Path> complete() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (NAME.matcher(entry.getFileName().toString()).matches()
            && Files.isRegularFile(entry.resolve(MARKER))) {
          found.add(entry);
        }
      }
    } catch (IOException e) {
      throw new CheckpointException(String.format(Locale.ROOT,
          "cannot list checkpoints in %s: %s", directory, reason(e)), e);
    }
    found.sort(Comparator.comparingLong(CheckpointStore::stepOf));
    return found;
  }

  private void prune() throws IOException {
    List<Path> all = complete();
    for (Path old : all.subList(0, Math.max(0, all.size() - keep))) {
      // The marker goes first, so a half-deleted checkpoint is never taken for a complete one.
      Files.deleteIfExists(old.resolve(MARKER));
      MoreFiles.deleteRecursively(old, RecursiveDeleteOption.ALLOW_INSECURE);
    }
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, TMP_PREFIX + "*")) {
      for (Path leftover : leftovers) {
        MoreFiles.deleteRecursively(leftover, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
  }

  /**
   * Re-saving a step replaces its folder; the old copy waits under a temporary name until pruned. A crash
   * between the two renames leaves that step unlisted, and the checkpoint before it is the latest.
   */
  private void moveAsideExisting(Path target) throws IOException {
    if (Files.exists(target)) {
      Path aside = directory.resolve(TMP_PREFIX + "old-" + target.getFileName());
      if (Files.exists(aside)) {
        MoreFiles.deleteRecursively(aside, RecursiveDeleteOption.ALLOW_INSECURE);
      }
      Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void syncTree(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      if (Files.isRegularFile(path)) {
        syncFile(path);
      } else if (Files.isDirectory(path)) {
        syncDirectory(path);
      }
    }
  }

  private static void syncFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Best effort: some file systems (and all of Windows) cannot open a directory for fsync. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // nothing more can be done; the rename itself is still atomic
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      if (Files.exists(path)) {
        MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    } catch (IOException e) {
      // the next commit removes leftovers
    }
  }

  private CheckpointException failure(long step, IOException e) {
    return new CheckpointException(String.format(Locale.ROOT,
        "cannot write checkpoint step %d to %s: %s", step, directory, reason(e)), e);
  }

  private static String reason(IOException e) {
    String message = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (message == null) {
      return kind;
    }
    // subclasses such as NoSuchFileException carry only a path as their message
    return e.getClass() == IOException.class ? message : kind + ": " + message;
  }
}
