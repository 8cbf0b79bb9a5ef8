package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code loca bench} on the micro preset: what it prints, and bad flags as one line. Timings are not checked. */
class BenchCommandTest extends CliTestSupport {
  private static final List<String> KEYS = List.of("preset", "device", "threads", "batch", "steps", "ms_per_step",
      "p10_ms", "p90_ms", "images_per_s", "gflops", "peak_rss_mb", "teacher_ms", "train_ms", "optimizer_ms", "ema_ms",
      "data_wait_ms");

  private Map<String, String> summary() {
    List<String> lines = out.toString().strip().lines().toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith("bench: "), last);
    Map<String, String> m = new HashMap<>();
    for (String kv : last.substring("bench: ".length()).split(" ")) {
      String[] p = kv.split("=", 2);
      assertEquals(2, p.length, kv);
      m.put(p[0], p[1]);
    }
    assertEquals(KEYS.size(), m.size(), last);
    KEYS.forEach(k -> assertTrue(m.containsKey(k), k + " in " + last));
    return m;
  }

  @Test
  void timesTheMicroStepAndEndsWithTheSummaryLine() {
    assertEquals(0, run("bench", "--preset", "micro", "--batch", "2", "--steps", "3", "--warmup", "1",
        "--threads", "1"), err.toString());
    String text = out.toString();
    assertEquals(1, text.lines().filter(l -> l.startsWith("warm-up step")).count(), text);
    assertEquals(3, text.lines().filter(l -> l.startsWith("timed step")).count(), text);
    assertTrue(text.contains("split, median ms: teacher "), text);
    Map<String, String> m = summary();
    assertEquals("micro", m.get("preset"));
    assertEquals("cpu", m.get("device"));
    assertEquals("2", m.get("batch"));
    assertEquals("3", m.get("steps"));
    double ms = Double.parseDouble(m.get("ms_per_step"));
    assertTrue(ms > 0 && Double.parseDouble(m.get("p10_ms")) <= ms && ms <= Double.parseDouble(m.get("p90_ms")), text);
    // images/s = batch · 1000 / median ms, both printed rounded (ms to 0.05, images/s to 5e-4)
    double imagesPerSecond = Double.parseDouble(m.get("images_per_s"));
    assertTrue(2000 / (ms + 0.05) <= imagesPerSecond + 5e-4 && imagesPerSecond - 5e-4 <= 2000 / (ms - 0.05),
        imagesPerSecond + " images/s at " + ms + " ms/step: " + text);
    assertTrue(Double.parseDouble(m.get("peak_rss_mb")) > 10, text);
    assertEquals(0.0, Double.parseDouble(m.get("data_wait_ms")), 1.0, "a pre-built batch is not waited for");
  }

  @Test
  void configFieldsCanBeSetTogether() {
    assertEquals(0, run("bench", "--preset", "micro", "--batch", "1", "--steps", "1", "--warmup", "0",
        "--set", "referenceSize=24", "--set", "vit.posGrid=6", "--set", "referenceSeqlen=7", "--set",
        "flavour=portable", "--workers", "1"), err.toString());
    assertEquals("1", summary().get("batch"));
  }

  @Test
  void badFlagsAreOneLine() {
    String[][] cases = {
        {"loca: expected --steps > 0, --warmup >= 0, --batch > 0, --threads >= 0 and --workers >= 0", "--batch", "0"},
        {"loca: --set expects field=value, got 'depth'", "--set", "depth"},
        {"loca: preset micro: unknown field 'vit.depht'; fields are [vit.width, vit.depth, vit.heads, vit.mlpDim,"
            + " vit.patch, vit.posGrid, vit.stochasticDepth]", "--set", "vit.depht=3"},
        {"loca: preset micro: field 'focalQueries' expects a number, got 'many'", "--set", "focalQueries=many"},
        {"loca: preset micro: reference size 24 must give the position-embedding grid 4", "--set",
            "referenceSize=24"},
    };
    for (String[] c : cases) {
      List<String> args = new java.util.ArrayList<>(List.of("bench", "--preset", "micro", "--steps", "1"));
      args.addAll(List.of(c).subList(1, c.length));
      err.getBuffer().setLength(0);
      assertEquals(1, run(args.toArray(String[]::new)), String.join(" ", args));
      assertEquals(c[0], err.toString().strip());
    }
    err.getBuffer().setLength(0);
    assertEquals(1, run("bench", "--preset", "Z/9"));
    assertTrue(err.toString().strip().startsWith("loca: unknown preset 'Z/9'; presets are ["), err.toString());
    assertEquals(2, run("bench", "--preset", "micro", "--steps", "many"));
    err.getBuffer().setLength(0);
    assertEquals(2, run("bench", "--preset", "micro", "--device", "tpu"));
    assertTrue(err.toString().contains("expected cpu, cuda or auto, got 'tpu'"), err.toString());
    assertEquals(2, run("bench"));
  }
}
