package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.base.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long nanos;
  private final Ticker ticker = new Ticker() {
    @Override
    public long read() {
      return nanos;
    }
  };

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private void stepEverySecond(ProgressBar bar, long from, long to) {
    for (long step = from; step <= to; step++) {
      bar.update(step, Map.of("loss", 10.0 / step, "position_accuracy", step / 100.0), 64);
      nanos += TimeUnit.SECONDS.toNanos(1);
    }
  }

  @Test
  void terminalRewritesOneLine() {
    ProgressBar bar = new ProgressBar(out, 4000, true, 5, ticker);
    stepEverySecond(bar, 1, 2);
    bar.finish();
    assertEquals("\rstep 1/4000   0% | loss 10.0000 | pos acc 0.010 | 64.0 img/s | ETA -:--:--"
        + "\rstep 2/4000   0% | loss 5.0000 | pos acc 0.020 | 64.0 img/s | ETA 1:06:38 \n", printed());
  }

  @Test
  void notATerminalPrintsALineEveryInterval() {
    ProgressBar bar = new ProgressBar(out, 10, false, 25, ticker);
    stepEverySecond(bar, 1, 9);
    bar.finish();
    String[] lines = printed().split("\n");
    assertEquals(5, lines.length, printed());
    assertEquals("step 1/10  10% | loss 10.0000 | pos acc 0.010 | 64.0 img/s | ETA -:--:--", lines[0]);
    assertEquals("step 3/10  30% | loss 3.3333 | pos acc 0.030 | 64.0 img/s | ETA 0:00:07", lines[1]);
    assertEquals("step 5/10  50%", lines[2].substring(0, 14));
    assertEquals("step 8/10  80%", lines[3].substring(0, 14));
    assertEquals("step 9/10  90% | loss 1.1111 | pos acc 0.090 | 64.0 img/s | ETA 0:00:01", lines[4],
        "finish shows the last state");
  }

  @Test
  void missingMetricsShowADash() {
    ProgressBar bar = new ProgressBar(out, 10, false, 10, ticker);
    bar.update(10, Map.of(), 0);
    bar.finish();
    assertEquals("step 10/10 100% | loss - | pos acc - | 0.0 img/s | ETA -:--:--\n", printed());
  }

  @Test
  void clockIsHoursMinutesSeconds() {
    assertEquals("0:00:00", ProgressBar.clock(0));
    assertEquals("27:46:40", ProgressBar.clock(100_000));
  }
}
