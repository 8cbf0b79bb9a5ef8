package dev.loca.graph.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loca.graph.ir.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the bytes CheckpointWriter produces for the probe model of spec/ort-training-artifacts.md. The same
 * file is a test resource of runtime ({@code dev/loca/runtime/ort/probe_written.ckpt}), where ONNX Runtime
 * loads it, reads its properties and moments and trains from it: that is the end-to-end check of this
 * writer against ORT without a module dependency. The same holds for the external-data pair {@code
 * probe_external.ckpt} and {@code probe_external.ckpt.data}. Regenerate all copies with {@code
 * -Dloca.golden.out=DIR} when the format changes on purpose.
 */
class GoldenCheckpointTest {

  /** y = x·W + b + shift: W, b trainable, shift frozen; AdamW at step 42 with non-zero moments. */
  record Probe(List<NamedTensor> trainable, List<NamedTensor> frozen, OptimizerState adam, Properties props) {}

  static Probe probe() {
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
    return new Probe(trainable, frozen, adam, props);
  }

  static byte[] probeCheckpoint() {
    Probe p = probe();
    return CheckpointWriter.toBytes(p.trainable(), p.frozen(), Optional.of(p.adam()), p.props());
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = GoldenCheckpointTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void writerOutputMatchesTheGoldenFile() throws IOException {
    byte[] bytes = probeCheckpoint();
    String out = System.getProperty("loca.golden.out");
    if (out != null) {
      Files.write(Path.of(out, "probe_written.ckpt"), bytes);
    }
    byte[] golden = resource("probe_written.ckpt");
    assertArrayEquals(golden, bytes);
    assertEquals(42, CheckpointReader.fromBytes(golden).optimizer().orElseThrow().step());
  }

  /**
   * The same state written with external data ({@code probe_external.ckpt} plus {@code
   * probe_external.ckpt.data}): every tensor in the side file, in flatbuffer order W, b, shift, then
   * momentum0 and momentum1 of W and of b, floats back to back (104 bytes). runtime's
   * WrittenExternalCheckpointTest has ORT load and train from this pair.
   */
  @Test
  void externalWriterOutputMatchesTheGoldenPair(@TempDir Path dir) throws IOException {
    Probe p = probe();
    Path file = dir.resolve("probe_external.ckpt");
    CheckpointWriter.write(
        p.trainable(), p.frozen(), Optional.of(p.adam()), p.props(), file, CheckpointWriter.ExternalData.ALWAYS);
    Path data = CheckpointWriter.externalDataPath(file);
    String out = System.getProperty("loca.golden.out");
    if (out != null) {
      Files.copy(file, Path.of(out, "probe_external.ckpt"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(data, Path.of(out, "probe_external.ckpt.data"), StandardCopyOption.REPLACE_EXISTING);
    }
    assertArrayEquals(resource("probe_external.ckpt"), Files.readAllBytes(file));
    byte[] sideFile = resource("probe_external.ckpt.data");
    assertArrayEquals(sideFile, Files.readAllBytes(data));
    assertEquals(4 * (6 + 2 + 2 + 2 * 6 + 2 * 2), sideFile.length);
    ByteBuffer floats = ByteBuffer.wrap(sideFile).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0.1f, floats.getFloat(0), "W first");
    assertEquals(0.05f, floats.getFloat(24), "then b");
    assertEquals(1f, floats.getFloat(32), "then the frozen shift");
    assertEquals(0.01f, floats.getFloat(40), "then W's momentum0");
    assertEquals(0.001f, floats.getFloat(64), "and momentum1");
    assertEquals(0.07f, floats.getFloat(88), "then b's");
    assertEquals(CheckpointReader.fromBytes(probeCheckpoint()), CheckpointReader.read(file));
  }
}
