package dev.loca.train.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.runtime.loop.MetricsLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pretraining loop on the micro preset and the embedded synthetic scenes. */
class PretrainerTest {
  @TempDir
  Path dir;

  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  private static PretrainConfig micro(long steps) {
    return PretrainConfig.defaults("micro").with("steps", Long.toString(steps)).with("batch", "4")
        .with("data", "synthetic:images=64,seed=3,size=32x24").with("baseLr", "2").with("checkpointEvery", "6")
        .with("workers", "1").with("threads", "1");
  }

  @Test
  void aShortRunLearnsAndWritesItsFiles() throws Exception {
    Path run = dir.resolve("run");
    Pretrainer.Outcome o = new Pretrainer(micro(30), run, quiet).run(false);
    assertEquals(30, o.steps());
    for (String f : List.of(Pretrainer.CONFIG_FILE, Pretrainer.METRICS_FILE, Pretrainer.PLOT_FILE)) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f);
    }
    List<Map<String, Double>> rows = MetricsLog.read(run.resolve(Pretrainer.METRICS_FILE));
    assertEquals(30, rows.size());
    assertTrue(rows.get(29).get("rss_mb") > 10, "the resident set is logged: " + rows.get(29));
    double first = (rows.get(0).get("loss") + rows.get(1).get("loss") + rows.get(2).get("loss")) / 3;
    double last = (rows.get(27).get("loss") + rows.get(28).get("loss") + rows.get(29).get("loss")) / 3;
    assertTrue(last < first, "loss should fall: " + first + " -> " + last);
    assertTrue(Files.isDirectory(run.resolve("checkpoints/step-000000030")));
    assertEquals(micro(30), PretrainConfig.read(run));
  }

  @Test
  void aResumedRunLogsWhatTheUninterruptedRunLogs() throws Exception {
    Path straight = dir.resolve("straight");
    new Pretrainer(micro(12), straight, quiet).run(false);
    Path stopped = dir.resolve("stopped");
    Pretrainer.Outcome partial = new Pretrainer(micro(12).with("keep", "5"), stopped, quiet).runUntil(6);
    assertEquals(6, partial.steps());
    new Pretrainer(micro(12).with("keep", "5"), stopped, quiet).run(true);
    List<Map<String, Double>> a = MetricsLog.read(straight.resolve(Pretrainer.METRICS_FILE));
    List<Map<String, Double>> b = MetricsLog.read(stopped.resolve(Pretrainer.METRICS_FILE));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      for (String k : List.of("step", "lr", "momentum", "loss", "loss_position", "loss_feature", "loss_memax",
          "position_accuracy")) {
        assertEquals(a.get(i).get(k), b.get(i).get(k), 0.0, "row " + i + " " + k);
      }
    }
  }

  @Test
  void anExistingRunIsNotOverwritten() throws Exception {
    Path run = dir.resolve("run");
    new Pretrainer(micro(6), run, quiet).run(false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Pretrainer(micro(6), run, quiet).run(false));
    assertTrue(e.getMessage().contains("already holds checkpoints; use --resume"), e.getMessage());
  }

  @Test
  void aDivergingRunStopsNamingTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path run = dir.resolve("diverging");
    PretrainConfig exploding = micro(40).with("baseLr", "1e12").with("warmupFraction", "0").with("checkpointEvery", "1")
        .with("keep", "2");
    dev.loca.runtime.loop.DivergenceException e = assertThrows(dev.loca.runtime.loop.DivergenceException.class,
        () -> new Pretrainer(exploding, run, quiet).run(false));
    assertTrue(e.getMessage().contains("at step " + e.step()) && e.getMessage().contains("last good checkpoint"),
        e.getMessage());
    java.util.Optional<Path> last = new dev.loca.runtime.loop.CheckpointStore(run.resolve("checkpoints"), 2).latest();
    assertTrue(last.isPresent(), "a checkpoint before the divergence is kept");
    assertEquals(e.step() - 1, dev.loca.runtime.loop.CheckpointStore.stepOf(last.get()));
  }
}
