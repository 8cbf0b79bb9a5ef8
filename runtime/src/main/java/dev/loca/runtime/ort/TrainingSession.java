package dev.loca.runtime.ort;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtSessionOptions;
import org.bytedeco.onnxruntime.OrtStatus;
import org.bytedeco.onnxruntime.OrtTrainingApi;
import org.bytedeco.onnxruntime.OrtTrainingSession;
import org.bytedeco.onnxruntime.OrtValue;

/**
 * An ORT training session ({@code OrtTrainingSession}) on hand-built training artifacts: a training
 * model (forward, loss, backward and gradient accumulation), optionally an eval model and an optimizer
 * model, over the parameters of a {@link CheckpointState}. Open it with {@link
 * OrtEnvironment#openTrainingSession}; {@code spec/ort-training-artifacts.md} describes the artifacts.
 *
 * <p>One update is {@link #trainStep} (adds the gradients into ORT's accumulation buffers), {@link
 * #optimizerStep} (updates the weights in place from those buffers), then {@link #lazyResetGrad} (the
 * next train step overwrites the buffers instead of adding; the optimizer step does not clear them).
 * For gradient accumulation, call {@code trainStep} k times between resets.
 *
 * <p>ORT does not restore the learning rate from a checkpoint: a new session starts at ORT's default
 * (0.001) whatever the checkpoint says, so call {@link #setLearningRate} after opening and drive any
 * schedule from Java.
 *
 * <p><b>Lifetime.</b> The session keeps its checkpoint state alive: closing the state while the session is
 * open is deferred until the session closes (see {@link CheckpointState}). Closing the session releases
 * it, then its options, then lets the state go. Calls on the session and its state are serialised by one
 * lock; any use after {@link #close()} throws {@link IllegalStateException}.
 */
public final class TrainingSession implements StepRunner {
  private static final String IN_MEMORY_TRAIN = "<in-memory training model>";
  private static final String IN_MEMORY_EVAL = "<in-memory eval model>";

  /** The three models, as checked paths or as bytes; eval and optimizer may be null. */
  static final class Models {
    final Path train;
    final Path eval;
    final Path optimizer;
    final byte[] trainBytes;
    final byte[] evalBytes;
    final byte[] optimizerBytes;

    Models(Path train, Path eval, Path optimizer) {
      this.train = train;
      this.eval = eval;
      this.optimizer = optimizer;
      this.trainBytes = null;
      this.evalBytes = null;
      this.optimizerBytes = null;
    }

    Models(byte[] train, byte[] eval, byte[] optimizer) {
      this.train = null;
      this.eval = null;
      this.optimizer = null;
      this.trainBytes = train;
      this.evalBytes = eval;
      this.optimizerBytes = optimizer;
    }

    boolean fromFiles() {
      return train != null;
    }

    boolean hasEval() {
      return eval != null || evalBytes != null;
    }

    boolean hasOptimizer() {
      return optimizer != null || optimizerBytes != null;
    }
  }

  private final OrtEnvironment env;
  private final OrtApi api;
  private final OrtTrainingApi training;
  private final CheckpointState state;
  private final Object lock;
  private final String trainModelName;
  private final String evalModelName;
  private final boolean hasOptimizer;
  private final List<String> trainInputs;
  private final List<String> trainOutputs;
  private final List<String> evalInputs;
  private final List<String> evalOutputs;
  private OrtTrainingSession session;
  private OrtSessionOptions options;
  /** The eval model's bytes, kept while open: ORT may re-read the eval model for export. */
  private BytePointer evalBytes;
  private volatile boolean closed;

