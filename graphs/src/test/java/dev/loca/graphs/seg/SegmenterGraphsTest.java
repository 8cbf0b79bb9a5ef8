package dev.loca.graphs.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.artifacts.OptimizerSettings;
import dev.loca.graph.artifacts.TrainingArtifacts;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.check.GraphValidator;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ops.OpCatalog;
import dev.loca.graphs.vit.VitConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmenterGraphsTest {
  /** micro encoder at a 12-px image, patch 4: a 3×3 grid, 5 classes. */
  static SegmenterCard card() {
    VitConfig vit = VitConfig.preset("micro").withPosGrid(3);
    return new SegmenterCard(vit, 12, List.of("a", "b", "c", "d", "e"), new float[] {0.5f, 0.5f, 0.5f},
        new float[] {0.25f, 0.25f, 0.25f}, 255, "random");
  }

  @Test
  void trainingGraphHasTheContractInputsOutputsAndNames() {
    SegmenterGraphs.Training t = SegmenterGraphs.training(card(), 3);
    assertEquals(List.of("images", "labels", "drop_path"), t.graph().inputs().stream().map(Value::name).toList());
    assertEquals("[batch,3,12,12]", t.graph().inputs().get(0).shape().toString());
    assertEquals("[batch,12,12]", t.graph().inputs().get(1).shape().toString());
    assertEquals("[batch,4]", t.graph().inputs().get(2).shape().toString());
    assertEquals(List.of("loss", "pixel_accuracy"), t.graph().outputs().stream().map(Value::name).toList());
    assertEquals(List.of("decoder.head.weight", "decoder.head.bias"), t.decoder().stream().map(Value::name).toList());
    assertTrue(t.encoder().stream().allMatch(p -> p.name().startsWith("encoder.")));
    assertTrue(t.encoder().stream().anyMatch(p -> p.name().equals("encoder.posembed")
        && p.shape().equals(Shape.of(1, 3, 3, 16))));
    assertEquals(Shape.of(16, 5), t.decoder().get(0).shape());
    assertTrue(GraphValidator.validate(t.graph(), OpCatalog.standard()).isValid());
  }

  @Test
  void frozenEncoderArtifactsTrainOnlyTheDecoder() {
    SegmenterGraphs.Training t = SegmenterGraphs.training(card(), 3);
    TrainingArtifacts frozen = SegmenterGraphs.artifacts(t, true, Flavour.FUSED, OptimizerSettings.adamW());
    assertEquals(List.of("decoder.head.weight", "decoder.head.bias"), frozen.trainable());
    assertEquals(t.encoder().size(), frozen.frozen().size());
    TrainingArtifacts full = SegmenterGraphs.artifacts(t, false, Flavour.FUSED, OptimizerSettings.adamW());
    assertEquals(t.parameters().size(), full.trainable().size());
    assertTrue(full.frozen().isEmpty());
  }

  @Test
  void inferenceModelIsPlainOpset17WithLogitsAtImageSize() {
    SegmenterCard card = card();
    SegmenterGraphs.Training t = SegmenterGraphs.training(card, 3);
    Map<String, TensorData> weights = new LinkedHashMap<>();
    t.graph().initializers().forEach((v, d) -> {
      if (t.parameters().contains(v)) {
        weights.put(v.name(), d);
      }
    });
    Model m = SegmenterGraphs.inference(card, weights);
    assertEquals(List.of(OpsetId.onnx(17)), m.opsets());
    assertTrue(m.graph().nodes().stream().allMatch(n -> n.domain().equals(OpsetId.ONNX)));
    assertEquals(List.of("images"), m.graph().inputs().stream().map(Value::name).toList());
    assertEquals("[N,3,12,12]", m.graph().inputs().get(0).shape().toString());
    Value logits = m.graph().outputs().get(0);
    assertEquals("logits", logits.name());
    assertEquals("[N,5,12,12]", logits.shape().toString());
    for (Value p : t.parameters()) {
      Value init = m.graph().find(p.name()).orElseThrow();
      assertEquals(weights.get(p.name()), m.graph().initializers().get(init), p.name());
    }
    assertFalse(m.graph().nodes().stream().anyMatch(n -> n.opType().equals("SoftmaxCrossEntropyLoss")));
    assertTrue(GraphValidator.validate(m.graph(), OpCatalog.standard()).isValid());
    assertEquals(card, SegmenterCard.fromJson(m.metadata().get("loca.segmenter")));
  }

  @Test
  void inferenceRejectsMissingUnknownAndMisshapenWeights() {
    SegmenterCard card = card();
    Map<String, Shape> shapes = SegmenterGraphs.parameterShapes(card);
    Map<String, TensorData> weights = new HashMap<>();
    shapes.forEach((n, s) -> weights.put(n, TensorData.filled(dev.loca.graph.ir.DataType.FLOAT, s, 0)));
    Map<String, TensorData> missing = new HashMap<>(weights);
    missing.remove("decoder.head.bias");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SegmenterGraphs.inference(card, missing))
        .getMessage().contains("decoder.head.bias"));
    Map<String, TensorData> extra = new HashMap<>(weights);
    extra.put("head.fc1.weight", TensorData.scalar(1f));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SegmenterGraphs.inference(card, extra))
        .getMessage().contains("head.fc1.weight"));
    Map<String, TensorData> wrong = new HashMap<>(weights);
    wrong.put("decoder.head.weight", TensorData.filled(dev.loca.graph.ir.DataType.FLOAT, Shape.of(16, 6), 0));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SegmenterGraphs.inference(card, wrong))
        .getMessage().contains("decoder.head.weight"));
  }

  @Test
  void theEncoderGridMustBeTheFineTuningGrid() {
    SegmenterCard atPretrainingGrid = new SegmenterCard(VitConfig.preset("micro"), 12, List.of("a"),
        new float[3], new float[] {1, 1, 1}, 255, "random");
    assertThrows(IllegalArgumentException.class, () -> SegmenterGraphs.training(atPretrainingGrid, 0));
  }
}
