package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.train.pretrain.Pretrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loca demo} end to end at the smallest budget: every stage runs and leaves its files in one folder. */
class DemoCommandTest extends CliTestSupport {
  @TempDir
  Path dir;

  @Test
  void everyStageRunsInOneFolder() {
    Path run = dir.resolve("demo");
    assertEquals(0, run("demo", "--out", run.toString(), "--steps", "2", "--batch", "4", "--held-out", "4",
        "--shots", "4", "--finetune-steps", "2"), err.toString());
    String printed = out.toString();
    assertTrue(printed.contains("position accuracy"), printed);
    assertTrue(printed.matches("(?s).*LOCA-pretrained encoder +mIoU +\\d+\\.\\d.*"), printed);
    assertTrue(printed.matches("(?s).*random encoder +mIoU +\\d+\\.\\d.*"), printed);
    assertTrue(Files.isRegularFile(run.resolve(Pretrainer.PLOT_FILE)));
    for (String ft : new String[] {"finetune-loca", "finetune-random"}) {
      assertTrue(Files.isRegularFile(run.resolve(ft).resolve(SegmenterCard.MODEL_FILE)), ft);
      assertTrue(Files.isRegularFile(run.resolve(ft).resolve("eval").resolve("metrics.json")), ft);
    }
    assertTrue(Files.isRegularFile(run.resolve("segmenter.onnx")));
  }

  @Test
  void badBudgetsAreOneLine() {
    assertEquals(1, run("demo", "--out", dir.resolve("x").toString(), "--shots", "0"));
    assertEquals("loca: expected --steps, --batch, --held-out, --shots and --finetune-steps > 0", oneLine());
  }
}
