package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.export.PortabilityCheck;
import dev.loca.graph.ir.Model;
import dev.loca.graph.serde.ModelReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest extends CliTestSupport {
  @TempDir
  static Path dir;
  static Path run;

  @BeforeAll
  static void pretrainAMicroRun() {
    run = dir.resolve("run");
    ExportCommandTest t = new ExportCommandTest();
    assertEquals(0, t.run("pretrain", "--preset", "micro", "--steps", "2", "--batch", "2", "--data",
        "synthetic:images=8", "--out", run.toString()), t.err.toString());
  }

  private String oneLineError(int code) {
    assertEquals(1, code, out.toString());
    String e = err.toString().strip();
    err.getBuffer().setLength(0);
    assertFalse(e.contains("\n") || e.contains("Exception"), e);
    return e;
  }

  @Test
  void exportsTheTeacherEncoderOfARunInEachPrecision() {
    for (String p : new String[] {"fp32", "fp16", "int8"}) {
      Path file = dir.resolve("enc-" + p + ".onnx");
      assertEquals(0, run("export", "--from", run.toString(), "--what", "encoder", "--out", file.toString(),
          "--precision", p), err.toString());
      Model m = ModelReader.read(file);
      assertEquals(java.util.List.of(), PortabilityCheck.problems(m));
      assertEquals(p, m.metadata().get("loca.precision"));
      assertTrue(m.metadata().get("loca.source").endsWith("(teacher)"));
    }
    assertTrue(out.toString().contains("output tokens float32[N,16,16]"), out.toString());
  }

  @Test
  void benchPrintsSizeLatencyAndChangeForEachPrecision() {
    assertEquals(0, run("export", "--from", run.toString(), "--what", "encoder", "--bench", "--out",
        dir.resolve("bench").toString(), "--repeats", "3", "--images", "2"), err.toString());
    String text = out.toString();
    for (String p : new String[] {"fp32", "fp16", "int8"}) {
      assertTrue(text.lines().anyMatch(l -> l.matches(p + " +[0-9.]+ +[0-9.]+ +[0-9.]+ +-")), text);
      assertTrue(Files.isRegularFile(dir.resolve("bench").resolve("encoder-" + p + ".onnx")));
    }
    assertTrue(text.lines().anyMatch(l -> l.matches("fp32 +[0-9.]+ +[0-9.]+ +0\\.00000 +-")), text);
  }

  @Test
  void badInputIsOneLine() throws Exception {
    Path out1 = dir.resolve("x.onnx");
    assertTrue(oneLineError(run("export", "--from", run.toString(), "--what", "decoder", "--out", out1.toString()))
        .contains("unknown --what 'decoder'"));
    assertTrue(oneLineError(run("export", "--from", run.toString(), "--what", "segmenter", "--out",
        out1.toString())).contains("is a pretraining run, which has no segmenter"));
    Path empty = Files.createDirectories(dir.resolve("no-checkpoint"));
    Files.copy(run.resolve("config.json"), empty.resolve("config.json"));
    assertTrue(oneLineError(run("export", "--from", empty.toString(), "--what", "encoder", "--out",
        out1.toString())).contains("no complete checkpoint"));
    Path notOnnx = Files.createDirectories(dir.resolve("ft"));
    Files.writeString(notOnnx.resolve("segmenter.json"), new dev.loca.graphs.seg.SegmenterCard(
        dev.loca.graphs.vit.VitConfig.preset("micro"), 16, java.util.List.of("a", "b"), new float[3],
        new float[] {1, 1, 1}, 255, "random").toJson());
    Files.writeString(notOnnx.resolve("segmenter.onnx"), "not a model");
    assertTrue(oneLineError(run("export", "--from", notOnnx.toString(), "--what", "segmenter", "--out",
        out1.toString())).contains("is not an ONNX model"));
    assertFalse(Files.exists(out1));
  }
}
