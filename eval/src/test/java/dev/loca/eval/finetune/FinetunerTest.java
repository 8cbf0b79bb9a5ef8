package dev.loca.eval.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelReader;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.runtime.data.ImageEncoder;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.loop.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinetunerTest {
  @TempDir
  Path tmp;

  private static double mean(List<Map<String, Double>> rows, int from, int to, String key) {
    return rows.subList(from, to).stream().mapToDouble(r -> r.get(key)).average().orElseThrow();
  }

  @Test
  void microFineTuneLowersTheLossAndWritesTheSegmenter() throws IOException {
    Path ft = tmp.resolve("ft");
    Finetuner.Outcome o = Tiny.finetuner(Tiny.config(40), ft).run(false);
    assertEquals(40, o.steps());
    assertFalse(o.interrupted());
    double head = mean(o.rows(), 0, 8, "loss");
    double tail = mean(o.rows(), 32, 40, "loss");
    assertTrue(tail < 0.8 * head, "loss " + head + " (steps 1-8) -> " + tail + " (steps 33-40)");
    assertEquals(40, MetricsLog.read(ft.resolve(Finetuner.METRICS_FILE)).size());
    assertTrue(Files.size(ft.resolve(Finetuner.PLOT_FILE)) > 0);
    SegmenterCard card = SegmenterCard.read(ft);
    assertEquals(9, card.classes());
    assertEquals(16, card.imageSize());
    assertEquals(4, card.encoder().posGrid());
    assertEquals(FinetuneConfig.RANDOM, card.encoderSource());
    Model m = ModelReader.read(ft.resolve(SegmenterCard.MODEL_FILE));
    assertEquals("[N,9,16,16]", m.graph().outputs().get(0).shape().toString());
    assertFalse(Files.list(ft).anyMatch(p -> p.getFileName().toString().startsWith(".tmp")));
  }

  @Test
  void resumeContinuesExactlyWhereTheRunStopped() throws IOException {
    FinetuneConfig cfg = Tiny.config(6).with("checkpointEvery", "2");
    List<Map<String, Double>> straight = Tiny.finetuner(cfg, tmp.resolve("a")).run(false).rows();
    Finetuner.Outcome first = Tiny.finetuner(cfg, tmp.resolve("b")).runUntil(3);
    assertTrue(first.interrupted());
    assertEquals(3, first.steps());
    Finetuner.Outcome rest = Tiny.finetuner(FinetuneConfig.read(tmp.resolve("b")), tmp.resolve("b")).run(true);
    assertEquals(6, rest.steps());
    List<Map<String, Double>> resumed = MetricsLog.read(tmp.resolve("b").resolve(Finetuner.METRICS_FILE));
    assertEquals(6, resumed.size());
    for (int i = 0; i < 6; i++) {
      assertEquals(straight.get(i).get("loss"), resumed.get(i).get("loss"), 1e-6, "step " + (i + 1));
      assertEquals(straight.get(i).get("lr"), resumed.get(i).get("lr"), 1e-15, "step " + (i + 1));
    }
  }

  @Test
  void linearProbeKeepsThePretrainedEncoderAndResizesItsPositionTable() throws IOException {
    Path run = Tiny.pretrainingRun(tmp.resolve("run"));
    PretrainedEncoder pretrained = PretrainedEncoder.load(run);
    assertEquals(5, pretrained.step());
    assertEquals(4, pretrained.vit().posGrid());
    FinetuneConfig cfg = Tiny.config(3).with("encoder", run.toString()).with("imageSize", "24")
        .with("frozen", "true");
    Path ft = tmp.resolve("probe");
    Tiny.finetuner(cfg, ft).run(false);
    Model m = ModelReader.read(ft.resolve(SegmenterCard.MODEL_FILE));
    Map<String, TensorData> saved = new HashMap<>();
    m.graph().initializers().forEach((v, d) -> saved.put(v.name(), d));
    Map<String, TensorData> expected = pretrained.atImageSize(24).weights();
    assertEquals(36 * 16, expected.get("encoder.posembed").elementCount());
    for (Map.Entry<String, TensorData> e : expected.entrySet()) {
      assertArrayEquals(e.getValue().toFloats(), saved.get(e.getKey()).toFloats(), e.getKey());
    }
    SegmenterCard card = SegmenterCard.read(ft);
    assertTrue(card.encoderSource().endsWith("@step-5"), card.encoderSource());
    assertEquals(6, card.grid());
  }

  @Test
  void fewShotUsesAFixedSeededSubset() {
    FewShotSubset a = new FewShotSubset(new CountingDataset(20), 3, 7, 8);
    assertArrayEquals(a.indices(), new FewShotSubset(new CountingDataset(20), 3, 7, 8).indices());
    assertNotEquals(List.of(a.indices()), List.of(new FewShotSubset(new CountingDataset(20), 3, 8, 8).indices()));
    assertEquals(8, a.size(), "repeated up to one batch");
    assertEquals(3, java.util.Arrays.stream(a.indices()).distinct().count());
  }

  @Test
  void badInputIsOneLineNamingIt() throws IOException {
    Path noCheckpoint = tmp.resolve("empty-run");
    Files.createDirectories(noCheckpoint);
    Files.writeString(noCheckpoint.resolve("config.json"), "{\n  \"preset\": \"micro\"\n}\n");
    assertMessage("the run has no complete checkpoint", Tiny.config(1).with("encoder", noCheckpoint.toString()));
    assertMessage("no config.json", Tiny.config(1).with("encoder", tmp.resolve("nowhere").toString()));
    assertMessage("--image-size 18 is not a multiple of the encoder's patch 4", Tiny.config(1).with("imageSize", "18"));
    assertMessage("--shots 7:", Tiny.config(1).with("shots", "7"));
    Path images = tmp.resolve("images");
    Files.createDirectories(images);
    ImageEncoder.writePng(new RgbImage(4, 4, new byte[48]), images.resolve("a.png"));
    assertMessage("has no label maps", Tiny.config(1).with("data", images.toString()));
    assertMessage("--data " + tmp.resolve("missing"), Tiny.config(1).with("data", tmp.resolve("missing").toString()));
    Path ft = tmp.resolve("done");
    Tiny.finetuner(Tiny.config(1), ft).run(false);
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> Tiny.finetuner(Tiny.config(1), ft).run(false));
    assertTrue(again.getMessage().contains("already holds checkpoints"), again.getMessage());
  }

  private void assertMessage(String part, FinetuneConfig cfg) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tiny.finetuner(cfg, tmp.resolve("ft-" + System.nanoTime())).run(false));
    assertTrue(e.getMessage().contains(part), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  /** Items whose id is their index; never read. */
  private record CountingDataset(int size) implements dev.loca.runtime.data.ImageDataset {
    @Override
    public dev.loca.runtime.data.Sample get(int index) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String describe() {
      return size + " items";
    }
  }

  static List<String> names(List<Value> values) {
    return values.stream().map(Value::name).toList();
  }
}
