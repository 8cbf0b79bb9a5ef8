package dev.loca.runtime.ort;

import static org.bytedeco.onnxruntime.global.onnxruntime.ORT_LOGGING_LEVEL_WARNING;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.onnxruntime.OrtAllocator;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtEnv;
import org.bytedeco.onnxruntime.OrtMemoryInfo;

/**
 * The ONNX Runtime environment ({@code OrtEnv}, logging at warning level) and the factory for sessions.
 *
 * <p>Use {@link #shared()} for the process-wide instance; closing it is a no-op. An environment made with
 * {@link #create(String)} is closed for real, and closing it first closes every session still open on it,
 * so that the environment is always released last.
 */
public final class OrtEnvironment implements AutoCloseable {
  private static final Object SHARED_LOCK = new Object();
  private static OrtEnvironment shared;

  private final Native lib;
  private final OrtEnv env;
  private final boolean isShared;
  private final Set<AutoCloseable> openChildren = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private OrtEnvironment(String logId, boolean isShared) {
    this.lib = Native.get();
    this.isShared = isShared;
    OrtEnv handle = new OrtEnv();
    Native.check(lib.api, lib.api.CreateEnv(ORT_LOGGING_LEVEL_WARNING, logId, handle), "CreateEnv");
    this.env = handle;
  }

  /**
   * Returns the process-wide environment, creating it (and loading the native library) on first use.
   *
   * @throws OrtFailure if the native library cannot be loaded or the environment cannot be created
   */
  public static OrtEnvironment shared() {
    synchronized (SHARED_LOCK) {
      if (shared == null) {
        shared = new OrtEnvironment("loca", true);
      }
      return shared;
    }
  }

  /**
   * Creates an environment that is released when closed. ORT keeps one native environment per process,
   * so this mostly matters for tests and for scoping sessions; prefer {@link #shared()}.
   *
   * @param logId the name ORT puts in its log lines
   */
  public static OrtEnvironment create(String logId) {
    return new OrtEnvironment(Objects.requireNonNull(logId, "logId"), false);
  }

  /** Returns ORT's build description (git commit, build type), from {@code GetBuildInfoString}. */
  public String buildInfo() {
    checkOpen();
    return lib.api.GetBuildInfoString().call().getString(StandardCharsets.UTF_8);
  }

  /** Returns ORT's version string, e.g. {@code "1.24.1"}. */
  public String version() {
    checkOpen();
    return lib.version;
  }

  /**
   * Returns the execution providers compiled into this ORT build, e.g. {@code [DnnlExecutionProvider,
   * CPUExecutionProvider]}. A listed provider may still fail to load (CUDA without its libraries).
   */
  public List<String> availableProviders() {
    checkOpen();
    OrtApi api = lib.api;
    // char*** out: JavaCPP writes the returned char** into the PointerPointer's own address.
    PointerPointer<BytePointer> names = new PointerPointer<>();
    try (IntPointer count = new IntPointer(1)) {
      Native.check(api, api.GetAvailableProviders(names, count), "GetAvailableProviders");
      int n = count.get();
      List<String> result = new ArrayList<>(n);
      try {
        names.capacity(n).limit(n);
        for (int i = 0; i < n; i++) {
          result.add(names.get(BytePointer.class, i).getString(StandardCharsets.UTF_8));
        }
      } finally {
        Native.check(api, api.ReleaseAvailableProviders(names, n), "ReleaseAvailableProviders");
      }
      return Collections.unmodifiableList(result);
    }
  }

  /**
   * Opens an inference session on a model file. The file is checked in Java first.
   *
   * @throws OrtFailure "model file not found: PATH" (or not readable / a directory), ORT's message and code
   *     when the model is invalid, or a one-line reason when the requested device cannot be used
   */
  public InferenceSession openSession(Path model, SessionConfig config) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(config, "config");
    checkOpen();
    Path path = model.toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw OrtFailure.java("model file not found: " + path);
    }
    if (Files.isDirectory(path)) {
      throw OrtFailure.java("model path is a directory, not a file: " + path);
    }
    if (!Files.isReadable(path)) {
      throw OrtFailure.java("model file not readable: " + path);
    }
    return register(InferenceSession.open(this, path, null, config));
  }

  /**
   * Opens an inference session on a serialized ONNX model held in memory.
   *
   * @throws OrtFailure with ORT's message and code when the bytes are not a valid model
   */
  public InferenceSession openSession(byte[] model, SessionConfig config) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(config, "config");
    checkOpen();
    if (model.length == 0) {
      throw OrtFailure.java("model bytes are empty");
    }
    return register(InferenceSession.open(this, null, model, config));
  }

  private InferenceSession register(InferenceSession session) {
    synchronized (this) {
      if (!closed) {
        openChildren.add(session);
        return session;
      }
    }
    session.close();
    throw new IllegalStateException("OrtEnvironment is closed");
  }

  /** Called by a child (session) when it closes. */
  void childClosed(AutoCloseable child) {
    openChildren.remove(child);
  }

  /** Adds a child that must be closed before this environment (e.g. a training session). */
  synchronized void childOpened(AutoCloseable child) {
    checkOpen();
    openChildren.add(child);
  }

  OrtApi api() {
    return lib.api;
  }

  OrtEnv env() {
    checkOpen();
    return env;
  }

  /** ORT's default CPU allocator; owned by ORT, never released. */
  OrtAllocator allocator() {
    return lib.allocator;
  }

  /** A CPU memory info that lives as long as the process; never release it. */
  OrtMemoryInfo memoryInfo() {
    return lib.cpuMemoryInfo;
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("OrtEnvironment is closed");
    }
  }

  /**
   * Closes every session still open on this environment, then releases the environment. Idempotent; a
   * no-op for {@link #shared()}.
   */
  @Override
  public void close() {
    if (isShared) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (AutoCloseable child : List.copyOf(openChildren)) {
      try {
        child.close();
      } catch (Exception e) {
        // keep going: the environment must still be released
      }
    }
    lib.api.ReleaseEnv(env);
  }
}
