package dev.loca.graph.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loca.graph.ir.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes CheckpointWriter produces for the probe model of spec/ort-training-artifacts.md. The same
 * file is a test resource of runtime ({@code dev/loca/runtime/ort/probe_written.ckpt}), where ONNX Runtime
 * loads it, reads its properties and moments and trains from it: that is the end-to-end check of this
 * writer against ORT without a module dependency. Regenerate both copies with {@code
 * -Dloca.golden.out=DIR} when the format changes on purpose.
 */
class GoldenCheckpointTest {

  /** y = x·W + b + shift: W, b trainable, shift frozen; AdamW at step 42 with non-zero moments. */
  static byte[] probeCheckpoint() {
    List<NamedTensor> trainable =
        List.of(
            new NamedTensor("W", TensorData.ofFloats(new long[] {3, 2}, 0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f)),
            new NamedTensor("b", TensorData.ofFloats(new long[] {2}, 0.05f, -0.05f)));
    List<NamedTensor> frozen = List.of(new NamedTensor("shift", TensorData.ofFloats(new long[] {2}, 1f, -1f)));
    OptimizerState adam =
        new OptimizerState(
            42,
            0.001f,
            Map.of(
                "W", TensorData.ofFloats(new long[] {3, 2}, 0.01f, -0.02f, 0.03f, -0.04f, 0.05f, -0.06f),
                "b", TensorData.ofFloats(new long[] {2}, 0.07f, -0.08f)),
            Map.of(
                "W", TensorData.ofFloats(new long[] {3, 2}, 0.001f, 0.002f, 0.003f, 0.004f, 0.005f, 0.006f),
                "b", TensorData.ofFloats(new long[] {2}, 0.007f, 0.008f)));
    Properties props = new Properties(Map.of("epoch", 7L), Map.of("best.loss", 0.25f), Map.of("run", "golden"));
    return CheckpointWriter.toBytes(trainable, frozen, Optional.of(adam), props);
  }

  @Test
  void writerOutputMatchesTheGoldenFile() throws IOException {
    byte[] bytes = probeCheckpoint();
    String out = System.getProperty("loca.golden.out");
    if (out != null) {
      Files.write(Path.of(out, "probe_written.ckpt"), bytes);
    }
    byte[] golden;
    try (InputStream in = getClass().getResourceAsStream("probe_written.ckpt")) {
      golden = in.readAllBytes();
    }
    assertArrayEquals(golden, bytes);
    assertEquals(42, CheckpointReader.fromBytes(golden).optimizer().orElseThrow().step());
  }
}
