package dev.loca.graph.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.artifacts.CheckpointWriter.ExternalData;
import dev.loca.graph.artifacts.CheckpointWriterTest.Raw;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The external-data layout: {@code <checkpoint>} plus {@code <checkpoint>.data}, as ORT 1.24 reads it. */
class ExternalCheckpointWriterTest {
  private static final TensorData W = TensorData.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
  private static final TensorData B = TensorData.ofFloats(new long[] {1}, 0.5f);
  /** 5 bytes: the next tensor needs padding. */
  private static final TensorData MASK =
      TensorData.ofRaw(DataType.UINT8, Shape.of(5), new byte[] {1, 2, 3, 4, 5});
  /** int64: aligned to 8 in the side file. */
  private static final TensorData POSITIONS = TensorData.vector(10L, 11L, 12L);

  private static List<NamedTensor> trainable() {
    return List.of(new NamedTensor("w", W), new NamedTensor("b", B));
  }

  private static List<NamedTensor> frozen() {
    return List.of(new NamedTensor("positions", POSITIONS), new NamedTensor("mask", MASK));
  }

  private static OptimizerState adam() {
    return new OptimizerState(
        9,
        1e-3f,
        Map.of(
            "w", TensorData.ofFloats(new long[] {2, 3}, .1f, .2f, .3f, .4f, .5f, .6f),
            "b", TensorData.ofFloats(new long[] {1}, .7f)),
        Map.of(
            "w", TensorData.ofFloats(new long[] {2, 3}, 1, 1, 1, 1, 1, 1),
            "b", TensorData.ofFloats(new long[] {1}, 2)));
  }

  private static Properties props() {
    return new Properties(Map.of("epoch", 4L), Map.of("loss", 0.5f), Map.of("run", "x"));
  }

  private static Path writeExternal(Path file) {
    CheckpointWriter.write(trainable(), frozen(), Optional.of(adam()), props(), file, ExternalData.ALWAYS);
    return file;
  }

