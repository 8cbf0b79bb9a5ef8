package dev.loca.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.serde.ModelReader;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.seg.SegmenterCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortableExportTest {
  private static final int N = 3;
  @TempDir
  static Path dir;
  private static SegmenterFolder folder;
  private static float[] raw;
  private static ExportedModelRunner.Outputs reference;

  @BeforeAll
  static void fixture() throws Exception {
    folder = SegmenterFolder.read(TinySegmenter.write(dir.resolve("ft"), 7));
    raw = TinySegmenter.images(N, 1);
    try (ExportedModelRunner r = ExportedModelRunner.open(ModelWriter.toBytes(folder.model()), 1)) {
      reference = r.run(TinySegmenter.normalize(raw, N), N, TinySegmenter.SIZE);
    }
  }

  static ExportSpec spec() {
    return ExportSpec.of(folder.card(), ModelKind.SEGMENTER, TinySegmenter.SIZE, "ft");
  }

  private static ExportedModelRunner.Outputs run(Model m, float[] input) {
    Model back = ModelReader.fromBytes(ModelWriter.toBytes(m));
    try (ExportedModelRunner r = ExportedModelRunner.open(ModelWriter.toBytes(back), 1)) {
      return r.run(input, N, TinySegmenter.SIZE);
    }
  }

  static float maxDiff(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  static long[] argmax(float[] logits, int n, int classes, int pixels) {
    long[] out = new long[n * pixels];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < pixels; p++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (logits[(i * classes + c) * pixels + p] > logits[(i * classes + best) * pixels + p]) {
            best = c;
          }
        }
        out[i * pixels + p] = best;
      }
    }
    return out;
  }

  @Test
  void fp32SegmenterIsPortableAndComputesWhatTheFineTunedModelComputes() {
    Model m = PortableExport.export(folder.model(), spec(), ExportOptions.defaults());
    assertTrue(PortabilityCheck.problems(m).isEmpty());
    assertEquals(8, m.irVersion());
    assertEquals(List.of(OpsetId.onnx(17)), m.opsets());
    assertEquals(List.of("logits", "classes"), m.graph().outputs().stream().map(v -> v.name()).toList());
    assertEquals(DataType.INT64, m.graph().outputs().get(1).dtype());
    assertTrue(m.graph().inputs().get(0).shape().dim(0) instanceof Dim.Symbolic);
    ExportedModelRunner.Outputs out = run(m, TinySegmenter.normalize(raw, N));
    assertEquals(0f, maxDiff(reference.values(), out.values()), 1e-6f);
    int pixels = TinySegmenter.SIZE * TinySegmenter.SIZE;
    long[] expected = argmax(reference.values(), N, 3, pixels);
    assertArrayEquals(expected, out.classes());
    assertTrue(java.util.Arrays.stream(expected).distinct().count() > 1, "the fixture's class map has structure");
  }

  @Test
  void metadataSaysHowToFeedTheModel() {
    Map<String, String> meta = PortableExport.export(folder.model(), spec(), ExportOptions.defaults()).metadata();
    assertEquals("segmenter", meta.get(PortableExport.META_KIND));
    String pre = meta.get(PortableExport.META_PREPROCESSING);
    assertTrue(pre.contains("\"input_size\":16") && pre.contains("\"patch_size\":4")
        && pre.contains("\"mean\":[0.485,0.456,0.406]") && pre.contains("\"std\":[0.229,0.224,0.225]")
        && pre.contains("\"normalize_inside\":false"), pre);
    assertEquals("[\"background\",\"disc\",\"square\"]", meta.get(PortableExport.META_CLASSES));
    assertTrue(meta.get(PortableExport.META_CONFIG).contains("\"imageSize\":16"), meta.get(PortableExport.META_CONFIG));
    assertEquals("fp32", meta.get(PortableExport.META_PRECISION));
    assertTrue(meta.get(PortableExport.META_PRODUCER).startsWith("loca-jvm "));
  }

  @Test
  void normalisationInsideTakesRgbInZeroOne() {
    Model m = PortableExport.export(folder.model(), spec(), new ExportOptions(Precision.FP32, true));
    assertTrue(m.metadata().get(PortableExport.META_PREPROCESSING).contains("\"normalize_inside\":true"));
    assertEquals(0f, maxDiff(reference.values(), run(m, raw).values()), 1e-5f);
  }

  @Test
  void fp16StoresHalfWeightsAndStaysClose() {
    Model m = PortableExport.export(folder.model(), spec(), ExportOptions.defaults().withPrecision(Precision.FP16));
    assertTrue(PortabilityCheck.problems(m).isEmpty());
    long floatWeights = m.graph().initializers().values().stream().filter(t -> t.dtype() == DataType.FLOAT).count();
    assertEquals(0, floatWeights, "every float initializer is stored as float16");
    assertEquals(DataType.FLOAT, m.graph().outputs().get(0).dtype());
    ExportedModelRunner.Outputs out = run(m, TinySegmenter.normalize(raw, N));
    float diff = maxDiff(reference.values(), out.values());
    assertTrue(diff > 0 && diff < 0.05f, "fp16 max logit difference " + diff);
  }

  @Test
  void int8QuantisesEveryWeightMatMulWithPlainOnnxOps() {
    Model m = PortableExport.export(folder.model(), spec(), ExportOptions.defaults().withPrecision(Precision.INT8));
    assertTrue(PortabilityCheck.problems(m).isEmpty());
    Map<String, Long> ops = m.graph().nodes().stream().collect(Collectors.groupingBy(Node::opType,
        Collectors.counting()));
    long weightMatMuls = folder.model().graph().nodes().stream().filter(n -> n.opType().equals("MatMul")
        && folder.model().graph().initializers().containsKey(n.inputs().get(1))).count();
    assertEquals(weightMatMuls, ops.get("MatMulInteger"));
    assertEquals(weightMatMuls, ops.get("DynamicQuantizeLinear"));
    assertTrue(m.graph().initializers().keySet().stream().noneMatch(v -> v.name().equals(
        "encoder.blocks.0.mlp.fc1.weight")), "the float weights are gone");
    ExportedModelRunner.Outputs out = run(m, TinySegmenter.normalize(raw, N));
    float diff = maxDiff(reference.values(), out.values());
    assertTrue(diff > 0 && diff < 0.5f, "int8 max logit difference " + diff);
  }

  @Test
  void quantisedWeightsRoundTripWithinHalfAStep() {
    float[] w = {0.5f, -2f, 0.25f, 1f, -0.125f, 0f};
    DynamicQuantization.Quantized q = DynamicQuantization.quantize(TensorData.ofFloats(new long[] {3, 2}, w));
    float[] scale = q.scales().toFloats();
    assertArrayEquals(new float[] {0.5f / 127, 2f / 127}, scale, 1e-9f);
    byte[] v = q.values().rawBytes();
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i], v[i] * scale[i % 2], scale[i % 2] / 2 + 1e-7f);
    }
  }

  @Test
  void badFoldersAreNamed() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SegmenterFolder.read(empty));
    assertTrue(e.getMessage().contains("no segmenter.json"), e.getMessage());
    Path bad = Files.createDirectories(dir.resolve("bad"));
    TinySegmenter.card().write(bad);
    Files.writeString(bad.resolve(SegmenterCard.MODEL_FILE), "this is not a model\n");
    e = assertThrows(IllegalArgumentException.class, () -> SegmenterFolder.read(bad));
    assertTrue(e.getMessage().contains("is not an ONNX model"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
