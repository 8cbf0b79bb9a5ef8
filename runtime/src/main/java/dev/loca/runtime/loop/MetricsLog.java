package dev.loca.runtime.loop;

import com.google.common.base.Preconditions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code RUN/metrics.jsonl}: one JSON object per logged step, keys in the order given, each line flushed
 * as it is written. A line cut short by a crash (no newline at its end) is ignored when reading.
 */
public final class MetricsLog implements AutoCloseable {
  /** The key every row must have; resume and plots go by it. */
  public static final String STEP = "step";

  private final Path file;
  private final BufferedWriter out;

  private MetricsLog(Path file, boolean append) throws IOException {
    this.file = file;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out = append
        ? Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)
        : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  /** A new, empty log, replacing any file already there. */
  public static MetricsLog create(Path file) throws IOException {
    return new MetricsLog(file, false);
  }

  /**
   * Continues a log after a resume from {@code lastStep}: rows with a later step (logged after that
   * checkpoint by the run that stopped) and a cut-short last line are dropped, the file is rewritten
   * atomically, and new rows are appended after the kept ones. A missing file starts a new log.
   */
  public static MetricsLog openForResume(Path file, long lastStep) throws IOException {
    if (!Files.exists(file)) {
      return create(file);
    }
    StringBuilder kept = new StringBuilder();
    List<String> lines = completeLines(file);
    for (int i = 0; i < lines.size(); i++) {
      Map<String, Double> row = parse(file, i + 1, lines.get(i));
      if (row != null && row.get(STEP) <= lastStep) {
        kept.append(lines.get(i)).append('\n');
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, kept, StandardCharsets.UTF_8);
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.READ)) {
      channel.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new MetricsLog(file, true);
  }

  /** Every complete row, values as doubles (NaN where the log has null). */
  public static List<Map<String, Double>> read(Path file) throws IOException {
    List<String> lines = completeLines(file);
    List<Map<String, Double>> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Map<String, Double> row = parse(file, i + 1, lines.get(i));
      if (row != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  public Path file() {
    return file;
  }

  /** Appends one row; it must hold {@value #STEP}. Floats and doubles are written so they round-trip. */
  public void log(Map<String, ? extends Number> values) {
    Preconditions.checkArgument(values.containsKey(STEP), "a metrics row needs a '%s', got keys %s",
        STEP, values.keySet());
    try {
      out.write(FlatJson.write(values));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(String.format(Locale.ROOT,
          "cannot append to metrics log %s: %s", file, e.getMessage()), e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private static List<String> completeLines(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    lines.remove(lines.size() - 1); // "" after the last newline, or a line cut short
    return lines;
  }

  /** A row, or null for a blank line. */
  private static Map<String, Double> parse(Path file, int lineNumber, String line) {
    if (line.isBlank()) {
      return null;
    }
    try {
      Map<String, Double> row = FlatJson.read(line);
      Preconditions.checkArgument(row.containsKey(STEP), "expected a '%s' key", STEP);
      return row;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "bad metrics log %s line %d: %s", file, lineNumber, e.getMessage()), e);
    }
  }
}