  private TrainingSession(
      OrtEnvironment env,
      CheckpointState state,
      OrtTrainingSession session,
      OrtSessionOptions options,
      BytePointer evalBytes,
      Models models) {
    this.env = env;
    this.api = env.api();
    this.training = env.trainingApi();
    this.state = state;
    this.lock = state.lock;
    this.session = session;
    this.options = options;
    this.evalBytes = evalBytes;
    this.trainModelName = models.fromFiles() ? String.valueOf(models.train.getFileName()) : IN_MEMORY_TRAIN;
    this.evalModelName =
        !models.hasEval() ? "" : models.fromFiles() ? String.valueOf(models.eval.getFileName()) : IN_MEMORY_EVAL;
    this.hasOptimizer = models.hasOptimizer();
    this.trainInputs = names(true, true);
    this.trainOutputs = names(true, false);
    this.evalInputs = models.hasEval() ? names(false, true) : List.of();
    this.evalOutputs = models.hasEval() ? names(false, false) : List.of();
  }

  /** Creates the session; on failure releases everything it made and leaves the state unattached. */
  static TrainingSession open(OrtEnvironment env, CheckpointState state, Models models, SessionConfig config) {
    OrtApi api = env.api();
    OrtTrainingApi training = env.trainingApi();
    synchronized (state.lock) {
      state.checkAttachable(); // the lock is held until the session is attached
      OrtSessionOptions options = null;
      OrtTrainingSession handle = new OrtTrainingSession();
      BytePointer keptEval = null;
      try {
        options = SessionOptionsFactory.create(env, config);
        if (models.fromFiles()) {
          try (BytePointer train = utf8(models.train);
              BytePointer eval = utf8(models.eval);
              BytePointer optimizer = utf8(models.optimizer)) {
            Native.check(
                api,
                training.CreateTrainingSession(
                    env.env(), options, state.handle(), train, eval, optimizer, handle),
                "CreateTrainingSession(" + models.train.getFileName() + ")");
          }
        } else {
          keptEval = models.evalBytes == null ? null : new BytePointer(models.evalBytes);
          try (BytePointer train = new BytePointer(models.trainBytes);
              BytePointer optimizer =
                  models.optimizerBytes == null ? null : new BytePointer(models.optimizerBytes)) {
            Native.check(
                api,
                training.CreateTrainingSessionFromBuffer(
                    env.env(),
                    options,
                    state.handle(),
                    train,
                    models.trainBytes.length,
                    keptEval,
                    models.evalBytes == null ? 0 : models.evalBytes.length,
                    optimizer,
                    models.optimizerBytes == null ? 0 : models.optimizerBytes.length,
                    handle),
                "CreateTrainingSessionFromBuffer(" + IN_MEMORY_TRAIN + ")");
          }
        }
        TrainingSession created = new TrainingSession(env, state, handle, options, keptEval, models);
        state.attach(created);
        return created;
      } catch (RuntimeException | Error e) {
        if (!handle.isNull()) {
          training.ReleaseTrainingSession(handle);
        }
        if (options != null) {
          api.ReleaseSessionOptions(options);
        }
        if (keptEval != null) {
          keptEval.close();
        }
        throw e;
      }
    }
  }

  private static BytePointer utf8(Path path) {
    return path == null ? null : new BytePointer(path.toString(), StandardCharsets.UTF_8);
  }

