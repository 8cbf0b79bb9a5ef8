package dev.loca.graph.artifacts;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes ONNX Runtime training checkpoints: the "ODTC" flatbuffer, version 2, that {@code
 * OrtTrainingApi::LoadCheckpoint} and {@code LoadCheckpointFromBuffer} read (spec §a.4).
 *
 * <p>What is written: the module state with both tensor vectors always present (ORT rejects a missing
 * {@code frozen_params}, even when empty) and its two flags left false; tensors sorted by name, as ORT
 * sorts them, each with name, dims, data type and little-endian {@code raw_data} aligned to 16 bytes;
 * when an optimizer state is given, the single optimizer group {@code group0} with the step, the initial
 * learning rate and, per trainable parameter, the tensors {@code momentum0} and {@code momentum1}; and
 * the property bag, each kind sorted by name. The same inputs always give the same bytes.
 *
 * <p>The trainable set must equal the parameter inputs of the training graph, and every frozen tensor
 * must be a graph input too (ORT fails at session creation otherwise); this writer cannot check that, the
 * packager does. A flatbuffer holds at most 2 GiB, so larger states cannot be written here (ORT's
 * external-data checkpoints are not supported).
 */
public final class CheckpointWriter {
  /** Stay clear of the 2 GiB flatbuffer and Java array limits, leaving room for the tables. */
  static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - (64L << 20);

  private CheckpointWriter() {}

  /**
   * Encodes a checkpoint.
   *
   * @param trainable parameters that the optimizer updates, in any order
   * @param frozen parameters that are fed but never updated, in any order
   * @param optimizer the optimizer state, or empty for none (ORT then starts at step 0 with zero moments)
   * @param properties the property bag
   * @return the flatbuffer bytes
   * @throws IllegalArgumentException for a duplicate name, moments that do not match the trainable
   *     parameters, a STRING tensor, or a state over the 2 GiB flatbuffer limit
   */
  public static byte[] toBytes(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties) {
    Objects.requireNonNull(trainable, "trainable");
    Objects.requireNonNull(frozen, "frozen");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(properties, "properties");
    List<NamedTensor> trainableSorted = sortedUnique(trainable, frozen);
    List<NamedTensor> frozenSorted = sorted(frozen);
    Map<String, TensorData[]> moments =
        optimizer.isPresent() ? moments(trainableSorted, optimizer.get()) : Map.of();

    long tensorBytes = 0;
    for (NamedTensor t : trainableSorted) {
      tensorBytes += t.data().byteSize();
    }
    for (NamedTensor t : frozenSorted) {
      tensorBytes += t.data().byteSize();
    }
    for (TensorData[] m : moments.values()) {
      for (TensorData t : m) {
        tensorBytes += t.byteSize();
      }
    }
    if (tensorBytes > MAX_TENSOR_BYTES) {
      throw new IllegalArgumentException(
          "checkpoint would hold " + tensorBytes + " bytes of tensors, over the 2 GiB a flatbuffer can hold;"
              + " ORT's external-data checkpoints are not supported by this writer");
    }
    int tensorCount = trainableSorted.size() + frozenSorted.size() + 2 * moments.size();
    long initial = Math.min(Integer.MAX_VALUE - 8L, tensorBytes + 1024L + 256L * tensorCount);
    FlatBufferBuilder b = new FlatBufferBuilder((int) initial);

    int trainableVector = tensorVector(b, trainableSorted);
    int frozenVector = tensorVector(b, frozenSorted);
    b.startTable(Odtc.MODULE_FIELDS);
    b.addOffset(Odtc.MODULE_REQUIRES_GRAD, trainableVector, 0);
    b.addOffset(Odtc.MODULE_FROZEN, frozenVector, 0);
    int moduleState = b.endTable();

    int groups = optimizer.isPresent() ? optimizerGroups(b, optimizer.get(), moments) : 0;
    int bag = properties.isEmpty() ? 0 : propertyBag(b, properties);

    b.startTable(Odtc.CHECKPOINT_FIELDS);
    b.addInt(Odtc.CHECKPOINT_VERSION, Odtc.VERSION, 0);
    b.addOffset(Odtc.CHECKPOINT_MODULE_STATE, moduleState, 0);
    if (groups != 0) {
      b.addOffset(Odtc.CHECKPOINT_OPTIMIZER_GROUPS, groups, 0);
    }
    if (bag != 0) {
      b.addOffset(Odtc.CHECKPOINT_PROPERTY_BAG, bag, 0);
    }
    int root = b.endTable();
    b.finish(root, Odtc.FILE_IDENTIFIER);
    return b.sizedByteArray();
  }

