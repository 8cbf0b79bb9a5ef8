package dev.loca.graph.artifacts;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * {@code frozen_params}, even when empty) and its nominal flag left false; tensors sorted by name, as ORT
 * sorts them, each with name, dims, data type and little-endian {@code raw_data} aligned to 16 bytes;
 * when an optimizer state is given, the single optimizer group {@code group0} with the step, the initial
 * learning rate and, per trainable parameter, the tensors {@code momentum0} and {@code momentum1}; and
 * the property bag, each kind sorted by name. The same inputs always give the same bytes.
 *
 * <p>The trainable set must equal the parameter inputs of the training graph, and every frozen tensor
 * must be a graph input too (ORT fails at session creation otherwise); this writer cannot check that, the
 * packager does.
 *
 * <p><b>Large states.</b> A flatbuffer holds at most 2 GiB, so {@link #toBytes} refuses larger states. The
 * file writers can use ORT's external-data layout instead (see {@link ExternalData}): the flatbuffer sets
 * {@code ModuleState.has_external_data}, and every tensor carries {@code external_data_offset} instead of
 * {@code raw_data}, its bytes living at that offset in the side file {@link #externalDataPath} ({@code
 * <checkpoint>.data}, no header), each tensor aligned to 4 bytes (8 for int64 and float64) with zero
 * padding, in flatbuffer order: trainable parameters, frozen parameters, then {@code momentum0} and {@code
 * momentum1} of each trainable parameter. That is ORT 1.24's convention: its {@code SaveCheckpoint} of a
 * state with external data writes the parameters exactly so (it keeps the moments inline, which would not
 * fit for a large state; its loader reads any tensor with an offset from the side file, moments included,
 * which the integration tests check). ORT loads such a pair with {@code LoadCheckpoint(path)} only, not
 * from a buffer.
 */
public final class CheckpointWriter {
  /** Stay clear of the 2 GiB flatbuffer and Java array limits, leaving room for the tables. */
  static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - (64L << 20);

  /**
   * Bytes of tensors above which {@link ExternalData#AUTO} moves the tensors to the side file: 1800
   * MiB, well under the 2 GiB a flatbuffer can hold.
   */
  public static final long EXTERNAL_DATA_THRESHOLD = 1800L << 20;

  /** Whether the file writers put the tensors' bytes in the external data file. */
  public enum ExternalData {
    /** Only when the state holds more than {@link #EXTERNAL_DATA_THRESHOLD} bytes of tensors. */
    AUTO,
    /** Always, however small the state (for tests, and for callers that want the two-file layout). */
    ALWAYS,
    /** Never: one self-contained file, refused over the flatbuffer limit as {@link #toBytes} does. */
    NEVER
  }

  private CheckpointWriter() {}

  /**
   * Encodes a checkpoint as one self-contained flatbuffer.
   *
   * @param trainable parameters that the optimizer updates, in any order
   * @param frozen parameters that are fed but never updated, in any order
   * @param optimizer the optimizer state, or empty for none (ORT then starts at step 0 with zero moments)
   * @param properties the property bag
   * @return the flatbuffer bytes
   * @throws IllegalArgumentException for a duplicate name, moments that do not match the trainable
   *     parameters, a STRING tensor, or a state over the 2 GiB flatbuffer limit (write such a state to a
   *     file with {@link #write}, which moves it to an external data file)
   */
  public static byte[] toBytes(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties) {
    Plan plan = plan(trainable, frozen, optimizer, properties);
    if (plan.tensorBytes > MAX_TENSOR_BYTES) {
      throw new IllegalArgumentException(
          "checkpoint would hold " + plan.tensorBytes + " bytes of tensors, over the 2 GiB a flatbuffer can hold;"
              + " write it to a file with CheckpointWriter.write, which puts the tensors in an external data file");
    }
    return encode(plan, null);
  }

  /**
   * The number of bytes of tensor data a checkpoint of these tensors holds (parameters and, when given,
   * both moments of every trainable parameter), after the same checks as {@link #toBytes}.
   */
  public static long tensorBytes(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties) {
    return plan(trainable, frozen, optimizer, properties).tensorBytes;
  }

  /** The external data file that goes with {@code checkpoint}: the same path with {@code .data} appended. */
  public static Path externalDataPath(Path checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    return checkpoint.resolveSibling(checkpoint.getFileName() + Odtc.EXTERNAL_DATA_SUFFIX);
  }

