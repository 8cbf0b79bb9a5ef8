package dev.loca.runtime.loop;

import com.google.common.base.Preconditions;
import com.google.common.base.Strings;
import com.google.common.base.Ticker;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Training progress: on a terminal one line rewritten in place with {@code '\r'}; elsewhere (a log file,
 * a pipe) a full line each time another {@code percentEvery} % of the steps is done, and at the end.
 */
public final class ProgressBar {
  /** The metric shown as the loss. */
  public static final String LOSS = "loss";
  /** The metric shown as position accuracy. */
  public static final String POSITION_ACCURACY = "position_accuracy";

  private final PrintStream out;
  private final long totalSteps;
  private final boolean terminal;
  private final int percentEvery;
  private final Ticker ticker;

  private long firstStep = -1;
  private long firstNanos;
  private long lastBucket = -1;
  private int lastWidth;
  private String pendingLine;
  private boolean finished;

  /**
   * @param terminal whether {@code out} is a terminal that understands {@code '\r'}
   * @param percentEvery how often a full line is printed when not on a terminal, in % of the steps
   */
  private String accuracyKey = POSITION_ACCURACY;
  private String accuracyLabel = "pos acc";

  public ProgressBar(PrintStream out, long totalSteps, boolean terminal, int percentEvery, Ticker ticker) {
    Preconditions.checkArgument(totalSteps > 0, "total steps must be > 0, got %s", totalSteps);
    Preconditions.checkArgument(percentEvery >= 1 && percentEvery <= 100,
        "progress interval must be in [1, 100] %%, got %s", percentEvery);
    this.out = out;
    this.totalSteps = totalSteps;
    this.terminal = terminal;
    this.percentEvery = percentEvery;
    this.ticker = ticker;
  }

  /** On standard output; in place when there is a console, else a line every 5 %. */
  /** Shows the metric {@code key} as {@code label} instead of the position accuracy (e.g. pixel accuracy). */
  public ProgressBar showingAccuracy(String key, String label) {
    this.accuracyKey = key;
    this.accuracyLabel = label;
    return this;
  }

  public static ProgressBar forConsole(long totalSteps) {
    return new ProgressBar(System.out, totalSteps, System.console() != null, 5, Ticker.systemTicker());
  }

  /** Shows {@code step} of the total, the loss and position accuracy from {@code metrics} when present. */
  public void update(long step, Map<String, Double> metrics, double imagesPerSecond) {
    long now = ticker.read();
    if (firstStep < 0) {
      firstStep = step;
      firstNanos = now;
    }
    String line = line(step, metrics, imagesPerSecond, now);
    if (terminal) {
      out.print('\r' + line + Strings.repeat(" ", Math.max(0, lastWidth - line.length())));
      out.flush();
      lastWidth = line.length();
      return;
    }
    long bucket = Math.min(step, totalSteps) * 100 / totalSteps / percentEvery;
    if (bucket > lastBucket || step >= totalSteps) {
      out.println(line);
      lastBucket = bucket;
      pendingLine = null;
    } else {
      pendingLine = line;
    }
  }

  /** Ends the progress output: closes the terminal line, or prints the last state if not yet shown. */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (terminal && lastWidth > 0) {
      out.println();
    } else if (!terminal && pendingLine != null) {
      out.println(pendingLine);
    }
    out.flush();
  }

  private String line(long step, Map<String, Double> metrics, double imagesPerSecond, long now) {
    return String.format(Locale.ROOT, "step %d/%d %3d%% | loss %s | %s %s | %.1f img/s | ETA %s",
        step, totalSteps, Math.min(step, totalSteps) * 100 / totalSteps,
        value(metrics.get(LOSS), "%.4f"), accuracyLabel, value(metrics.get(accuracyKey), "%.3f"),
        imagesPerSecond, eta(step, now));
  }

  private static String value(Double v, String format) {
    return v == null ? "-" : String.format(Locale.ROOT, format, v);
  }

  private String eta(long step, long now) {
    long done = step - firstStep;
    if (done <= 0) {
      return "-:--:--";
    }
    double secondsPerStep = (now - firstNanos) / 1e9 / done;
    return clock(Math.round(secondsPerStep * Math.max(0, totalSteps - step)));
  }

  /** {@code h:mm:ss}. */
  static String clock(long seconds) {
    return String.format(Locale.ROOT, "%d:%02d:%02d",
        TimeUnit.SECONDS.toHours(seconds), seconds / 60 % 60, seconds % 60);
  }
}