  private List<String> names(boolean trainModel, boolean inputs) {
    String what = (trainModel ? "Training" : "Eval") + "Model" + (inputs ? "Input" : "Output");
    long count;
    try (SizeTPointer n = new SizeTPointer(1)) {
      OrtStatus s;
      if (trainModel) {
        s = inputs
            ? training.TrainingSessionGetTrainingModelInputCount(session, n)
            : training.TrainingSessionGetTrainingModelOutputCount(session, n);
      } else {
        s = inputs
            ? training.TrainingSessionGetEvalModelInputCount(session, n)
            : training.TrainingSessionGetEvalModelOutputCount(session, n);
      }
      Native.check(api, s, "TrainingSessionGet" + what + "Count");
      count = n.get();
    }
    List<String> names = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      BytePointer raw = new BytePointer();
      OrtStatus s;
      if (trainModel) {
        s = inputs
            ? training.TrainingSessionGetTrainingModelInputName(session, i, env.allocator(), raw)
            : training.TrainingSessionGetTrainingModelOutputName(session, i, env.allocator(), raw);
      } else {
        s = inputs
            ? training.TrainingSessionGetEvalModelInputName(session, i, env.allocator(), raw)
            : training.TrainingSessionGetEvalModelOutputName(session, i, env.allocator(), raw);
      }
      Native.check(api, s, "TrainingSessionGet" + what + "Name");
      names.add(Native.takeString(api, env.allocator(), raw, "AllocatorFree"));
    }
    return List.copyOf(names);
  }

  // ---- introspection ------------------------------------------------------------------------------

  /** Returns the training model's name: its file name, or {@code <in-memory training model>}. */
  public String modelName() {
    return trainModelName;
  }

  /** Returns the checkpoint state this session trains. */
  public CheckpointState checkpointState() {
    return state;
  }

  /** Returns whether an eval model was given. */
  public boolean hasEvalModel() {
    checkOpen();
    return !evalModelName.isEmpty();
  }

  /** Returns whether an optimizer model was given. */
  public boolean hasOptimizerModel() {
    checkOpen();
    return hasOptimizer;
  }

  /**
   * Returns the training model's user inputs, in graph order: its inputs that are not parameters,
   * gradient buffers or {@code lazy_reset_grad}. These are what {@link #trainStep} takes.
   */
  public List<String> trainInputNames() {
    checkOpen();
    return trainInputs;
  }

  /** Returns the training model's user outputs, in graph order (gradient outputs are hidden). */
  public List<String> trainOutputNames() {
    checkOpen();
    return trainOutputs;
  }

  /** Returns the eval model's user inputs (its non-parameter inputs), in graph order; empty without one. */
  public List<String> evalInputNames() {
    checkOpen();
    return evalInputs;
  }

  /** Returns the eval model's outputs, in graph order; empty without an eval model. */
  public List<String> evalOutputNames() {
    checkOpen();
    return evalOutputs;
  }

  // ---- steps --------------------------------------------------------------------------------------

  /**
   * Runs the training model once ({@code TrainStep}): forward, loss and backward, adding the gradients
   * into the accumulation buffers (or overwriting them on the first step after {@link #lazyResetGrad}).
   * The caller keeps ownership of the inputs and closes the result.
   *
   * @param inputs one tensor per name of {@link #trainInputNames()}
   * @return the user outputs, in graph order
   * @throws IllegalArgumentException for an unknown or missing input
   * @throws OrtFailure if ORT fails (wrong type or shape included)
   */
  @Override
  public RunResult trainStep(Map<String, OrtTensor> inputs) {
    return step(true, inputs);
  }

  /**
   * Runs the eval model once ({@code EvalStep}) on the current parameters. Gradients and weights are left
   * alone. The caller keeps ownership of the inputs and closes the result.
   *
   * @param inputs one tensor per name of {@link #evalInputNames()}
   * @return all eval outputs, in graph order
   * @throws IllegalStateException if the session has no eval model
   * @throws IllegalArgumentException for an unknown or missing input
   */
  public RunResult evalStep(Map<String, OrtTensor> inputs) {
    return step(false, inputs);
  }

  private RunResult step(boolean train, Map<String, OrtTensor> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    synchronized (lock) {
      checkOpen();
      if (!train && evalModelName.isEmpty()) {
        throw new IllegalStateException("evalStep: this training session was opened without an eval model");
      }
      String model = train ? "training model " + trainModelName : "eval model " + evalModelName;
      List<String> inNames = train ? trainInputs : evalInputs;
      List<String> outNames = train ? trainOutputs : evalOutputs;
      InputNames.check(inputs, inNames, model);
      int nIn = inNames.size();
      int nOut = outNames.size();
      try (PointerPointer<OrtValue> inValues = Native.nullArray(nIn);
          PointerPointer<OrtValue> outValues = Native.nullArray(nOut)) {
        for (int i = 0; i < nIn; i++) {
          inValues.put(i, inputs.get(inNames.get(i)).handle());
        }
        String context = (train ? "TrainStep(" + trainModelName : "EvalStep(" + evalModelName) + ")";
        OrtStatus status =
            train
                ? training.TrainStep(session, null, nIn, inValues, nOut, outValues)
                : training.EvalStep(session, null, nIn, inValues, nOut, outValues);
        if (status != null && !status.isNull()) {
          RunResult.releaseAll(api, outValues, nOut);
          Native.check(api, status, context);
        }
        return RunResult.adopt(api, outNames, outValues, train ? trainModelName : evalModelName);
      }
    }
  }


  /**
   * Updates the trainable parameters from the accumulated gradients with the optimizer model ({@code
   * OptimizerStep}), in place; the optimizer's step count goes up by one. The gradient buffers are not
   * cleared: call {@link #lazyResetGrad()} next.
   *
   * @throws IllegalStateException if the session has no optimizer model
   */
  @Override
  public void optimizerStep() {
    synchronized (lock) {
      checkOpen();
      if (!hasOptimizer) {
        throw new IllegalStateException(
            "optimizerStep: this training session was opened without an optimizer model");
      }
      Native.check(api, training.OptimizerStep(session, null), "OptimizerStep(" + trainModelName + ")");
    }
  }

  /**
   * Makes the next {@link #trainStep} overwrite the gradient buffers instead of adding to them ({@code
   * LazyResetGrad}); nothing is zeroed now.
   */
  @Override
  public void lazyResetGrad() {
    synchronized (lock) {
      checkOpen();
      Native.check(api, training.LazyResetGrad(session), "LazyResetGrad(" + trainModelName + ")");
    }
  }

  /** Sets the learning rate the next {@link #optimizerStep} uses ({@code SetLearningRate}). */
  @Override
  public void setLearningRate(float learningRate) {
    if (!Float.isFinite(learningRate) || learningRate < 0) {
      throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + learningRate);
    }
    synchronized (lock) {
      checkOpen();
      Native.check(api, training.SetLearningRate(session, learningRate), "SetLearningRate(" + learningRate + ")");
    }
  }

  /** Returns the learning rate the next {@link #optimizerStep} uses ({@code GetLearningRate}). */
  @Override
  public float learningRate() {
    synchronized (lock) {
      checkOpen();
      float[] lr = new float[1];
      Native.check(api, training.GetLearningRate(session, lr), "GetLearningRate");
      return lr[0];
    }
  }

  // ---- parameters as one flat buffer ----------------------------------------------------------------

  /**
   * Returns how many elements the parameters hold ({@code GetParametersSize}): the trainable ones, or
   * all of them (frozen included).
   */
  public long parametersSize(boolean trainableOnly) {
    synchronized (lock) {
      checkOpen();
      try (SizeTPointer n = new SizeTPointer(1)) {
        Native.check(api, training.GetParametersSize(session, n, trainableOnly), "GetParametersSize");
        return n.get();
      }
    }
  }

  /**
   * Copies the parameters into {@code buffer} ({@code CopyParametersToBuffer}), concatenated in the order
   * in which they appear among the training model's inputs. The buffer is written from its position
   * through a tensor that wraps it without copying; position and limit are left unchanged.
   *
   * @param buffer a direct, native-order float buffer with exactly {@link #parametersSize} remaining
   * @throws IllegalArgumentException if the buffer is not direct, not native order or has the wrong size
   */
  public void copyParametersTo(FloatBuffer buffer, boolean trainableOnly) {
    copyParameters(buffer, trainableOnly, true);
  }

  /**
   * Overwrites the parameters from {@code buffer} ({@code CopyBufferToParameters}), in the layout of
   * {@link #copyParametersTo}; the next step uses the new values. Position and limit are left unchanged.
   *
   * @param buffer a direct, native-order float buffer with exactly {@link #parametersSize} remaining
   * @throws IllegalArgumentException if the buffer is not direct, not native order or has the wrong size
   */
  public void copyParametersFrom(FloatBuffer buffer, boolean trainableOnly) {
    copyParameters(buffer, trainableOnly, false);
  }

  private void copyParameters(FloatBuffer buffer, boolean trainableOnly, boolean toBuffer) {
    Objects.requireNonNull(buffer, "buffer");
    String call = toBuffer ? "copyParametersTo" : "copyParametersFrom";
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException(call + " needs a direct FloatBuffer (ByteBuffer.allocateDirect)");
    }
    if (buffer.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException(call + " needs a native-order FloatBuffer, got " + buffer.order());
    }
    if (toBuffer && buffer.isReadOnly()) {
      throw new IllegalArgumentException(call + " needs a writable FloatBuffer");
    }
    synchronized (lock) {
      long size = parametersSize(trainableOnly);
      if (buffer.remaining() != size) {
        throw new IllegalArgumentException(
            call + ": buffer has " + buffer.remaining() + " floats remaining, the "
                + (trainableOnly ? "trainable parameters hold " : "parameters hold ") + size);
      }
      try (OrtTensor flat = OrtTensor.wrap(buffer, size)) {
        OrtStatus status =
            toBuffer
                ? training.CopyParametersToBuffer(session, flat.handle(), trainableOnly)
                : training.CopyBufferToParameters(session, flat.handle(), trainableOnly);
        Native.check(api, status, toBuffer ? "CopyParametersToBuffer" : "CopyBufferToParameters");
      }
    }
  }

  // ---- export -------------------------------------------------------------------------------------

  /**
   * Writes an inference model ({@code ExportModelForInferencing}): the eval model with the current
   * parameters turned into initializers, pruned to {@code outputNames}, without the inputs that nothing
   * uses any more. Written to a temporary file next to {@code out}, then moved into place.
   *
   * @param out the ONNX file to write
   * @param outputNames the values the inference model outputs (graph outputs or intermediate values)
   * @throws IllegalStateException if the session has no eval model
   * @throws OrtFailure with ORT's message, e.g. for an output name that the eval model does not have
   */
  public void exportForInference(Path out, List<String> outputNames) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(outputNames, "outputNames");
    if (outputNames.isEmpty()) {
      throw new IllegalArgumentException("exportForInference needs at least one output name");
    }
    Set<String> seen = new HashSet<>();
    for (String name : outputNames) {
      if (name == null || name.isEmpty() || !seen.add(name)) {
        throw new IllegalArgumentException(
            "exportForInference: output names must be non-empty and distinct, got " + outputNames);
      }
    }
    Path target = out.toAbsolutePath().normalize();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    synchronized (lock) {
      checkOpen();
      if (evalModelName.isEmpty()) {
        throw new IllegalStateException(
            "exportForInference: this training session was opened without an eval model");
      }
      try {
        if (target.getParent() != null) {
          Files.createDirectories(target.getParent());
        }
      } catch (IOException e) {
        throw OrtFailure.java("cannot create the folder for " + target + ": " + e);
      }
      try (BytePointer path = new BytePointer(tmp.toString(), StandardCharsets.UTF_8);
          PointerPointer<BytePointer> names =
              new PointerPointer<>(outputNames.toArray(new String[0]), StandardCharsets.UTF_8)) {
        Native.check(
            api,
            training.ExportModelForInferencing(session, path, outputNames.size(), names),
            "ExportModelForInferencing(" + evalModelName + " -> " + target + ")");
      }
    }
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw OrtFailure.java("cannot move the exported model into place at " + target + ": " + e);
    }
  }

  // ---- lifetime -----------------------------------------------------------------------------------

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("TrainingSession is closed");
    }
  }

  /** Returns whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Releases the session, then its options, then lets its checkpoint state go (releasing the state too
   * if it was closed meanwhile). Waits for a running step; idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      training.ReleaseTrainingSession(session);
      session = null;
      api.ReleaseSessionOptions(options);
      options = null;
      if (evalBytes != null) {
        evalBytes.close();
        evalBytes = null;
      }
    }
    state.detach(this);
    env.childClosed(this);
  }
}
