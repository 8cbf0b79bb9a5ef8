package dev.loca.graph.artifacts;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads ONNX Runtime training checkpoints (the "ODTC" flatbuffer, version 2): the ones {@link
 * CheckpointWriter} writes and the ones ORT saves with {@code SaveCheckpoint}, so that their tensors,
 * optimizer state and properties can be inspected in Java.
 *
 * <p>The optimizer state returned is that of group {@code group0}, the only group ORT uses; other groups
 * are ignored, as ORT ignores them. A checkpoint with external data ({@code ModuleState.has_external_data})
 * is read from its file together with the side file {@link CheckpointWriter#externalDataPath} ({@code
 * <file>.data}), as ORT reads it; from bytes alone it is rejected, as ORT's {@code
 * LoadCheckpointFromBuffer} rejects it. Checkpoints with a nominal state are rejected, as are files that
 * are not ODTC version 2. Every error names the file and what was expected.
 */
public final class CheckpointReader {
  private static final String IN_MEMORY = "<in-memory checkpoint>";

  private CheckpointReader() {}

  /**
   * Reads the checkpoint file at {@code file}, and its external data file when it has one.
   *
   * @throws CheckpointException if the file is missing or unreadable, is not an ODTC checkpoint, has a
   *     version other than 2, or is corrupt, or if its external data file is missing or too short
   */
  public static CheckpointContents read(Path file) {
    Objects.requireNonNull(file, "file");
    Path path = file.toAbsolutePath();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint file not found: " + path, e);
    } catch (IOException | OutOfMemoryError e) {
      throw new CheckpointException("cannot read checkpoint " + path + ": " + e, e);
    }
    return parse(bytes, path.toString(), CheckpointWriter.externalDataPath(path));
  }

  /**
   * Reads a checkpoint held in memory.
   *
   * @throws CheckpointException if the bytes are not an ODTC version 2 checkpoint or are corrupt, or keep
   *     their tensors in an external data file (read those with {@link #read(Path)})
   */
  public static CheckpointContents fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return parse(bytes, IN_MEMORY, null);
  }

  private static CheckpointContents parse(byte[] bytes, String source, Path dataFile) {
    try (Flat f = new Flat(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), source, dataFile)) {
      return f.checkpoint();
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new CheckpointException(
          "checkpoint " + source + " is truncated or corrupt (" + e.getMessage() + ")", e);
    }
  }

  /** Minimal flatbuffer walker over little-endian bytes, with bounds checks on every access. */
  private static final class Flat implements AutoCloseable {
    private final ByteBuffer bb;
    private final String source;
    /** Where the external data would be; null for bytes without a file. */
    private final Path dataFile;
    /** Open once the module state says the checkpoint has external data. */
    private FileChannel data;
    private long dataSize;

    Flat(ByteBuffer bb, String source, Path dataFile) {
      this.bb = bb;
      this.source = source;
      this.dataFile = dataFile;
    }

    @Override
    public void close() {
      if (data != null) {
        try {
          data.close();
        } catch (IOException ignored) {
          // read-only: nothing was lost
        }
      }
    }

    private void openExternalData() {
      if (dataFile == null) {
        throw new CheckpointException(
            "checkpoint " + source + " keeps its tensors in an external data file, which bytes alone cannot"
                + " reach; read it from its file with CheckpointReader.read(path)");
      }
      try {
        data = FileChannel.open(dataFile, StandardOpenOption.READ);
        dataSize = data.size();
      } catch (NoSuchFileException e) {
        throw new CheckpointException(
            "checkpoint " + source + " keeps its tensors in an external data file, which is missing: " + dataFile,
            e);
      } catch (IOException e) {
        throw new CheckpointException("cannot read checkpoint data file " + dataFile + ": " + e, e);
      }
    }

    private byte[] externalBytes(long offset, long length, String label) {
      if (data == null) {
        throw new CheckpointException(
            "checkpoint " + source + ": " + label + " refers to external data, but the checkpoint does not say"
                + " it has an external data file");
      }
      if (length > Integer.MAX_VALUE - 8) {
        throw new CheckpointException(
            "checkpoint " + source + ": " + label + " has " + length + " bytes, more than one array can hold");
      }
      if (offset + length > dataSize) {
        throw new CheckpointException(
            "checkpoint data file " + dataFile + " has " + dataSize + " bytes; " + label + " needs bytes "
                + offset + " to " + (offset + length) + " (truncated or not this checkpoint's data)");
      }
      ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(length));
      try {
        while (out.hasRemaining()) {
          int n = data.read(out, offset + out.position());
          if (n < 0) {
            throw new IOException("end of file at " + (offset + out.position()));
          }
        }
      } catch (IOException e) {
        throw new CheckpointException("cannot read checkpoint data file " + dataFile + ": " + e, e);
      }
      return out.array();
    }

    CheckpointContents checkpoint() {
      if (bb.limit() < 8) {
        throw new CheckpointException(
            "checkpoint " + source + " has " + bb.limit() + " bytes, too few for an ODTC flatbuffer");
      }
      byte[] id = new byte[4];
      bb.get(4, id);
      String identifier = new String(id, StandardCharsets.ISO_8859_1);
      if (!identifier.equals(Odtc.FILE_IDENTIFIER)) {
        throw new CheckpointException(
            "checkpoint " + source + " has file identifier " + printable(id) + ", expected \""
                + Odtc.FILE_IDENTIFIER + "\" (not an ONNX Runtime training checkpoint)");
      }
      int root = indirect(0);
      int version = scalarInt(root, Odtc.CHECKPOINT_VERSION, 0);
      if (version != Odtc.VERSION) {
        throw new CheckpointException(
            "checkpoint " + source + " has version " + version + ", expected " + Odtc.VERSION
                + " (the ODTC version ONNX Runtime 1.24 reads and writes)");
      }
      List<NamedTensor> trainable = List.of();
      List<NamedTensor> frozen = List.of();
      int module = table(root, Odtc.CHECKPOINT_MODULE_STATE);
      if (module != 0) {
        if (scalarBool(module, Odtc.MODULE_IS_NOMINAL)) {
          throw new CheckpointException(
              "checkpoint " + source + " holds a nominal state (tensors without data), which cannot be read");
        }
        if (scalarBool(module, Odtc.MODULE_HAS_EXTERNAL_DATA)) {
          openExternalData();
        }
        trainable = tensors(module, Odtc.MODULE_REQUIRES_GRAD, "trainable parameters");
        frozen = tensors(module, Odtc.MODULE_FROZEN, "frozen parameters");
      }
      Set<String> names = new HashSet<>();
      for (NamedTensor t : trainable) {
        names.add(t.name());
      }
      for (NamedTensor t : frozen) {
        if (!names.add(t.name())) {
          throw new CheckpointException(
              "checkpoint " + source + " has parameter '" + t.name() + "' twice");
        }
      }
      return new CheckpointContents(trainable, frozen, optimizer(root), properties(root));
    }

    private Optional<OptimizerState> optimizer(int root) {
      int groups = field(root, Odtc.CHECKPOINT_OPTIMIZER_GROUPS);
      if (groups == 0) {
        return Optional.empty();
      }
      int vector = indirect(groups);
      int n = length(vector);
      for (int i = 0; i < n; i++) {
        int group = indirect(vector + 4 + 4 * i);
        if (!Odtc.GROUP_NAME.equals(string(group, Odtc.GROUP_NAME_SLOT))) {
          continue;
        }
        long step = scalarLong(group, Odtc.GROUP_STEP);
        float lr = scalarFloat(group, Odtc.GROUP_INITIAL_LR);
        Map<String, TensorData> first = new LinkedHashMap<>();
        Map<String, TensorData> second = new LinkedHashMap<>();
        int states = field(group, Odtc.GROUP_STATES);
        if (states != 0) {
          int statesVector = indirect(states);
          int count = length(statesVector);
          for (int s = 0; s < count; s++) {
            int state = indirect(statesVector + 4 + 4 * s);
            String param = string(state, Odtc.PARAM_STATE_NAME);
            if (param == null) {
              throw new CheckpointException(
                  "checkpoint " + source + ": optimizer state " + s + " of group0 has no parameter name");
            }
            for (NamedTensor m : tensors(state, Odtc.PARAM_STATE_MOMENTUMS, "moments of '" + param + "'")) {
              Map<String, TensorData> target =
                  switch (m.name()) {
                    case Odtc.FIRST_MOMENT -> first;
                    case Odtc.SECOND_MOMENT -> second;
                    default -> throw new CheckpointException(
                        "checkpoint " + source + ": optimizer state of '" + param + "' has tensor '"
                            + m.name() + "', expected " + Odtc.FIRST_MOMENT + " or " + Odtc.SECOND_MOMENT);
                  };
              if (target.put(param, m.data()) != null) {
                throw new CheckpointException(
                    "checkpoint " + source + ": optimizer state of '" + param + "' has " + m.name() + " twice");
              }
            }
          }
        }
        return Optional.of(new OptimizerState(step, lr, first, second));
      }
      return Optional.empty();
    }

    private Properties properties(int root) {
      int bag = table(root, Odtc.CHECKPOINT_PROPERTY_BAG);
      if (bag == 0) {
        return Properties.none();
      }
      Map<String, Long> ints = new LinkedHashMap<>();
      Map<String, Float> floats = new LinkedHashMap<>();
      Map<String, String> strings = new LinkedHashMap<>();
      for (int kind = 0; kind < 3; kind++) {
        int slot = kind == 0 ? Odtc.BAG_INTS : kind == 1 ? Odtc.BAG_FLOATS : Odtc.BAG_STRINGS;
        int vectorField = field(bag, slot);
        if (vectorField == 0) {
          continue;
        }
        int vector = indirect(vectorField);
        int n = length(vector);
        for (int i = 0; i < n; i++) {
          int p = indirect(vector + 4 + 4 * i);
          String name = string(p, Odtc.PROPERTY_NAME);
          if (name == null || name.isEmpty()) {
            throw new CheckpointException("checkpoint " + source + ": a property has no name");
          }
          boolean duplicate =
              ints.containsKey(name) || floats.containsKey(name) || strings.containsKey(name);
          if (duplicate) {
            throw new CheckpointException("checkpoint " + source + ": property '" + name + "' appears twice");
          }
          switch (kind) {
            case 0 -> ints.put(name, scalarLong(p, Odtc.PROPERTY_VALUE));
            case 1 -> floats.put(name, scalarFloat(p, Odtc.PROPERTY_VALUE));
            default -> {
              String value = string(p, Odtc.PROPERTY_VALUE);
              strings.put(name, value == null ? "" : value);
            }
          }
        }
      }
      return new Properties(ints, floats, strings);
    }

    private List<NamedTensor> tensors(int table, int slot, String what) {
      int f = field(table, slot);
      if (f == 0) {
        return List.of();
      }
      int vector = indirect(f);
      int n = length(vector);
      List<NamedTensor> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(tensor(indirect(vector + 4 + 4 * i), what, i));
      }
      return out;
    }

    private NamedTensor tensor(int t, String what, int index) {
      String name = string(t, Odtc.TENSOR_NAME);
      String label = name == null || name.isEmpty() ? what + " #" + index : "tensor '" + name + "'";
      if (name == null || name.isEmpty()) {
        throw new CheckpointException("checkpoint " + source + ": " + label + " has no name");
      }
      int code = scalarInt(t, Odtc.TENSOR_DATA_TYPE, 0);
      DataType dtype;
      try {
        dtype = DataType.fromOnnxCode(code);
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(
            "checkpoint " + source + ": " + label + " has unknown data type " + code, e);
      }
      if (dtype == DataType.STRING || field(t, Odtc.TENSOR_STRING_DATA) != 0) {
        throw new CheckpointException(
            "checkpoint " + source + ": " + label + " holds strings, which are not supported");
      }
      long[] dims = new long[0];
      int dimsField = field(t, Odtc.TENSOR_DIMS);
      if (dimsField != 0) {
        int v = indirect(dimsField);
        dims = new long[length(v)];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = bb.getLong(v + 4 + 8 * i);
          if (dims[i] < 0) {
            throw new CheckpointException(
                "checkpoint " + source + ": " + label + " has negative dimension " + dims[i]);
          }
        }
      }
      Shape shape = Shape.of(dims);
      long expected = shape.elementCount() * dtype.byteSize();
      byte[] raw = new byte[0];
      int externalField = field(t, Odtc.TENSOR_EXTERNAL_DATA_OFFSET);
      long externalOffset = externalField == 0 ? -1 : bb.getLong(externalField);
      if (externalOffset >= 0) {
        raw = externalBytes(externalOffset, expected, label);
      } else {
        int rawField = field(t, Odtc.TENSOR_RAW_DATA);
        if (rawField != 0) {
          int v = indirect(rawField);
          raw = new byte[length(v)];
          bb.get(v + 4, raw);
        }
      }
      if (raw.length != expected) {
        throw new CheckpointException(
            "checkpoint " + source + ": " + label + " (" + dtype + shape + ") has " + raw.length
                + " bytes of data, expected " + expected);
      }
      return new NamedTensor(name, TensorData.ofRaw(dtype, shape, raw));
    }

    // ---- flatbuffer primitives ---------------------------------------------------------------------

    /** Absolute position of the field, or 0 when the table does not have it. */
    private int field(int table, int slot) {
      int vtable = table - bb.getInt(table);
      int vtableSize = Short.toUnsignedInt(bb.getShort(vtable));
      int entry = 4 + 2 * slot;
      if (entry + 2 > vtableSize) {
        return 0;
      }
      int offset = Short.toUnsignedInt(bb.getShort(vtable + entry));
      return offset == 0 ? 0 : table + offset;
    }

    /** Follows the uoffset stored at {@code position}. */
    private int indirect(int position) {
      long target = (long) position + Integer.toUnsignedLong(bb.getInt(position));
      if (target >= bb.limit()) {
        throw new IndexOutOfBoundsException("offset " + target + " past the end at " + bb.limit());
      }
      return (int) target;
    }

    private int table(int table, int slot) {
      int f = field(table, slot);
      return f == 0 ? 0 : indirect(f);
    }

    private int length(int vector) {
      int n = bb.getInt(vector);
      if (n < 0 || (long) vector + 4 + n > bb.limit()) {
        throw new IndexOutOfBoundsException("vector of " + Integer.toUnsignedLong(n) + " at " + vector
            + " past the end at " + bb.limit());
      }
      return n;
    }

    private String string(int table, int slot) {
      int f = field(table, slot);
      if (f == 0) {
        return null;
      }
      int s = indirect(f);
      byte[] utf8 = new byte[length(s)];
      bb.get(s + 4, utf8);
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(utf8))
            .toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("string at " + s + " is not UTF-8", e);
      }
    }

    private int scalarInt(int table, int slot, int defaultValue) {
      int f = field(table, slot);
      return f == 0 ? defaultValue : bb.getInt(f);
    }

    private long scalarLong(int table, int slot) {
      int f = field(table, slot);
      return f == 0 ? 0L : bb.getLong(f);
    }

    private float scalarFloat(int table, int slot) {
      int f = field(table, slot);
      return f == 0 ? 0f : bb.getFloat(f);
    }

    private boolean scalarBool(int table, int slot) {
      int f = field(table, slot);
      return f != 0 && bb.get(f) != 0;
    }

    private static String printable(byte[] id) {
      StringBuilder s = new StringBuilder("\"");
      for (byte b : id) {
        int c = b & 0xff;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
          s.append((char) c);
        } else {
          s.append(String.format("\\x%02x", c));
        }
      }
      return s.append('"').toString();
    }
  }
}