  /**
   * Writes a checkpoint to {@code file}, with {@link ExternalData#AUTO}: a state of more than {@link
   * #EXTERNAL_DATA_THRESHOLD} bytes of tensors goes to {@code file} plus {@link #externalDataPath}.
   *
   * @see #write(List, List, Optional, Properties, Path, ExternalData)
   */
  public static void write(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties,
      Path file) {
    write(trainable, frozen, optimizer, properties, file, ExternalData.AUTO);
  }

  /**
   * Encodes a checkpoint (see {@link #toBytes}) and writes it to {@code file}, each file to a temporary
   * file in the same folder first, flushed to disk, then moved into place atomically, so that a crash
   * never leaves a half-written file under a final name. With external data the side file {@link
   * #externalDataPath} is moved into place first, so that the flatbuffer that refers to it never appears
   * before it is complete; a single-file checkpoint removes a side file left by an earlier external-data
   * checkpoint at the same path once it is in place. Missing parent folders are created.
   *
   * @param external whether to move the tensors to the external data file
   * @throws IllegalArgumentException as {@link #toBytes} (with external data, whatever the size)
   * @throws CheckpointException if a file cannot be written (the message names it)
   */
  public static void write(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Properties properties,
      Path file,
      ExternalData external) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(external, "external");
    Plan plan = plan(trainable, frozen, optimizer, properties);
    boolean useExternal = usesExternalData(external, plan.tensorBytes);
    Path target = file.toAbsolutePath();
    Path dataFile = externalDataPath(target);
    if (!useExternal) {
      if (plan.tensorBytes > MAX_TENSOR_BYTES) {
        throw new IllegalArgumentException(
            "checkpoint would hold " + plan.tensorBytes + " bytes of tensors, over the 2 GiB a flatbuffer can"
                + " hold; write it with external data");
      }
      writeAtomically(encode(plan, null), target);
      removeStale(dataFile, target);
      return;
    }
    createParent(target);
    Path dataTmp = dataFile.resolveSibling(dataFile.getFileName() + ".tmp");
    byte[] bytes;
    try {
      try (ExternalSink sink = new ExternalSink(dataTmp)) {
        bytes = encode(plan, sink);
        sink.finish();
      }
      Files.move(dataTmp, dataFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | UncheckedIOException e) {
      deleteQuietly(dataTmp);
      throw new CheckpointException("cannot write checkpoint data file " + dataFile + ": " + e, e);
    }
    writeAtomically(bytes, target);
  }

