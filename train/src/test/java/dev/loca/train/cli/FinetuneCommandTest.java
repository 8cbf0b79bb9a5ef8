package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.eval.finetune.Finetuner;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.runtime.loop.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loca finetune}: a micro run and its resume; bad flags give one line and exit 1. */
class FinetuneCommandTest extends CliTestSupport {
  private static final String DATA = "synthetic:images=4,size=32x24";

  @TempDir
  Path dir;

  @Test
  void microRunThenResume() throws IOException {
    Path ft = dir.resolve("ft");
    assertEquals(0, run("finetune", "--encoder", "random", "--preset", "micro", "--data", DATA, "--image-size", "16",
        "--batch", "2", "--steps", "2", "--threads", "1", "--out", ft.toString()), err.toString());
    assertTrue(Files.isRegularFile(ft.resolve(SegmenterCard.MODEL_FILE)));
    assertEquals(16, SegmenterCard.read(ft).imageSize());
    assertEquals(0, run("finetune", "--resume", ft.toString(), "--steps", "3"), err.toString());
    assertEquals(3, MetricsLog.read(ft.resolve(Finetuner.METRICS_FILE)).size());
    assertEquals(1, run("finetune", "--resume", ft.toString(), "--frozen"));
    assertEquals("loca: --resume " + ft + ": frozen is false in this run and cannot change when resuming",
        oneLine());
  }

  @Test
  void badFlagsAreOneLine() {
    String out = dir.resolve("x").toString();
    assertEquals(1, run("finetune", "--out", out));
    assertEquals("loca: --encoder is required: a pretraining run folder or 'random'", oneLine());
    assertEquals(1, run("finetune", "--encoder", "random"));
    assertEquals("loca: give exactly one of --out FT (new run) and --resume FT", oneLine());
    assertEquals(1, run("finetune", "--encoder", dir.resolve("no-run").toString(), "--out", out));
    assertTrue(oneLine().contains("no config.json (expected a pretraining run folder or 'random')"));
    assertEquals(1, run("finetune", "--encoder", "random", "--preset", "micro", "--data", DATA, "--image-size", "18",
        "--out", out));
    assertEquals("loca: --image-size 18 is not a multiple of the encoder's patch 4 (micro)", oneLine());
    assertEquals(1, run("finetune", "--encoder", "random", "--set", "lr=fast", "--out", out));
    assertEquals("loca: config field 'lr' expects a number, got 'fast'", oneLine());
    assertEquals(1, run("finetune", "--encoder", "random", "--preset", "micro", "--data", DATA, "--shots", "9",
        "--out", out));
    assertTrue(oneLine().startsWith("loca: --shots 9: "));
    assertEquals(1, run("finetune", "--resume", dir.resolve("nothing").toString()));
    assertTrue(oneLine().contains("no config.json (not a fine-tuning folder)"));
    assertEquals(2, run("finetune", "--steps", "many"));
  }
}
