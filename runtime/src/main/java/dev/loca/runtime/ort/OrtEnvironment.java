package dev.loca.runtime.ort;

import static org.bytedeco.onnxruntime.global.onnxruntime.ORT_LOGGING_LEVEL_WARNING;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.onnxruntime.OrtAllocator;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtArenaCfg;
import org.bytedeco.onnxruntime.OrtEnv;
import org.bytedeco.onnxruntime.OrtMemoryInfo;
import org.bytedeco.onnxruntime.OrtTrainingApi;

/**
 * The ONNX Runtime environment ({@code OrtEnv}, logging at warning level) and the factory for inference
 * sessions, training checkpoint states and training sessions.
 *
 * <p>Use {@link #shared()} for the process-wide instance; closing it is a no-op. An environment made with
 * {@link #create(String)} is closed for real, and closing it first closes every session still open on it,
 * so that the environment is always released last (a checkpoint state still used by a training session is
 * released right after that session).
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
    try {
      registerSharedCpuArena();
    } catch (RuntimeException e) {
      lib.api.ReleaseEnv(handle);
      throw e;
    }
  }

  /**
   * Registers one CPU arena for the sessions that ask for it ({@code session.use_env_allocators}, as {@link
   * SessionConfig#training()} does), so that a training session, its optimizer session and the teacher reuse
   * each other's freed memory instead of each keeping its own peak for the whole run: the optimizer's
   * gradient copies (ArtifactBuilder.clipToNorm) then fit into what the training step freed (tiny-p8-64
   * bench at batch 16: peak RSS 1458 instead of 1550 MiB). ORT keeps one native environment per process, so a
   * second {@code OrtEnvironment} finds the arena already registered, which is fine.
   */
  private void registerSharedCpuArena() {
    OrtArenaCfg cfg = new OrtArenaCfg();
    Native.check(lib.api, lib.api.CreateArenaCfg(0, -1, -1, -1, cfg), "CreateArenaCfg"); // ORT's defaults
    try {
      Native.check(lib.api, lib.api.CreateAndRegisterAllocator(env, lib.cpuMemoryInfo, cfg),
          "CreateAndRegisterAllocator");
    } catch (OrtFailure e) {
      if (!e.ortMessage().contains("already")) {
        throw e;
      }
    } finally {
      lib.api.ReleaseArenaCfg(cfg);
    }
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
   * Checks, without opening a session, that {@code device} can be used: for CUDA, that this ONNX Runtime is
   * the GPU build and that its CUDA provider loads (CUDA 13 and cuDNN 9 found). A GPU that is absent or
   * busy is only noticed when a session is opened on it.
   *
   * @return empty when usable, else one line saying which part is missing (e.g. {@code "GPU build not
   *     installed: ..."} or {@code "CUDA library libcudnn.so.9 not found: ..."})
   */
  public Optional<String> deviceProblem(SessionConfig.Device device) {
    Objects.requireNonNull(device, "device");
    checkOpen();
    try {
      lib.api.ReleaseSessionOptions(
          SessionOptionsFactory.create(this, SessionConfig.defaults().withDevice(device)));
      return Optional.empty();
    } catch (OrtFailure e) {
      return Optional.of(e.ortMessage());
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

  /**
   * Loads an ODTC training checkpoint file ({@code LoadCheckpoint}). The file is checked in Java first.
   *
   * @throws OrtFailure "checkpoint file not found: PATH" (or not readable / a directory), or ORT's message
   *     and code when the file is not a checkpoint ORT can read (wrong identifier, version other than 2)
   */
  public CheckpointState loadCheckpoint(Path file) {
    Objects.requireNonNull(file, "file");
    checkOpen();
    Path path = checkFile(file, "checkpoint");
    return registerChild(CheckpointState.load(this, path, null));
  }

  /**
   * Loads an ODTC training checkpoint held in memory ({@code LoadCheckpointFromBuffer}); ORT copies the
   * tensors out, so the array is not kept.
   *
   * @throws OrtFailure with ORT's message and code when the bytes are not a checkpoint ORT can read
   */
  public CheckpointState loadCheckpoint(byte[] checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    checkOpen();
    if (checkpoint.length == 0) {
      throw OrtFailure.java("checkpoint bytes are empty");
    }
    return registerChild(CheckpointState.load(this, null, checkpoint));
  }

  /**
   * Opens a training session ({@code CreateTrainingSession}) on model files: the training model, and
   * optionally the eval model (for {@link TrainingSession#evalStep} and {@link
   * TrainingSession#exportForInference}) and the optimizer model (for {@link
   * TrainingSession#optimizerStep}). The files are checked in Java first.
   *
   * <p>The session works on {@code state}'s parameters and keeps the state alive: close the session
   * first. A state serves one open session at a time.
   *
   * @param state the checkpoint state whose parameters the session trains
   * @param train the training model
   * @param eval the eval model, or null
   * @param optimizer the optimizer model, or null
   * @param config threads, optimisation level and device
   * @throws OrtFailure "training model file not found: PATH" and the like, or ORT's message and code when
   *     the artifacts do not fit together
   * @throws IllegalStateException if the state is closed or already used by another open session
   */
  public TrainingSession openTrainingSession(
      CheckpointState state, Path train, Path eval, Path optimizer, SessionConfig config) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(config, "config");
    checkOpen();
    Path trainPath = checkFile(train, "training model");
    Path evalPath = eval == null ? null : checkFile(eval, "eval model");
    Path optimizerPath = optimizer == null ? null : checkFile(optimizer, "optimizer model");
    return registerChild(
        TrainingSession.open(
            this, state, new TrainingSession.Models(trainPath, evalPath, optimizerPath), config));
  }

  /**
   * Opens a training session on models held in memory ({@code CreateTrainingSessionFromBuffer}); see
   * {@link #openTrainingSession(CheckpointState, Path, Path, Path, SessionConfig)}. The eval model's bytes
   * are kept (in native memory) while the session is open, for {@link TrainingSession#exportForInference}.
   *
   * @param eval the eval model, or null
   * @param optimizer the optimizer model, or null
   */
  public TrainingSession openTrainingSession(
      CheckpointState state, byte[] train, byte[] eval, byte[] optimizer, SessionConfig config) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(config, "config");
    checkOpen();
    checkNotEmpty(train, "training");
    checkNotEmpty(eval, "eval");
    checkNotEmpty(optimizer, "optimizer");
    return registerChild(
        TrainingSession.open(this, state, new TrainingSession.Models(train, eval, optimizer), config));
  }

  private static void checkNotEmpty(byte[] model, String what) {
    if (model != null && model.length == 0) {
      throw OrtFailure.java(what + " model bytes are empty");
    }
  }

  /** Resolves {@code file} and checks that it is a readable file; {@code what} names it in the message. */
  private static Path checkFile(Path file, String what) {
    Path path = file.toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw OrtFailure.java(what + " file not found: " + path);
    }
    if (Files.isDirectory(path)) {
      throw OrtFailure.java(what + " path is a directory, not a file: " + path);
    }
    if (!Files.isReadable(path)) {
      throw OrtFailure.java(what + " file not readable: " + path);
    }
    return path;
  }

  private <T extends AutoCloseable> T registerChild(T child) {
    synchronized (this) {
      if (!closed) {
        openChildren.add(child);
        return child;
      }
    }
    try {
      child.close();
    } catch (Exception e) {
      // the environment closed under us; the child is released as far as it can be
    }
    throw new IllegalStateException("OrtEnvironment is closed");
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

  /** ORT's training API; throws OrtFailure if this build has none. */
  OrtTrainingApi trainingApi() {
    return lib.trainingApi();
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
