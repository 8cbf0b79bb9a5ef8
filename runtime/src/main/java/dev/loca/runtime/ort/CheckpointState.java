package dev.loca.runtime.ort;

import static org.bytedeco.onnxruntime.global.onnxruntime.OrtFloatProperty;
import static org.bytedeco.onnxruntime.global.onnxruntime.OrtIntProperty;
import static org.bytedeco.onnxruntime.global.onnxruntime.OrtStringProperty;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtCheckpointState;
import org.bytedeco.onnxruntime.OrtTensorTypeAndShapeInfo;
import org.bytedeco.onnxruntime.OrtTrainingApi;
import org.bytedeco.onnxruntime.OrtValue;

/**
 * An ORT training checkpoint state ({@code OrtCheckpointState}): the parameters, the optimizer state and
 * the property bag, loaded with {@link OrtEnvironment#loadCheckpoint(Path)} (or from bytes) and trained
 * by a {@link TrainingSession}.
 *
 * <p><b>Lifetime.</b> A training session keeps a non-owning pointer to its state, so ORT requires the
 * session to be released before the state. This class enforces it: while a session is open on the state,
 * {@link #close()} only marks the state closed (every further call on it throws) and the native state is
 * released when that session closes. A state serves one open session at a time.
 *
 * <p><b>Parameters.</b> Once a session is open, the state's parameters are the session's live weights:
 * {@link #parameter} copies one out and {@link #updateParameter} writes one in, visible to the next
 * step. ORT copies them through the session, so both need an open session; {@link #parameterShape} does
 * not.
 *
 * <p><b>Threads.</b> Calls on a state and on its session are serialised by one lock.
 */
