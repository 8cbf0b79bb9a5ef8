package dev.loca.runtime.data;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Where skipped input is reported: one warning line per bad file or unreadable folder, and a count for the
 * summary at the end of a run. Safe to share between loader threads.
 */
public final class SkipLog {
  private final Consumer<String> warnings;
  private final AtomicInteger skipped = new AtomicInteger();

  /** A log that hands each warning line to {@code warnings} (e.g. {@code System.err::println}). */
  public SkipLog(Consumer<String> warnings) {
    this.warnings = warnings;
  }

  /** A log that prints its warnings on standard error. */
  public static SkipLog toStderr() {
    return new SkipLog(System.err::println);
  }

  /** A log that counts but prints nothing. */
  public static SkipLog silent() {
    return new SkipLog(line -> { });
  }

  /** Records one skipped item; {@code problem} names it and says what is wrong, in one line. */
  public void skip(String problem) {
    skipped.incrementAndGet();
    warnings.accept("warning: skipped " + problem);
  }

  /** How many items were skipped so far. */
  public int count() {
    return skipped.get();
  }

  /** The closing line, e.g. {@code "3 bad files or folders skipped"}. */
  public String summary() {
    int n = count();
    return n == 0 ? "no bad files skipped"
        : String.format(Locale.ROOT, "%d bad %s skipped (see the warnings above)", n,
            n == 1 ? "file or folder" : "files or folders");
  }
}