  @Test
  void roundTripsAndReadsAsTheSingleFileCheckpoint(@TempDir Path dir) throws IOException {
    Path file = writeExternal(dir.resolve("run/checkpoint"));
    Path data = dir.resolve("run/checkpoint.data");
    assertEquals(data, CheckpointWriter.externalDataPath(file));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file, data), files.sorted().toList(), "the pair, and no temporary file");
    }
    CheckpointContents single =
        CheckpointReader.fromBytes(CheckpointWriter.toBytes(trainable(), frozen(), Optional.of(adam()), props()));
    assertEquals(single, CheckpointReader.read(file));
    assertEquals(adam(), CheckpointReader.read(file).optimizer().orElseThrow());
  }

  @Test
  void sideFileHoldsEveryTensorInFlatbufferOrderAlignedAsOrtAlignsIt(@TempDir Path dir) throws IOException {
    Path file = writeExternal(dir.resolve("checkpoint"));
    byte[] side = Files.readAllBytes(CheckpointWriter.externalDataPath(file));
    // trainable sorted (b, w), frozen sorted (mask, positions), then momentum0/1 of b, then of w
    long b = 0;
    long w = 4;
    long mask = 28;
    long positions = 40; // 33 rounded up to 8 for int64, zero padded
    long bM0 = 64;
    long bM1 = 68;
    long wM0 = 72;
    long wM1 = 96;
    assertEquals(120, side.length);
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(side, 33, 40), "padding is zeros");
    Raw root = Raw.root(Files.readAllBytes(file));
    Raw module = root.table(1);
    assertTrue(module.has(Odtc.MODULE_HAS_EXTERNAL_DATA), "has_external_data is set");
    long[] expected = {b, w, mask, positions};
    String[] names = {"b", "w", "mask", "positions"};
    for (int i = 0; i < 4; i++) {
      Raw t = module.vectorTable(i < 2 ? Odtc.MODULE_REQUIRES_GRAD : Odtc.MODULE_FROZEN, i % 2);
      assertEquals(names[i], t.string(Odtc.TENSOR_NAME));
      assertFalse(t.has(Odtc.TENSOR_RAW_DATA), names[i] + " has no raw_data");
      assertTrue(t.has(Odtc.TENSOR_EXTERNAL_DATA_OFFSET), names[i] + " has an offset, 0 included");
      assertEquals(expected[i], t.longField(Odtc.TENSOR_EXTERNAL_DATA_OFFSET), names[i] + " offset");
    }
    Raw group = root.vectorTable(2, 0);
    long[][] moments = {{bM0, bM1}, {wM0, wM1}};
    for (int p = 0; p < 2; p++) {
      Raw state = group.vectorTable(Odtc.GROUP_STATES, p);
      for (int k = 0; k < 2; k++) {
        Raw m = state.vectorTable(Odtc.PARAM_STATE_MOMENTUMS, k);
        assertFalse(m.has(Odtc.TENSOR_RAW_DATA));
        assertTrue(m.has(Odtc.TENSOR_EXTERNAL_DATA_OFFSET));
        assertEquals(moments[p][k], m.longField(Odtc.TENSOR_EXTERNAL_DATA_OFFSET), state.string(0) + " momentum" + k);
      }
    }
    ByteBuffer bb = ByteBuffer.wrap(side).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0.5f, bb.getFloat((int) b));
    assertEquals(6f, bb.getFloat((int) w + 20));
    assertEquals(5, bb.get((int) mask + 4));
    assertEquals(12L, bb.getLong((int) positions + 16));
    assertEquals(1f, bb.getFloat((int) wM1));
  }

  @Test
  void singleFileCheckpointsDoNotSetTheFlagOrOffsets() {
    Raw root = Raw.root(CheckpointWriter.toBytes(trainable(), frozen(), Optional.of(adam()), props()));
    Raw module = root.table(1);
    assertFalse(module.has(Odtc.MODULE_HAS_EXTERNAL_DATA));
    assertFalse(module.vectorTable(Odtc.MODULE_REQUIRES_GRAD, 0).has(Odtc.TENSOR_EXTERNAL_DATA_OFFSET));
  }

  @Test
  void autoUsesExternalDataAboveTheThresholdOnly() {
    assertFalse(CheckpointWriter.usesExternalData(ExternalData.AUTO, CheckpointWriter.EXTERNAL_DATA_THRESHOLD));
    assertTrue(CheckpointWriter.usesExternalData(ExternalData.AUTO, CheckpointWriter.EXTERNAL_DATA_THRESHOLD + 1));
    assertTrue(CheckpointWriter.usesExternalData(ExternalData.AUTO, 2_600_000_000L), "ViT-H/16's student");
    assertTrue(CheckpointWriter.usesExternalData(ExternalData.ALWAYS, 0));
    assertFalse(CheckpointWriter.usesExternalData(ExternalData.NEVER, 2_600_000_000L));
    assertTrue(CheckpointWriter.EXTERNAL_DATA_THRESHOLD < CheckpointWriter.MAX_TENSOR_BYTES);
  }

  @Test
  void aSingleFileWriteReplacesAnExternalPairEntirely(@TempDir Path dir) throws IOException {
    Path file = writeExternal(dir.resolve("checkpoint"));
    CheckpointWriter.write(trainable(), List.of(), Optional.empty(), Properties.none(), file);
    assertFalse(Files.exists(CheckpointWriter.externalDataPath(file)), "AUTO on a small state: one file");
    assertArrayEquals(
        CheckpointWriter.toBytes(trainable(), List.of(), Optional.empty(), Properties.none()), Files.readAllBytes(file));
    writeExternal(file);
    assertTrue(Files.exists(CheckpointWriter.externalDataPath(file)));
    byte[] single = CheckpointWriter.toBytes(trainable(), frozen(), Optional.empty(), Properties.none());
    CheckpointData.ofBytes(single).write(file);
    assertFalse(Files.exists(CheckpointWriter.externalDataPath(file)), "bytes written over a pair: one file");
    assertArrayEquals(single, Files.readAllBytes(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void readerNamesAMissingOrShortSideFileAndRefusesBytesAlone(@TempDir Path dir) throws IOException {
    Path file = writeExternal(dir.resolve("checkpoint"));
    Path data = CheckpointWriter.externalDataPath(file);
    CheckpointException fromBytes =
        assertThrows(CheckpointException.class, () -> CheckpointReader.fromBytes(Files.readAllBytes(file)));
    assertEquals(
        "checkpoint <in-memory checkpoint> keeps its tensors in an external data file, which bytes alone cannot"
            + " reach; read it from its file with CheckpointReader.read(path)",
        fromBytes.getMessage());
    byte[] side = Files.readAllBytes(data);
    Files.write(data, Arrays.copyOf(side, 50));
    CheckpointException shortFile = assertThrows(CheckpointException.class, () -> CheckpointReader.read(file));
    assertEquals(
        "checkpoint data file " + data + " has 50 bytes; tensor 'positions' needs bytes 40 to 64"
            + " (truncated or not this checkpoint's data)",
        shortFile.getMessage());
    Files.delete(data);
    CheckpointException missing = assertThrows(CheckpointException.class, () -> CheckpointReader.read(file));
    assertEquals(
        "checkpoint " + file + " keeps its tensors in an external data file, which is missing: " + data,
        missing.getMessage());
  }

  @Test
  void checkpointDataKeepsBytesForSmallStatesAndEncodesTensorsOnDemand(@TempDir Path dir) throws IOException {
    byte[] expected = CheckpointWriter.toBytes(trainable(), frozen(), Optional.empty(), Properties.none());
    CheckpointData small = CheckpointData.of(trainable(), frozen(), Optional.empty(), Properties.none());
    assertTrue(small.isEncoded());
    assertArrayEquals(expected, small.bytes());
    assertSame(small.bytes(), small.bytes(), "encoded once");
    CheckpointData lazy = CheckpointData.ofTensors(trainable(), frozen(), Optional.empty(), Properties.none());
    assertFalse(lazy.isEncoded());
    assertArrayEquals(expected, lazy.bytes());
    assertEquals(CheckpointReader.fromBytes(expected).trainable().size(), lazy.contents().trainable().size());
    Path file = dir.resolve("checkpoint");
    lazy.write(file);
    assertArrayEquals(expected, Files.readAllBytes(file), "a small state is written as one file");
    assertFalse(Files.exists(CheckpointWriter.externalDataPath(file)));
  }
}