public final class CheckpointState implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtApi api;
  private final OrtTrainingApi training;
  private final String source;
  /** Serialises every native call on this state and on the session that uses it. */
  final Object lock = new Object();
  private OrtCheckpointState handle;
  private TrainingSession user;
  private boolean closed;

  private CheckpointState(OrtEnvironment env, OrtCheckpointState handle, String source) {
    this.env = env;
    this.api = env.api();
    this.training = env.trainingApi();
    this.handle = handle;
    this.source = source;
  }

  /** Loads from a checked file ({@code path}) or from bytes. */
  static CheckpointState load(OrtEnvironment env, Path path, byte[] bytes) {
    OrtApi api = env.api();
    OrtTrainingApi training = env.trainingApi();
    OrtCheckpointState handle = new OrtCheckpointState();
    String source;
    if (path != null) {
      source = path.toString();
      try (BytePointer p = new BytePointer(source, StandardCharsets.UTF_8)) {
        Native.check(api, training.LoadCheckpoint(p, handle), "LoadCheckpoint(" + source + ")");
      }
    } else {
      source = "<in-memory checkpoint, " + bytes.length + " bytes>";
      try (BytePointer data = new BytePointer(bytes)) { // ORT copies the tensors out
        Native.check(
            api,
            training.LoadCheckpointFromBuffer(data, bytes.length, handle),
            "LoadCheckpointFromBuffer(" + source + ")");
      }
    }
    return new CheckpointState(env, handle, source);
  }

  /** Returns where the state came from: the checkpoint file, or a description of the in-memory bytes. */
  public String source() {
    return source;
  }

  /**
   * Saves the state to {@code file} ({@code SaveCheckpoint}): parameters as the open session has trained
   * them, properties, and the optimizer state when {@code includeOptimizerState} is true. ORT writes a
   * temporary file next to {@code file}, which is flushed to disk and then moved into place atomically.
   *
   * <p>A state loaded from a checkpoint with external data (the layout for states over 2 GiB) is saved the
   * same way: ORT writes the parameters to the side file {@code <temporary file>.data}, which is flushed
   * and moved to {@code file + ".data"} before {@code file} itself, so that the checkpoint never appears
   * before its data. A single-file save removes a {@code file + ".data"} left by an earlier save to the
   * same path.
   *
   * <p>ORT does not store the current learning rate (the saved {@code initial_learning_rate} is not used
   * on load): keep it beside the checkpoint and set it on the next session.
   *
   * @throws OrtFailure with ORT's message, or when the file cannot be moved into place
   */
  public void save(Path file, boolean includeOptimizerState) {
    Objects.requireNonNull(file, "file");
    Path target = file.toAbsolutePath().normalize();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    synchronized (lock) {
      checkOpen();
      try {
        if (target.getParent() != null) {
          Files.createDirectories(target.getParent());
        }
      } catch (IOException e) {
        throw OrtFailure.java("cannot create the folder for checkpoint " + target + ": " + e);
      }
      try (BytePointer p = new BytePointer(tmp.toString(), StandardCharsets.UTF_8)) {
        Native.check(
            api, training.SaveCheckpoint(handle, p, includeOptimizerState), "SaveCheckpoint(" + target + ")");
      }
    }
    // ORT names the side file after the path it was given (ExternalCheckpointDataPath: path + ".data")
    Path tmpData = tmp.resolveSibling(tmp.getFileName() + EXTERNAL_DATA_SUFFIX);
    Path targetData = target.resolveSibling(target.getFileName() + EXTERNAL_DATA_SUFFIX);
    boolean external = Files.exists(tmpData);
    try {
      if (external) {
        force(tmpData);
        Files.move(tmpData, targetData, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      force(tmp);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      if (!external) {
        Files.deleteIfExists(targetData); // left by an earlier external-data save to this path: stale
      }
    } catch (IOException e) {
      for (Path p : new Path[] {tmp, tmpData}) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // report the original failure
        }
      }
      throw OrtFailure.java("cannot move saved checkpoint into place at " + target + ": " + e);
    }
  }

  /** The suffix ORT appends to a checkpoint's path to name its external data file. */
  private static final String EXTERNAL_DATA_SUFFIX = ".data";

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  // ---- properties ---------------------------------------------------------------------------------

  /** Adds (or replaces) an int64 property ({@code AddProperty}); it is saved with the checkpoint. */
  public void addProperty(String name, long value) {
    try (LongPointer v = new LongPointer(1)) {
      v.put(value);
      addProperty(name, OrtIntProperty, v);
    }
  }

  /** Adds (or replaces) a float32 property ({@code AddProperty}); it is saved with the checkpoint. */
  public void addProperty(String name, float value) {
    try (FloatPointer v = new FloatPointer(1)) {
      v.put(value);
      addProperty(name, OrtFloatProperty, v);
    }
  }

  /** Adds (or replaces) a string property ({@code AddProperty}); it is saved with the checkpoint. */
  public void addProperty(String name, String value) {
    Objects.requireNonNull(value, "value");
    try (BytePointer v = new BytePointer(value, StandardCharsets.UTF_8)) { // ORT reads a char*
      addProperty(name, OrtStringProperty, v);
    }
  }

  private void addProperty(String name, int type, Pointer value) {
    checkName(name, "property");
    synchronized (lock) {
      checkOpen();
      try (BytePointer n = new BytePointer(name, StandardCharsets.UTF_8)) {
        Native.check(api, training.AddProperty(handle, n, type, value), "AddProperty('" + name + "')");
      }
    }
  }

  /**
   * Returns the int64 property {@code name} ({@code GetProperty}).
   *
   * @throws OrtFailure if there is no such property
   * @throws IllegalArgumentException if the property is a float or a string
   */
  public long longProperty(String name) {
    return (Long) property(name, OrtIntProperty);
  }

  /**
   * Returns the float32 property {@code name} ({@code GetProperty}).
   *
   * @throws OrtFailure if there is no such property
   * @throws IllegalArgumentException if the property is an int or a string
   */
  public float floatProperty(String name) {
    return (Float) property(name, OrtFloatProperty);
  }

  /**
   * Returns the string property {@code name} ({@code GetProperty}).
   *
   * @throws OrtFailure if there is no such property
   * @throws IllegalArgumentException if the property is an int or a float
   */
  public String stringProperty(String name) {
    return (String) property(name, OrtStringProperty);
  }

  private Object property(String name, int wanted) {
    checkName(name, "property");
    Object value;
    int type;
    synchronized (lock) {
      checkOpen();
      try (BytePointer n = new BytePointer(name, StandardCharsets.UTF_8);
          IntPointer typeOut = new IntPointer(1);
          PointerPointer<Pointer> valueOut = Native.nullArray(1)) {
        Native.check(
            api,
            training.GetProperty(handle, n, env.allocator(), typeOut, valueOut),
            "GetProperty('" + name + "', " + source + ")");
        type = typeOut.get();
        Pointer raw = valueOut.get(0); // allocated with our allocator: free it below
        try {
          value =
              switch (type) {
                case OrtIntProperty -> new LongPointer(raw).get();
                case OrtFloatProperty -> new FloatPointer(raw).get();
                case OrtStringProperty -> new BytePointer(raw).getString(StandardCharsets.UTF_8);
                default -> null;
              };
        } finally {
          Native.check(api, api.AllocatorFree(env.allocator(), raw), "AllocatorFree");
        }
      }
    }
    if (type != wanted) {
      throw new IllegalArgumentException(
          "checkpoint property '" + name + "' is " + propertyKind(type) + ", not " + propertyKind(wanted));
    }
    return value;
  }

  private static String propertyKind(int type) {
    return switch (type) {
      case OrtIntProperty -> "an int64";
      case OrtFloatProperty -> "a float32";
      case OrtStringProperty -> "a string";
      default -> "of unknown property type " + type;
    };
  }

  // ---- parameters ---------------------------------------------------------------------------------

  /**
   * Returns a copy of parameter {@code name} ({@code GetParameter}); the caller closes it. Needs an open
   * training session on this state.
   *
   * @throws OrtFailure if there is no such parameter
   * @throws IllegalStateException if no training session is open on this state
   */
  public OrtTensor parameter(String name) {
    checkName(name, "parameter");
    synchronized (lock) {
      checkOpen();
      checkSession("parameter('" + name + "')");
      OrtValue value = new OrtValue();
      try (BytePointer n = new BytePointer(name, StandardCharsets.UTF_8)) {
        Native.check(
            api,
            training.GetParameter(handle, n, env.allocator(), value),
            "GetParameter('" + name + "', " + source + ")");
      }
      return OrtTensor.adopt(api, value, "parameter '" + name + "'");
    }
  }

  /**
   * Overwrites parameter {@code name} with a copy of {@code value} ({@code UpdateParameter}); the next
   * step uses it. Type and shape must match the parameter. Needs an open training session on this state.
   *
   * @throws OrtFailure if there is no such parameter or the type or shape differs
   * @throws IllegalStateException if no training session is open on this state, or {@code value} is closed
   */
  public void updateParameter(String name, OrtTensor value) {
    checkName(name, "parameter");
    Objects.requireNonNull(value, "value");
    synchronized (lock) {
      checkOpen();
      checkSession("updateParameter('" + name + "')");
      if (value.isClosed()) {
        throw new IllegalStateException("updateParameter('" + name + "'): OrtTensor is closed");
      }
      try (BytePointer n = new BytePointer(name, StandardCharsets.UTF_8)) {
        Native.check(
            api,
            training.UpdateParameter(handle, n, value.handle()),
            "UpdateParameter('" + name + "', " + source + ")");
      }
    }
  }

  /**
   * Returns the shape of parameter {@code name} ({@code GetParameterTypeAndShape}).
   *
   * @throws OrtFailure if there is no such parameter
   */
  public long[] parameterShape(String name) {
    checkName(name, "parameter");
    synchronized (lock) {
      checkOpen();
      OrtTensorTypeAndShapeInfo info = new OrtTensorTypeAndShapeInfo();
      try (BytePointer n = new BytePointer(name, StandardCharsets.UTF_8)) {
        Native.check(
            api,
            training.GetParameterTypeAndShape(handle, n, info),
            "GetParameterTypeAndShape('" + name + "', " + source + ")");
      }
      try {
        return Native.readTensorInfo(api, info, false, "parameter '" + name + "'").shape();
      } finally {
        api.ReleaseTensorTypeAndShapeInfo(info);
      }
    }
  }

  // ---- session link and lifetime --------------------------------------------------------------------

  /** The native handle, for creating a session; the caller holds {@link #lock}. */
  OrtCheckpointState handle() {
    checkOpen();
    return handle;
  }

  /** Throws unless a session may be opened on this state; the caller holds {@link #lock}. */
  void checkAttachable() {
    checkOpen();
    if (user != null) {
      throw new IllegalStateException(
          "checkpoint state " + source + " is already used by an open training session;"
              + " give each training session its own CheckpointState");
    }
  }

  /** Records the session that now uses this state; the caller holds {@link #lock}. */
  void attach(TrainingSession session) {
    checkAttachable();
    user = Objects.requireNonNull(session, "session");
  }

  /** Called by the session after it released itself; releases the state if it was closed meanwhile. */
  void detach(TrainingSession session) {
    boolean release;
    synchronized (lock) {
      if (user != session) {
        return;
      }
      user = null;
      release = closed && handle != null;
      if (release) {
        releaseNative();
      }
    }
    if (release) {
      env.childClosed(this);
    }
  }

  /** Returns whether {@link #close()} has been called (the native state may outlive it; see class doc). */
  public boolean isClosed() {
    return closed;
  }

  private void checkSession(String call) {
    if (user == null) {
      throw new IllegalStateException(
          call + " needs an open TrainingSession on this checkpoint state (ORT copies parameters through it)");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("CheckpointState is closed");
    }
  }

  private static void checkName(String name, String what) {
    Objects.requireNonNull(name, what + " name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException(what + " name is empty");
    }
  }

  private void releaseNative() {
    training.ReleaseCheckpointState(handle);
    handle = null;
  }

  /**
   * Closes the state. If a training session still uses it, the native state is released when that
   * session closes (ORT needs it until then); either way, this object is unusable from now on.
   * Idempotent.
   */
  @Override
  public void close() {
    boolean released;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      released = user == null;
      if (released) {
        releaseNative();
      }
    }
    if (released) {
      env.childClosed(this);
    }
  }
}