  /**
   * Encodes a checkpoint (see {@link #toBytes}) and writes it to {@code file}: to a temporary file in the
   * same folder first, flushed to disk, then moved into place atomically, so that a crash never leaves a
   * half-written checkpoint under the final name. Missing parent folders are created.
   *
   * @throws CheckpointException if the file cannot be written (the message names it)
   */
  public static void write(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties,
      Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes = toBytes(trainable, frozen, optimizer, properties);
    writeAtomically(bytes, file);
  }

  static void writeAtomically(byte[] bytes, Path file) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      try (FileChannel out =
          FileChannel.open(
              tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer data = ByteBuffer.wrap(bytes);
        while (data.hasRemaining()) {
          out.write(data);
        }
        out.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dir);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original failure is the one to report
      }
      throw new CheckpointException("cannot write checkpoint to " + target + ": " + e, e);
    }
  }

  /** Makes the rename durable where the platform allows opening a folder (Linux); a no-op elsewhere. */
  private static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported on this platform or file system: the file itself is already on disk
    }
  }

  // ---- validation --------------------------------------------------------------------------------

  private static List<NamedTensor> sortedUnique(List<NamedTensor> trainable, List<NamedTensor> frozen) {
    Set<String> names = new HashSet<>();
    for (NamedTensor t : trainable) {
      Objects.requireNonNull(t, "trainable tensor");
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("trainable tensor '" + t.name() + "' is given twice");
      }
      checkStorable(t);
    }
    Set<String> frozenNames = new HashSet<>();
    for (NamedTensor t : frozen) {
      Objects.requireNonNull(t, "frozen tensor");
      if (names.contains(t.name())) {
        throw new IllegalArgumentException(
            "tensor '" + t.name() + "' is both trainable and frozen; a parameter is one or the other");
      }
      if (!frozenNames.add(t.name())) {
        throw new IllegalArgumentException("frozen tensor '" + t.name() + "' is given twice");
      }
      checkStorable(t);
    }
    return sorted(trainable);
  }

  private static void checkStorable(NamedTensor t) {
    if (t.data().dtype() == DataType.STRING) {
      throw new IllegalArgumentException("tensor '" + t.name() + "' holds strings; checkpoints hold numbers");
    }
  }

  private static List<NamedTensor> sorted(List<NamedTensor> tensors) {
    List<NamedTensor> copy = new ArrayList<>(tensors);
    copy.sort(Comparator.comparing(NamedTensor::name, CheckpointWriter::compareUtf8));
    return copy;
  }

  /**
   * Orders names as C++ {@code std::string} comparison does (ORT sorts with it): byte-wise on UTF-8,
   * which for Java strings is code-point order.
   */
  static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Per trainable parameter (sorted by name): {momentum0, momentum1}, zero-filled where one map is empty. */
  private static Map<String, TensorData[]> moments(List<NamedTensor> trainable, OptimizerState state) {
    Map<String, TensorData> first = state.firstMoments();
    Map<String, TensorData> second = state.secondMoments();
    if (first.isEmpty() && second.isEmpty()) {
      return Map.of();
    }
    checkCovers(trainable, first, "first moments (momentum0)");
    checkCovers(trainable, second, "second moments (momentum1)");
    Map<String, TensorData[]> result = new TreeMap<>(CheckpointWriter::compareUtf8);
    for (NamedTensor p : trainable) {
      TensorData zeros = null;
      TensorData[] pair = new TensorData[2];
      for (int k = 0; k < 2; k++) {
        Map<String, TensorData> source = k == 0 ? first : second;
        if (source.isEmpty()) {
          if (zeros == null) {
            zeros = TensorData.ofRaw(p.data().dtype(), p.data().shape(), new byte[p.data().byteSize()]);
          }
          pair[k] = zeros;
        } else {
          TensorData m = source.get(p.name());
          if (m.dtype() != p.data().dtype() || !m.shape().equals(p.data().shape())) {
            throw new IllegalArgumentException(
                (k == 0 ? "first" : "second") + " moment of '" + p.name() + "' is " + m.dtype() + m.shape()
                    + ", expected the parameter's " + p.data().dtype() + p.data().shape());
          }
          pair[k] = m;
        }
      }
      result.put(p.name(), pair);
    }
    return result;
  }

  private static void checkCovers(List<NamedTensor> trainable, Map<String, TensorData> moments, String what) {
    if (moments.isEmpty()) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (NamedTensor p : trainable) {
      names.add(p.name());
      if (!moments.containsKey(p.name())) {
        throw new IllegalArgumentException(
            what + " miss trainable parameter '" + p.name() + "'; give moments for every trainable"
                + " parameter or for none (ORT then starts them at zero)");
      }
    }
    for (String name : new TreeMap<>(moments).keySet()) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException(
            what + " are given for '" + name + "', which is not a trainable parameter");
      }
    }
  }

  // ---- encoding ----------------------------------------------------------------------------------

  private static int tensorVector(FlatBufferBuilder b, List<NamedTensor> tensors) {
    int[] offsets = new int[tensors.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = tensor(b, tensors.get(i).name(), tensors.get(i).data());
    }
    return b.createVectorOfTables(offsets);
  }

  private static int tensor(FlatBufferBuilder b, String name, TensorData data) {
    int nameOffset = b.createString(name);
    long[] dims = data.dims();
    b.startVector(Long.BYTES, dims.length, Long.BYTES);
    for (int i = dims.length - 1; i >= 0; i--) {
      b.addLong(dims[i]);
    }
    int dimsOffset = b.endVector();
    ByteBuffer raw = data.rawBuffer();
    b.createUnintializedVector(1, raw.remaining(), Odtc.RAW_DATA_ALIGNMENT).put(raw);
    int rawOffset = b.endVector();
    b.startTable(Odtc.TENSOR_FIELDS);
    b.addOffset(Odtc.TENSOR_NAME, nameOffset, 0);
    b.addOffset(Odtc.TENSOR_DIMS, dimsOffset, 0);
    b.addInt(Odtc.TENSOR_DATA_TYPE, data.dtype().onnxCode(), 0);
    b.addOffset(Odtc.TENSOR_RAW_DATA, rawOffset, 0);
    return b.endTable();
  }

  private static int optimizerGroups(FlatBufferBuilder b, OptimizerState state, Map<String, TensorData[]> moments) {
    int[] states = new int[moments.size()];
    int i = 0;
    for (Map.Entry<String, TensorData[]> e : moments.entrySet()) {
      int paramName = b.createString(e.getKey());
      int momentums =
          tensorVector(
              b,
              List.of(
                  new NamedTensor(Odtc.FIRST_MOMENT, e.getValue()[0]),
                  new NamedTensor(Odtc.SECOND_MOMENT, e.getValue()[1])));
      b.startTable(Odtc.PARAM_STATE_FIELDS);
      b.addOffset(Odtc.PARAM_STATE_NAME, paramName, 0);
      b.addOffset(Odtc.PARAM_STATE_MOMENTUMS, momentums, 0);
      states[i++] = b.endTable();
    }
    int statesVector = b.createVectorOfTables(states);
    int groupName = b.createString(Odtc.GROUP_NAME);
    b.startTable(Odtc.GROUP_FIELDS);
    b.addOffset(Odtc.GROUP_NAME_SLOT, groupName, 0);
    b.addLong(Odtc.GROUP_STEP, state.step(), 0L);
    b.addFloat(Odtc.GROUP_INITIAL_LR, state.initialLearningRate(), 0.0);
    b.addOffset(Odtc.GROUP_STATES, statesVector, 0);
    int group = b.endTable();
    return b.createVectorOfTables(new int[] {group});
  }

  private static int propertyBag(FlatBufferBuilder b, Properties properties) {
    int ints = properties(b, properties.ints(), (bb, v) -> bb.addLong(Odtc.PROPERTY_VALUE, v, 0L));
    int floats = properties(b, properties.floats(), (bb, v) -> bb.addFloat(Odtc.PROPERTY_VALUE, v, 0.0));
    Map<String, String> sortedStrings = new TreeMap<>(CheckpointWriter::compareUtf8);
    sortedStrings.putAll(properties.strings());
    Map<String, Integer> stringValues = new TreeMap<>(CheckpointWriter::compareUtf8);
    for (Map.Entry<String, String> e : sortedStrings.entrySet()) {
      stringValues.put(e.getKey(), b.createString(e.getValue()));
    }
    int strings = properties(b, stringValues, (bb, v) -> bb.addOffset(Odtc.PROPERTY_VALUE, v, 0));
    b.startTable(Odtc.BAG_FIELDS);
    b.addOffset(Odtc.BAG_INTS, ints, 0);
    b.addOffset(Odtc.BAG_FLOATS, floats, 0);
    b.addOffset(Odtc.BAG_STRINGS, strings, 0);
    return b.endTable();
  }

  private interface ValueAdder<V> {
    void add(FlatBufferBuilder b, V value);
  }

  private static <V> int properties(FlatBufferBuilder b, Map<String, V> values, ValueAdder<V> adder) {
    Map<String, V> sorted = new TreeMap<>(CheckpointWriter::compareUtf8);
    sorted.putAll(values);
    int[] tables = new int[sorted.size()];
    int i = 0;
    for (Map.Entry<String, V> e : sorted.entrySet()) {
      int name = b.createString(e.getKey());
      b.startTable(Odtc.PROPERTY_FIELDS);
      b.addOffset(Odtc.PROPERTY_NAME, name, 0);
      adder.add(b, e.getValue());
      tables[i++] = b.endTable();
    }
    return b.createVectorOfTables(tables);
  }
}
