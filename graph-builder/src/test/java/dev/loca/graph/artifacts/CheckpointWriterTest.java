package dev.loca.graph.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import com.google.flatbuffers.Table;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWriterTest {
  private static final TensorData W = TensorData.ofFloats(new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
  private static final TensorData B = TensorData.ofFloats(new long[] {2}, 0.5f, -0.5f);
  private static final TensorData SHIFT = TensorData.ofFloats(new long[] {2}, 7, 8);

  private static List<NamedTensor> trainable() {
    return List.of(new NamedTensor("layer.weight", W), new NamedTensor("layer.bias", B));
  }

  private static List<NamedTensor> frozen() {
    return List.of(new NamedTensor("shift", SHIFT), new NamedTensor("positions", TensorData.vector(0L, 1L, 2L)));
  }

  private static OptimizerState adam() {
    return new OptimizerState(
        42,
        1e-3f,
        Map.of(
            "layer.weight", TensorData.ofFloats(new long[] {3, 2}, .1f, .2f, .3f, .4f, .5f, .6f),
            "layer.bias", TensorData.ofFloats(new long[] {2}, .7f, .8f)),
        Map.of(
            "layer.weight", TensorData.ofFloats(new long[] {3, 2}, 1.1f, 1.2f, 1.3f, 1.4f, 1.5f, 1.6f),
            "layer.bias", TensorData.ofFloats(new long[] {2}, 1.7f, 1.8f)));
  }

  private static Properties props() {
    return new Properties(
        Map.of("epoch", 3L, "data.position", -12345678901L),
        Map.of("best.loss", 0.25f, "nan", Float.NaN),
        Map.of("run", "loca-ti16", "empty", "", "unicode", "Größe ≥ 16"));
  }

  private static List<NamedTensor> byName(List<NamedTensor> tensors) {
    List<NamedTensor> copy = new ArrayList<>(tensors);
    copy.sort((a, b) -> a.name().compareTo(b.name()));
    return copy;
  }

  @Test
  void roundTripKeepsTensorsOptimizerStateAndProperties() {
    byte[] bytes = CheckpointWriter.toBytes(trainable(), frozen(), Optional.of(adam()), props());
    CheckpointContents back = CheckpointReader.fromBytes(bytes);
    assertEquals(byName(trainable()), back.trainable());
    assertEquals(byName(frozen()), back.frozen());
    assertEquals(Optional.of(adam()), back.optimizer());
    assertEquals(props(), back.properties());
    assertEquals(DataType.INT64, back.tensor("positions").orElseThrow().data().dtype());
    assertEquals(Optional.empty(), back.tensor("nothing"));
  }

  @Test
  void tensorsAreSortedByNameAndBytesAreDeterministic() {
    List<NamedTensor> reversed = new ArrayList<>(trainable());
    Collections.reverse(reversed);
    byte[] a = CheckpointWriter.toBytes(trainable(), frozen(), Optional.of(adam()), props());
    byte[] b = CheckpointWriter.toBytes(reversed, frozen(), Optional.of(adam()), props());
    byte[] c = CheckpointWriter.toBytes(trainable(), frozen(), Optional.of(adam()), props());
    assertArrayEquals(a, b, "input order does not matter");
    assertArrayEquals(a, c, "same inputs, same bytes");
    assertEquals(
        List.of("layer.bias", "layer.weight"),
        CheckpointReader.fromBytes(a).trainable().stream().map(NamedTensor::name).toList());
  }

  @Test
  void namesSortAsOrtSortsThemBytewise() {
    // String.compareTo (UTF-16) puts U+1F600 (a surrogate pair) before U+FF21; std::string order puts it after.
    List<String> names = List.of("b", "a.z", "a", "\uFF21", "\uD83D\uDE00", "B");
    List<NamedTensor> tensors = names.stream().map(n -> new NamedTensor(n, TensorData.scalar(1f))).toList();
    CheckpointContents back =
        CheckpointReader.fromBytes(
            CheckpointWriter.toBytes(tensors, List.of(), Optional.empty(), Properties.none()));
    assertEquals(
        List.of("B", "a", "a.z", "b", "\uFF21", "\uD83D\uDE00"),
        back.trainable().stream().map(NamedTensor::name).toList());
  }

  @Test
  void headerSaysOdtcAndVersionTwo() {
    byte[] bytes = CheckpointWriter.toBytes(trainable(), List.of(), Optional.empty(), Properties.none());
    assertEquals("ODTC", new String(bytes, 4, 4, StandardCharsets.US_ASCII));
    Raw root = Raw.root(bytes);
    assertEquals(2, root.intField(0));
    Raw module = root.table(1);
    assertTrue(module.has(0), "requires_grad_params present");
    assertTrue(module.has(1), "frozen_params present even when empty");
    assertEquals(0, module.vectorLength(1));
    assertFalse(module.has(2), "is_nominal_state left false");
    assertFalse(module.has(3), "has_external_data left false");
    assertFalse(root.has(2), "no optimizer groups without an optimizer state");
    assertFalse(root.has(3), "no property bag without properties");
  }

  @Test
  void emptyCheckpointStillHasBothModuleVectors() {
    byte[] bytes = CheckpointWriter.toBytes(List.of(), List.of(), Optional.empty(), Properties.none());
    Raw module = Raw.root(bytes).table(1);
    assertTrue(module.has(0) && module.has(1));
    CheckpointContents back = CheckpointReader.fromBytes(bytes);
    assertEquals(List.of(), back.trainable());
    assertEquals(List.of(), back.frozen());
    assertEquals(Optional.empty(), back.optimizer());
    assertEquals(Properties.none(), back.properties());
  }

  @Test
  void rawDataIsAlignedTo16() {
    // Odd-sized names and tensors push the data around; every raw_data must still start on 16 bytes.
    List<NamedTensor> tensors = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      float[] values = new float[i];
      for (int k = 0; k < i; k++) {
        values[k] = 1000 * i + k + 0.5f;
      }
      tensors.add(new NamedTensor("t" + "x".repeat(i), TensorData.ofFloats(new long[] {i}, values)));
    }
    tensors.add(new NamedTensor("bytes", TensorData.ofRaw(DataType.UINT8, Shape.of(3), new byte[] {9, 8, 7})));
    byte[] bytes = CheckpointWriter.toBytes(tensors, List.of(), Optional.of(adamFor(tensors)), props());
    assertEquals(0, bytes.length % 16, "total size is a multiple of the largest alignment");
    for (NamedTensor t : tensors) {
      int at = indexOf(bytes, t.data().rawBytes());
      assertTrue(at >= 0, t.name());
      assertEquals(0, at % 16, "raw_data of " + t.name() + " starts at " + at);
    }
  }

  private static OptimizerState adamFor(List<NamedTensor> tensors) {
    Map<String, TensorData> m = new java.util.HashMap<>();
    for (NamedTensor t : tensors) {
      m.put(t.name(), TensorData.ofRaw(t.data().dtype(), t.data().shape(), new byte[t.data().byteSize()]));
    }
    return new OptimizerState(1, 0.1f, m, Map.of());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void optimizerGroupIsGroup0WithMomentumNames() {
    byte[] bytes = CheckpointWriter.toBytes(trainable(), List.of(), Optional.of(adam()), Properties.none());
    Raw root = Raw.root(bytes);
    assertEquals(1, root.vectorLength(2));
    Raw group = root.vectorTable(2, 0);
    assertEquals("group0", group.string(0));
    assertEquals(42L, group.longField(1));
    assertEquals(1e-3f, group.floatField(2));
    Raw state = group.vectorTable(3, 0);
    assertEquals("layer.bias", state.string(0));
    assertEquals("momentum0", state.vectorTable(1, 0).string(0));
    assertEquals("momentum1", state.vectorTable(1, 1).string(0));
  }

  @Test
  void oneMissingMomentMapIsWrittenAsZeros() {
    OptimizerState sgd =
        new OptimizerState(5, 0.5f, adam().firstMoments(), Map.of());
    CheckpointContents back =
        CheckpointReader.fromBytes(
            CheckpointWriter.toBytes(trainable(), List.of(), Optional.of(sgd), Properties.none()));
    OptimizerState s = back.optimizer().orElseThrow();
    assertEquals(adam().firstMoments(), s.firstMoments());
    assertEquals(
        Map.of(
            "layer.weight", TensorData.filled(DataType.FLOAT, Shape.of(3, 2), 0),
            "layer.bias", TensorData.filled(DataType.FLOAT, Shape.of(2), 0)),
        s.secondMoments());
  }

  @Test
  void stepWithoutMomentsHasNoParameterStates() {
    OptimizerState bare = OptimizerState.withoutMoments(7, 0.01f);
    byte[] bytes = CheckpointWriter.toBytes(trainable(), List.of(), Optional.of(bare), Properties.none());
    assertEquals(0, Raw.root(bytes).vectorTable(2, 0).vectorLength(3));
    assertEquals(Optional.of(bare), CheckpointReader.fromBytes(bytes).optimizer());
    OptimizerState zero = OptimizerState.withoutMoments(0, 0f);
    assertEquals(
        Optional.of(zero),
        CheckpointReader.fromBytes(
                CheckpointWriter.toBytes(trainable(), List.of(), Optional.of(zero), Properties.none()))
            .optimizer(),
        "default-valued fields read back as their defaults");
  }

  @Test
  void momentsMustMatchTheTrainableParameters() {
    Map<String, TensorData> onlyWeight = Map.of("layer.weight", W);
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointWriter.toBytes(
                trainable(), List.of(), Optional.of(new OptimizerState(0, 0, onlyWeight, Map.of())),
                Properties.none()));
    assertEquals(
        "first moments (momentum0) miss trainable parameter 'layer.bias'; give moments for every trainable"
            + " parameter or for none (ORT then starts them at zero)",
        missing.getMessage());
    Map<String, TensorData> extra = Map.of("layer.weight", W, "layer.bias", B, "shift", SHIFT);
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointWriter.toBytes(
                trainable(), frozen(), Optional.of(new OptimizerState(0, 0, Map.of(), extra)),
                Properties.none()));
    assertEquals(
        "second moments (momentum1) are given for 'shift', which is not a trainable parameter",
        unknown.getMessage());
    Map<String, TensorData> wrongShape =
        Map.of("layer.weight", W, "layer.bias", TensorData.ofFloats(new long[] {1, 2}, 1, 2));
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointWriter.toBytes(
                trainable(), List.of(), Optional.of(new OptimizerState(0, 0, wrongShape, Map.of())),
                Properties.none()));
    assertEquals(
        "first moment of 'layer.bias' is float32[1,2], expected the parameter's float32[2]", shape.getMessage());
  }

  @Test
  void duplicateAndOverlappingNamesAreRejected() {
    List<NamedTensor> twice = List.of(new NamedTensor("w", W), new NamedTensor("w", W));
    IllegalArgumentException dup =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointWriter.toBytes(twice, List.of(), Optional.empty(), Properties.none()));
    assertEquals("trainable tensor 'w' is given twice", dup.getMessage());
    IllegalArgumentException both =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointWriter.toBytes(
                List.of(new NamedTensor("w", W)), List.of(new NamedTensor("w", W)), Optional.empty(),
                Properties.none()));
    assertEquals(
        "tensor 'w' is both trainable and frozen; a parameter is one or the other", both.getMessage());
    IllegalArgumentException prop =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Properties(Map.of("epoch", 1L), Map.of("epoch", 1f), Map.of()));
    assertEquals(
        "checkpoint property 'epoch' is given with two types; a name holds one value", prop.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new NamedTensor("", W));
    assertThrows(IllegalArgumentException.class, () -> OptimizerState.withoutMoments(-1, 0));
  }

  @Test
  void writeIsAtomicAndEqualsToBytes(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("run/ckpt/checkpoint");
    CheckpointWriter.write(trainable(), frozen(), Optional.of(adam()), props(), file);
    assertArrayEquals(
        CheckpointWriter.toBytes(trainable(), frozen(), Optional.of(adam()), props()), Files.readAllBytes(file));
    CheckpointWriter.write(trainable(), List.of(), Optional.empty(), Properties.none(), file);
    assertEquals(byName(trainable()), CheckpointReader.read(file).trainable(), "an existing file is replaced");
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
    Path blocked = dir.resolve("plain-file");
    Files.write(blocked, new byte[] {1});
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> CheckpointWriter.write(
                trainable(), List.of(), Optional.empty(), Properties.none(), blocked.resolve("ckpt")));
    assertTrue(e.getMessage().startsWith("cannot write checkpoint to " + blocked.resolve("ckpt")), e.getMessage());
  }

  @Test
  void wrongIdentifierIsRejectedNamingTheFile(@TempDir Path dir) throws IOException {
    byte[] bytes = CheckpointWriter.toBytes(trainable(), List.of(), Optional.empty(), Properties.none());
    System.arraycopy("ORTM".getBytes(StandardCharsets.US_ASCII), 0, bytes, 4, 4);
    Path file = Files.write(dir.resolve("model.ort"), bytes);
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(file));
    assertEquals(
        "checkpoint " + file.toAbsolutePath() + " has file identifier \"ORTM\", expected \"ODTC\""
            + " (not an ONNX Runtime training checkpoint)",
        e.getMessage());
    Path onnx = Files.write(dir.resolve("x.onnx"), new byte[] {8, 8, 18, 3, 'o', 'r', 't', 0, 1, 2});
    CheckpointException binary = assertThrows(CheckpointException.class, () -> CheckpointReader.read(onnx));
    assertTrue(binary.getMessage().contains("has file identifier \"ort\\x00\""), binary.getMessage());
    CheckpointException tiny =
        assertThrows(CheckpointException.class, () -> CheckpointReader.fromBytes(new byte[] {1, 2, 3}));
    assertEquals(
        "checkpoint <in-memory checkpoint> has 3 bytes, too few for an ODTC flatbuffer", tiny.getMessage());
  }

  @Test
  void otherVersionsAreRejectedNamingTheFile(@TempDir Path dir) throws IOException {
    for (int version : new int[] {1, 3, 0}) {
      Path file = Files.write(dir.resolve("v" + version), checkpointWithVersion(version));
      CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(file));
      assertEquals(
          "checkpoint " + file.toAbsolutePath() + " has version " + version
              + ", expected 2 (the ODTC version ONNX Runtime 1.24 reads and writes)",
          e.getMessage());
    }
    assertEquals(List.of(), CheckpointReader.fromBytes(checkpointWithVersion(2)).trainable());
  }

  @Test
  void missingAndCorruptFilesAreNamed(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nope.ckpt");
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(missing));
    assertEquals("checkpoint file not found: " + missing.toAbsolutePath(), e.getMessage());
    byte[] good = CheckpointWriter.toBytes(trainable(), frozen(), Optional.of(adam()), props());
    byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
    Path truncated = Files.write(dir.resolve("cut.ckpt"), cut);
    CheckpointException corrupt = assertThrows(CheckpointException.class, () -> CheckpointReader.read(truncated));
    assertTrue(
        corrupt.getMessage().startsWith("checkpoint " + truncated.toAbsolutePath() + " is truncated or corrupt"),
        corrupt.getMessage());
  }

  private static byte[] checkpointWithVersion(int version) {
    FlatBufferBuilder b = new FlatBufferBuilder(64);
    int empty = b.createVectorOfTables(new int[0]);
    b.startTable(4);
    b.addOffset(0, empty, 0);
    b.addOffset(1, empty, 0);
    int module = b.endTable();
    b.startTable(4);
    b.addInt(0, version, 0);
    b.addOffset(1, module, 0);
    b.finish(b.endTable(), "ODTC");
    return b.sizedByteArray();
  }

  /** flatbuffers-java's own table accessors, to look at the written layout independently of the reader. */
  static final class Raw extends Table {
    static Raw root(byte[] bytes) {
      ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      Raw r = new Raw();
      r.__reset(bb.getInt(0), bb);
      return r;
    }

    private Raw at(int position) {
      Raw r = new Raw();
      r.__reset(position, bb);
      return r;
    }

    boolean has(int slot) {
      return __offset(4 + 2 * slot) != 0;
    }

    int intField(int slot) {
      int o = __offset(4 + 2 * slot);
      return o == 0 ? 0 : bb.getInt(bb_pos + o);
    }

    long longField(int slot) {
      int o = __offset(4 + 2 * slot);
      return o == 0 ? 0 : bb.getLong(bb_pos + o);
    }

    float floatField(int slot) {
      int o = __offset(4 + 2 * slot);
      return o == 0 ? 0 : bb.getFloat(bb_pos + o);
    }

    String string(int slot) {
      int o = __offset(4 + 2 * slot);
      return o == 0 ? null : __string(bb_pos + o);
    }

    Raw table(int slot) {
      return at(__indirect(bb_pos + __offset(4 + 2 * slot)));
    }

    int vectorLength(int slot) {
      int o = __offset(4 + 2 * slot);
      return o == 0 ? -1 : __vector_len(o);
    }

    Raw vectorTable(int slot, int index) {
      int o = __offset(4 + 2 * slot);
      return at(__indirect(__vector(o) + 4 * index));
    }
  }
}