  /** Whether {@code mode} puts a state of {@code tensorBytes} bytes of tensors in an external data file. */
  static boolean usesExternalData(ExternalData mode, long tensorBytes) {
    return switch (mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> tensorBytes > EXTERNAL_DATA_THRESHOLD;
    };
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
      deleteQuietly(tmp);
      throw new CheckpointException("cannot write checkpoint to " + target + ": " + e, e);
    }
  }

  private static void createParent(Path target) {
    Path dir = target.getParent();
    if (dir == null) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CheckpointException("cannot write checkpoint to " + target + ": " + e, e);
    }
  }

  /** Removes the side file of an earlier external-data checkpoint that {@code target} has replaced. */
  static void removeStale(Path dataFile, Path target) {
    try {
      if (Files.deleteIfExists(dataFile)) {
        syncDirectory(target.getParent());
      }
    } catch (IOException e) {
      throw new CheckpointException(
          "wrote checkpoint " + target + " but cannot remove the stale external data file " + dataFile + ": " + e,
          e);
    }
  }

  private static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // the original failure is the one to report
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

  /**
   * Appends tensor bytes to the external data file as ORT's {@code WriteToExternalFileHelper} does: each
   * tensor starts at a multiple of 4 bytes (8 for int64 and float64), the gap filled with zeros.
   */
  private static final class ExternalSink implements AutoCloseable {
    private final FileChannel out;
    private long position;

    ExternalSink(Path file) throws IOException {
      out =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** Writes the tensor's bytes and returns the offset they start at. */
    long append(TensorData data) {
      try {
        int alignment = externalAlignment(data.dtype());
        long padding = (alignment - position % alignment) % alignment;
        if (padding > 0) {
          writeFully(ByteBuffer.allocate((int) padding));
          position += padding;
        }
        long offset = position;
        ByteBuffer raw = data.rawBuffer();
        position += raw.remaining();
        writeFully(raw);
        return offset;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void writeFully(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        out.write(b);
      }
    }

    void finish() throws IOException {
      out.force(true);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** ORT 1.24 aligns external tensor data to 8 bytes for int64 and float64 and to 4 bytes otherwise. */
  static int externalAlignment(DataType dtype) {
    return dtype == DataType.INT64 || dtype == DataType.DOUBLE ? 8 : 4;
  }

  // ---- planning ----------------------------------------------------------------------------------

  /** Validated, sorted inputs and their sizes. */
  private record Plan(
      List<NamedTensor> trainable,
      List<NamedTensor> frozen,
      Optional<OptimizerState> optimizer,
      Map<String, TensorData[]> moments,
      Properties properties,
      long tensorBytes) {}

  private static Plan plan(
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
    return new Plan(trainableSorted, frozenSorted, optimizer, moments, properties, tensorBytes);
  }

  /** Builds the flatbuffer; with a sink, the tensors' bytes go there and the module state says so. */
  private static byte[] encode(Plan plan, ExternalSink sink) {
    long inline = sink == null ? plan.tensorBytes : 0;
    int tensorCount = plan.trainable.size() + plan.frozen.size() + 2 * plan.moments.size();
    long initial = Math.min(Integer.MAX_VALUE - 8L, inline + 1024L + 256L * tensorCount);
    FlatBufferBuilder b = new FlatBufferBuilder((int) initial);

    int trainableVector = tensorVector(b, plan.trainable, sink);
    int frozenVector = tensorVector(b, plan.frozen, sink);
    b.startTable(Odtc.MODULE_FIELDS);
    b.addOffset(Odtc.MODULE_REQUIRES_GRAD, trainableVector, 0);
    b.addOffset(Odtc.MODULE_FROZEN, frozenVector, 0);
    b.addBoolean(Odtc.MODULE_HAS_EXTERNAL_DATA, sink != null, false);
    int moduleState = b.endTable();

    int groups = plan.optimizer.isPresent() ? optimizerGroups(b, plan.optimizer.get(), plan.moments, sink) : 0;
    int bag = plan.properties.isEmpty() ? 0 : propertyBag(b, plan.properties);

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

  /** Adds the tensors in order. With a sink, each one is appended to it, in this order, and refers to it. */
  private static int tensorVector(FlatBufferBuilder b, List<NamedTensor> tensors, ExternalSink sink) {
    int[] offsets = new int[tensors.size()];
    for (int i = 0; i < offsets.length; i++) {
      TensorData data = tensors.get(i).data();
      long external = sink != null ? sink.append(data) : -1;
      offsets[i] = tensor(b, tensors.get(i).name(), data, external);
    }
    return b.createVectorOfTables(offsets);
  }

  private static int tensor(FlatBufferBuilder b, String name, TensorData data, long externalOffset) {
    int nameOffset = b.createString(name);
    long[] dims = data.dims();
    b.startVector(Long.BYTES, dims.length, Long.BYTES);
    for (int i = dims.length - 1; i >= 0; i--) {
      b.addLong(dims[i]);
    }
    int dimsOffset = b.endVector();
    int rawOffset = 0;
    if (externalOffset < 0) {
      ByteBuffer raw = data.rawBuffer();
      b.createUnintializedVector(1, raw.remaining(), Odtc.RAW_DATA_ALIGNMENT).put(raw);
      rawOffset = b.endVector();
    }
    b.startTable(Odtc.TENSOR_FIELDS);
    b.addOffset(Odtc.TENSOR_NAME, nameOffset, 0);
    b.addOffset(Odtc.TENSOR_DIMS, dimsOffset, 0);
    b.addInt(Odtc.TENSOR_DATA_TYPE, data.dtype().onnxCode(), 0);
    if (externalOffset < 0) {
      b.addOffset(Odtc.TENSOR_RAW_DATA, rawOffset, 0);
    } else {
      b.addLong(Odtc.TENSOR_EXTERNAL_DATA_OFFSET, externalOffset, -1L);
    }
    return b.endTable();
  }

  private static int optimizerGroups(
      FlatBufferBuilder b, OptimizerState state, Map<String, TensorData[]> moments, ExternalSink sink) {
    int[] states = new int[moments.size()];
    int i = 0;
    for (Map.Entry<String, TensorData[]> e : moments.entrySet()) {
      int paramName = b.createString(e.getKey());
      int momentums =
          tensorVector(
              b,
              List.of(
                  new NamedTensor(Odtc.FIRST_MOMENT, e.getValue()[0]),
                  new NamedTensor(Odtc.SECOND_MOMENT, e.getValue()[1])),
              sink);
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
