package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  @TempDir
  Path run;

  private Path file() {
    return run.resolve("metrics.jsonl");
  }

  private static Map<String, Number> row(long step, float loss, double lr) {
    Map<String, Number> row = new LinkedHashMap<>();
    row.put("step", step);
    row.put("lr", lr);
    row.put("loss", loss);
    return row;
  }

  private void writeSteps(MetricsLog log, long from, long to) {
    for (long step = from; step <= to; step++) {
      log.log(row(step, 1f / (step + 3), 1e-3 * step / 7));
    }
  }

  @Test
  void writesOneObjectPerLineInTheGivenKeyOrder() throws IOException {
    try (MetricsLog log = MetricsLog.create(file())) {
      log.log(row(12, 0.1f, 5.329e-8));
      assertEquals("{\"step\":12,\"lr\":5.329E-8,\"loss\":0.1}\n", Files.readString(file()),
          "each line is flushed before close");
    }
  }

  @Test
  void floatsAndDoublesRoundTrip() throws IOException {
    float loss = (float) Math.PI;
    double lr = 1.0 / 3;
    try (MetricsLog log = MetricsLog.create(file())) {
      log.log(row(1, loss, lr));
    }
    Map<String, Double> read = MetricsLog.read(file()).get(0);
    assertEquals(List.of("step", "lr", "loss"), List.copyOf(read.keySet()));
    assertEquals(loss, read.get("loss").floatValue());
    assertEquals(lr, read.get("lr"));
    assertEquals(1.0, read.get("step"));
  }

  @Test
  void nonFiniteValuesAreNullInTheFileAndNanWhenRead() throws IOException {
    try (MetricsLog log = MetricsLog.create(file())) {
      log.log(row(1, Float.NaN, Double.POSITIVE_INFINITY));
    }
    assertTrue(Files.readString(file()).contains("\"lr\":null,\"loss\":null"));
    assertTrue(MetricsLog.read(file()).get(0).get("loss").isNaN());
  }

  @Test
  void rowWithoutStepIsRefused() throws IOException {
    try (MetricsLog log = MetricsLog.create(file())) {
      assertEquals("a metrics row needs a 'step', got keys [loss]",
          assertThrows(IllegalArgumentException.class, () -> log.log(Map.of("loss", 1.0))).getMessage());
    }
  }

  @Test
  void resumeDropsRowsAfterTheCheckpointAndACutShortLine() throws IOException {
    try (MetricsLog log = MetricsLog.create(file())) {
      writeSteps(log, 1, 8);
    }
    Files.writeString(file(), Files.readString(file()) + "{\"step\":9,\"lo");
    try (MetricsLog log = MetricsLog.openForResume(file(), 5)) {
      writeSteps(log, 6, 10);
    }
    Path uninterrupted = run.resolve("straight.jsonl");
    try (MetricsLog log = MetricsLog.create(uninterrupted)) {
      writeSteps(log, 1, 10);
    }
    assertEquals(Files.readString(uninterrupted), Files.readString(file()));
    assertEquals(10, MetricsLog.read(file()).size());
  }

  @Test
  void resumeWithoutAFileStartsOne() throws IOException {
    try (MetricsLog log = MetricsLog.openForResume(file(), 3)) {
      writeSteps(log, 4, 4);
    }
    assertEquals(4.0, MetricsLog.read(file()).get(0).get("step"));
  }

  @Test
  void createReplacesAnOldLog() throws IOException {
    Files.writeString(file(), "{\"step\":99}\n");
    try (MetricsLog log = MetricsLog.create(file())) {
      writeSteps(log, 1, 1);
    }
    assertEquals(1, MetricsLog.read(file()).size());
  }

  @Test
  void badLineNamesFileAndLine() throws IOException {
    Files.writeString(file(), "{\"step\":1}\n{\"step\":oops}\n");
    assertEquals("bad metrics log " + file() + " line 2: expected a number or null at column 9",
        assertThrows(IllegalArgumentException.class, () -> MetricsLog.read(file())).getMessage());
  }

  @Test
  void keysAreEscaped() {
    assertEquals("{\"a\\\"b\":1}", FlatJson.write(Map.of("a\"b", 1)));
    assertEquals(Map.of("a\"b", 1.0), FlatJson.read("{\"a\\\"b\":1}"));
  }
}
