package dev.loca.train.pretrain;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableMap;
import com.google.common.io.LittleEndianDataInputStream;
import com.google.common.io.LittleEndianDataOutputStream;
import dev.loca.graph.artifacts.CheckpointContents;
import dev.loca.graph.artifacts.NamedTensor;
import dev.loca.runtime.ort.CheckpointState;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.TrainingSession;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EMA teacher's weights as one direct native-order float buffer. Each parameter's slice is wrapped as an
 * {@link OrtTensor} once, without copying, and stays open for the buffer's life: {@link #feeds()} hands them to
 * the teacher's inference session by name, and every {@link #emaUpdate} is visible to the next run.
 *
 * <p>File format of {@link #save}: the ASCII magic {@code LOCAEMA1}, then little-endian int32 parameter count;
 * per parameter an int32 byte length and the UTF-8 name, an int32 rank and int64 dimensions; then an int64 float
 * count and the floats, little-endian.
 */
public final class TeacherBuffer implements AutoCloseable {
  private static final byte[] MAGIC = "LOCAEMA1".getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK_FLOATS = 1 << 18;
  /**
   * Where the buffer and each parameter start: at a cache line, as ORT aligns its own tensors, so that no kernel
   * sees a different alignment from one run to the next.
   */
  private static final int ALIGNMENT_BYTES = 64;
  private static final int ALIGNMENT_FLOATS = ALIGNMENT_BYTES / Float.BYTES;

  private final ParameterLayout layout;
  private final ByteBuffer bytes;
  private final FloatBuffer data;
  private final Map<String, OrtTensor> views;
  private boolean closed;

  private TeacherBuffer(ParameterLayout layout) {
    this.layout = layout;
    int size = Math.multiplyExact(layout.size(), Float.BYTES);
    this.bytes = ByteBuffer.allocateDirect(size + ALIGNMENT_BYTES - 1).alignedSlice(ALIGNMENT_BYTES).limit(size)
        .slice().order(ByteOrder.nativeOrder());
    this.data = bytes.asFloatBuffer();
    ImmutableMap.Builder<String, OrtTensor> v = ImmutableMap.builder();
    for (ParameterLayout.Slot s : layout.slots()) {
      v.put(s.name(), OrtTensor.wrap(slice(s), s.shape()));
    }
    this.views = v.buildOrThrow();
  }

  /** The teacher's initial weights: copies of the student's parameters {@code teacherParameterNames}. */
  public static TeacherBuffer fromCheckpoint(CheckpointContents checkpoint, List<String> teacherParameterNames) {
    Map<String, NamedTensor> byName = new LinkedHashMap<>();
    checkpoint.trainable().forEach(t -> byName.put(t.name(), t));
    checkpoint.frozen().forEach(t -> byName.put(t.name(), t));
    for (String name : teacherParameterNames) {
      if (!byName.containsKey(name)) {
        throw new IllegalArgumentException("the student checkpoint has no parameter '" + name
            + "' that the teacher needs");
      }
    }
    TeacherBuffer b = new TeacherBuffer(ParameterLayout.of(teacherParameterNames, n -> byName.get(n).data().dims(),
        ALIGNMENT_FLOATS));
    for (ParameterLayout.Slot s : b.layout.slots()) {
      b.slice(s).put(byName.get(s.name()).data().toFloats());
    }
    return b;
  }

  /**
   * The teacher's initial weights from a checkpoint state (which, as ORT requires, has an open training session
   * on it).
   */
  public static TeacherBuffer fromCheckpoint(CheckpointState state, List<String> teacherParameterNames) {
    TeacherBuffer b = new TeacherBuffer(ParameterLayout.of(teacherParameterNames, state::parameterShape,
        ALIGNMENT_FLOATS));
    for (ParameterLayout.Slot s : b.layout.slots()) {
      try (OrtTensor t = state.parameter(s.name())) {
        b.slice(s).put(t.floatBuffer());
      }
    }
    return b;
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** Zero-copy tensors over the weights, by parameter name; owned by this buffer, valid until {@link #close}. */
  public Map<String, OrtTensor> feeds() {
    checkOpen();
    return views;
  }

  /** A copy of one parameter's weights. */
  public float[] get(String name) {
    checkOpen();
    ParameterLayout.Slot s = layout.slot(name);
    float[] out = new float[s.length()];
    data.get(s.offset(), out);
    return out;
  }

  /** A copy of all weights, parameter after parameter in layout order, without the alignment gaps. */
  public float[] toArray() {
    checkOpen();
    float[] out = new float[Math.toIntExact(layout.parameterFloats())];
    int at = 0;
    for (ParameterLayout.Slot s : layout.slots()) {
      data.get(s.offset(), out, at, s.length());
      at += s.length();
    }
    return out;
  }

  /** Overwrites all weights from an array laid out as {@link #toArray()} gives it (tests). */
  void overwrite(float[] values) {
    checkOpen();
    Preconditions.checkArgument(values.length == layout.parameterFloats(), "need %s floats, got %s",
        layout.parameterFloats(), values.length);
    int at = 0;
    for (ParameterLayout.Slot s : layout.slots()) {
      data.put(s.offset(), values, at, s.length());
      at += s.length();
    }
  }

  /**
   * θ_t ← m·θ_t + (1 − m)·θ_s in float32 (as the JAX code computes it), reading the student's values from a
   * {@link StudentParameters} copy that the caller has just refreshed.
   */
  public void emaUpdate(StudentParameters student, double momentum) {
    checkMomentum(momentum);
    checkOpen();
    FloatBuffer s = student.values();
    for (ParameterLayout.Slot slot : layout.slots()) {
      ParameterLayout.Slot from = student.layout().slot(slot.name());
      checkSameShape(slot, from);
      blend(slot.offset(), s, from.offset(), slot.length(), momentum);
    }
  }

  /** The same update reading each parameter with {@code GetParameter}: one native copy per parameter. */
  public void emaUpdate(TrainingSession student, double momentum) {
    checkMomentum(momentum);
    checkOpen();
    CheckpointState state = student.checkpointState();
    for (ParameterLayout.Slot slot : layout.slots()) {
      try (OrtTensor t = state.parameter(slot.name())) {
        Preconditions.checkArgument(Arrays.equals(t.shape(), slot.shape()), "student parameter %s has shape %s, "
            + "the teacher's %s", slot.name(), Arrays.toString(t.shape()), Arrays.toString(slot.shape()));
        blend(slot.offset(), t.floatBuffer(), 0, slot.length(), momentum);
      }
    }
  }

  private void blend(int to, FloatBuffer student, int from, int length, double momentum) {
    float keep = (float) momentum;
    float take = (float) (1 - momentum);
    for (int i = 0; i < length; i++) {
      data.put(to + i, data.get(to + i) * keep + student.get(from + i) * take);
    }
  }

  /** Writes the weights to {@code file} atomically (a temporary file, fsync, rename). */
  public void save(Path file) {
    checkOpen();
    Path target = file.toAbsolutePath().normalize();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      if (target.getParent() != null) {
        Files.createDirectories(target.getParent());
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
        LittleEndianDataOutputStream out = new LittleEndianDataOutputStream(new BufferedOutputStream(raw, 1 << 16));
        writeHeader(out);
        byte[] chunk = new byte[CHUNK_FLOATS * Float.BYTES];
        ByteBuffer le = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (ParameterLayout.Slot s : layout.slots()) {
          for (int done = 0; done < s.length(); ) {
            int n = Math.min(CHUNK_FLOATS, s.length() - done);
            le.clear();
            for (int i = 0; i < n; i++) {
              le.putFloat(data.get(s.offset() + done + i));
            }
            out.write(chunk, 0, n * Float.BYTES);
            done += n;
          }
        }
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the teacher weights to " + target + ": " + e.getMessage(), e);
    }
  }

  private void writeHeader(LittleEndianDataOutputStream out) throws IOException {
    out.write(MAGIC);
    out.writeInt(layout.slots().size());
    for (ParameterLayout.Slot s : layout.slots()) {
      byte[] name = s.name().getBytes(StandardCharsets.UTF_8);
      out.writeInt(name.length);
      out.write(name);
      long[] shape = s.shape();
      out.writeInt(shape.length);
      for (long d : shape) {
        out.writeLong(d);
      }
    }
    out.writeLong(layout.parameterFloats());
  }

  /**
   * Reads a file written by {@link #save}; it must hold exactly the parameters {@code expectedNames}, in order.
   *
   * @throws IllegalArgumentException naming the file and what was expected, for a file of another kind or layout
   */
  public static TeacherBuffer load(Path file, List<String> expectedNames) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("teacher file " + file + " not found");
    }
    try (InputStream raw = Files.newInputStream(file)) {
      LittleEndianDataInputStream in = new LittleEndianDataInputStream(new BufferedInputStream(raw, 1 << 16));
      ParameterLayout layout = readHeader(in, file);
      if (!layout.names().equals(expectedNames)) {
        throw new IllegalArgumentException("teacher file " + file + " holds " + layout.names().size()
            + " parameters that are not the " + expectedNames.size() + " the teacher needs (first: "
            + firstDifference(layout.names(), expectedNames) + ")");
      }
      TeacherBuffer b = new TeacherBuffer(layout);
      try {
        b.readFloats(in, file);
      } catch (IOException | RuntimeException e) {
        b.close();
        throw e;
      }
      return b;
    } catch (EOFException e) {
      throw new IllegalArgumentException("teacher file " + file + " is truncated");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read teacher file " + file + ": " + e.getMessage(), e);
    }
  }

  private void readFloats(LittleEndianDataInputStream in, Path file) throws IOException {
    byte[] chunk = new byte[CHUNK_FLOATS * Float.BYTES];
    ByteBuffer le = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (ParameterLayout.Slot s : layout.slots()) {
      for (int done = 0; done < s.length(); ) {
        int n = Math.min(CHUNK_FLOATS, s.length() - done);
        in.readFully(chunk, 0, n * Float.BYTES);
        le.clear();
        for (int i = 0; i < n; i++) {
          data.put(s.offset() + done + i, le.getFloat());
        }
        done += n;
      }
    }
    if (in.read() != -1) {
      throw new IllegalArgumentException("teacher file " + file + " has bytes after its " + layout.parameterFloats()
          + " floats");
    }
  }

  private static ParameterLayout readHeader(LittleEndianDataInputStream in, Path file) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IllegalArgumentException("teacher file " + file + " does not start with "
          + new String(MAGIC, StandardCharsets.US_ASCII) + " (not a file written by TeacherBuffer.save)");
    }
    int count = in.readInt();
    checkHeader(count >= 0 && count < 1 << 20, file, "parameter count " + count);
    List<String> names = new ArrayList<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      int length = in.readInt();
      checkHeader(length > 0 && length < 1 << 16, file, "name length " + length);
      byte[] name = new byte[length];
      in.readFully(name);
      int rank = in.readInt();
      checkHeader(rank >= 0 && rank <= 16, file, "rank " + rank);
      long[] shape = new long[rank];
      for (int d = 0; d < rank; d++) {
        shape[d] = in.readLong();
        checkHeader(shape[d] >= 0, file, "dimension " + shape[d]);
      }
      String n = new String(name, StandardCharsets.UTF_8);
      names.add(n);
      shapes.put(n, shape);
    }
    checkHeader(shapes.size() == names.size(), file, "repeated parameter names");
    ParameterLayout layout = ParameterLayout.of(names, shapes::get, ALIGNMENT_FLOATS);
    long floats = in.readLong();
    checkHeader(floats == layout.parameterFloats(), file, "float count " + floats + " where the shapes give "
        + layout.parameterFloats());
    return layout;
  }

  private static void checkHeader(boolean ok, Path file, String what) {
    if (!ok) {
      throw new IllegalArgumentException("teacher file " + file + " has a bad header: " + what);
    }
  }

  private static String firstDifference(List<String> got, List<String> expected) {
    for (int i = 0; i < Math.min(got.size(), expected.size()); i++) {
      if (!got.get(i).equals(expected.get(i))) {
        return "#" + i + " is " + got.get(i) + ", expected " + expected.get(i);
      }
    }
    return got.size() > expected.size() ? "extra " + got.get(expected.size())
        : "missing " + expected.get(got.size());
  }

  private FloatBuffer slice(ParameterLayout.Slot s) {
    return data.slice(s.offset(), s.length());
  }

  private static void checkSameShape(ParameterLayout.Slot teacher, ParameterLayout.Slot student) {
    Preconditions.checkArgument(Arrays.equals(teacher.shape(), student.shape()), "student parameter %s has shape "
        + "%s, the teacher's %s", teacher.name(), Arrays.toString(student.shape()), Arrays.toString(teacher.shape()));
  }

  private static void checkMomentum(double momentum) {
    Preconditions.checkArgument(momentum >= 0 && momentum <= 1, "EMA momentum must be in [0, 1], got %s", momentum);
  }

  private void checkOpen() {
    Preconditions.checkState(!closed, "teacher buffer is closed");
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      views.values().forEach(OrtTensor::close);
    }
  }
}
