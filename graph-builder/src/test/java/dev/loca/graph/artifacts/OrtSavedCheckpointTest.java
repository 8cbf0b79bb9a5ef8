package dev.loca.graph.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints that ONNX Runtime 1.24.1 itself saved (SaveCheckpoint), kept as test resources: the probe
 * model y = x·W + b + shift after 300 AdamW steps (lr 0.05) towards W = [[1,-2],[0.5,3],[-1,0.25]] and
 * b + shift = [0.3,-0.7], with shift = [1,-1] frozen and three properties added before saving. Produced
 * by runtime's training tests (runtime cannot depend on graph-builder, so the bytes travel as files):
 * {@code ./mvnw -pl runtime test -Dtest=TrainingSessionTest -Dloca.ortSaved.out=DIR} regenerates them.
 */
class OrtSavedCheckpointTest {

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = OrtSavedCheckpointTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void readsWhatOrtSaved() throws IOException {
    CheckpointContents c = CheckpointReader.fromBytes(resource("ort_saved.ckpt"));
    assertEquals(List.of("W", "b"), c.trainable().stream().map(NamedTensor::name).toList(), "sorted bytewise");
    assertArrayEquals(new float[] {1, -2, 0.5f, 3, -1, 0.25f}, c.trainable().get(0).data().toFloats(), 1e-4f);
    assertEquals(Shape.of(3, 2), c.trainable().get(0).data().shape());
    assertArrayEquals(new float[] {-0.7f, 0.3f}, c.trainable().get(1).data().toFloats(), 1e-4f);
    assertEquals(
        List.of(new NamedTensor("shift", TensorData.ofFloats(new long[] {2}, 1f, -1f))), c.frozen());

    OptimizerState s = c.optimizer().orElseThrow();
    assertEquals(300, s.step(), "ORT counts one step per successful update");
    assertEquals(0.001f, s.initialLearningRate(), "ORT saves its default, not the rate that was set");
    assertEquals(c.trainable().size(), s.firstMoments().size());
    assertEquals(c.trainable().size(), s.secondMoments().size());
    for (NamedTensor p : c.trainable()) {
      assertEquals(p.data().shape(), s.firstMoments().get(p.name()).shape());
      assertEquals(DataType.FLOAT, s.secondMoments().get(p.name()).dtype());
      for (float v : s.secondMoments().get(p.name()).toFloats()) {
        assertTrue(v >= 0, "second moments are non-negative");
      }
    }
    assertEquals(
        new Properties(Map.of("epoch", 3L), Map.of("best.loss", 0.5f), Map.of("run", "probe")), c.properties());
  }

  @Test
  void readsParametersOnlyCheckpoint() throws IOException {
    CheckpointContents c = CheckpointReader.fromBytes(resource("ort_saved_no_optimizer.ckpt"));
    assertEquals(2, c.trainable().size());
    assertEquals(1, c.frozen().size());
    assertEquals(Optional.empty(), c.optimizer());
  }

  @Test
  void rewritingWhatOrtSavedKeepsTheContents() throws IOException {
    CheckpointContents c = CheckpointReader.fromBytes(resource("ort_saved.ckpt"));
    byte[] again = CheckpointWriter.toBytes(c.trainable(), c.frozen(), c.optimizer(), c.properties());
    assertEquals(c, CheckpointReader.fromBytes(again));
  }
}
