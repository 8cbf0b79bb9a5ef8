package dev.loca.runtime.ort;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.onnxruntime.OrtAllocator;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtModelMetadata;
import org.bytedeco.onnxruntime.OrtSession;
import org.bytedeco.onnxruntime.OrtSessionOptions;
import org.bytedeco.onnxruntime.OrtStatus;
import org.bytedeco.onnxruntime.OrtTypeInfo;
import org.bytedeco.onnxruntime.OrtValue;

/**
 * A plain ORT inference session. Open it with {@link OrtEnvironment#openSession}; inputs are validated in
 * Java (names, element types, ranks and fixed dimensions) before ORT sees them. {@link #run} may be called
 * from several threads at once; {@link #close()} waits for running calls to finish.
 */
public final class InferenceSession implements AutoCloseable {
  private static final String MODEL_BYTES_DIRECTLY = "session.use_ort_model_bytes_directly";

  private final OrtEnvironment env;
  private final OrtApi api;
  private final String modelName;
  private final List<String> inputNames;
  private final List<String> outputNames;
  private final Map<String, TensorInfo> inputInfo;
  private final Map<String, TensorInfo> outputInfo;
  private final Map<String, BytePointer> nativeNames = new LinkedHashMap<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private OrtSession session;
  private OrtSessionOptions options;
  private BytePointer modelBytes;
  private volatile boolean closed;

  private InferenceSession(
      OrtEnvironment env,
      OrtSessionOptions options,
      OrtSession session,
      BytePointer modelBytes,
      String modelName,
      Map<String, TensorInfo> inputInfo,
      Map<String, TensorInfo> outputInfo) {
    this.env = env;
    this.api = env.api();
    this.options = options;
    this.session = session;
    this.modelBytes = modelBytes;
    this.modelName = modelName;
    this.inputInfo = Collections.unmodifiableMap(inputInfo);
    this.outputInfo = Collections.unmodifiableMap(outputInfo);
    this.inputNames = List.copyOf(inputInfo.keySet());
    this.outputNames = List.copyOf(outputInfo.keySet());
    for (String name : inputNames) {
      nativeNames.putIfAbsent(name, new BytePointer(name, StandardCharsets.UTF_8));
    }
    for (String name : outputNames) {
      nativeNames.putIfAbsent(name, new BytePointer(name, StandardCharsets.UTF_8));
    }
  }

  /** Creates the session from a file ({@code path}) or from bytes; releases everything if that fails. */
  static InferenceSession open(OrtEnvironment env, Path path, byte[] bytes, SessionConfig config) {
    OrtApi api = env.api();
    OrtSessionOptions options = SessionOptionsFactory.create(env, config);
    OrtSession session = new OrtSession();
    BytePointer modelBytes = null;
    try {
      String name;
      if (path != null) {
        name = String.valueOf(path.getFileName());
        try (BytePointer p = new BytePointer(path.toString(), StandardCharsets.UTF_8)) {
          Native.check(api, api.CreateSession(env.env(), p, options, session), "CreateSession(" + path + ")");
        }
      } else {
        modelBytes = new BytePointer(bytes);
        Native.check(
            api,
            api.CreateSessionFromArray(env.env(), modelBytes, bytes.length, options, session),
            "CreateSessionFromArray(<in-memory model, " + bytes.length + " bytes>)");
        if (!"1".equals(config.configEntries().get(MODEL_BYTES_DIRECTLY))) {
          modelBytes.close(); // ORT parsed the bytes; it keeps them only when told to use them directly
          modelBytes = null;
        }
        name = graphName(api, env.allocator(), session);
      }
      Map<String, TensorInfo> inputs = describe(api, env.allocator(), session, true, name);
      Map<String, TensorInfo> outputs = describe(api, env.allocator(), session, false, name);
      return new InferenceSession(env, options, session, modelBytes, name, inputs, outputs);
    } catch (RuntimeException e) {
      if (!session.isNull()) {
        api.ReleaseSession(session);
      }
      api.ReleaseSessionOptions(options);
      if (modelBytes != null) {
        modelBytes.close();
      }
      throw e;
    }
  }

  private static String graphName(OrtApi api, OrtAllocator allocator, OrtSession session) {
    OrtModelMetadata metadata = new OrtModelMetadata();
    Native.check(api, api.SessionGetModelMetadata(session, metadata), "SessionGetModelMetadata");
    try {
      BytePointer name = new BytePointer();
      Native.check(
          api, api.ModelMetadataGetGraphName(metadata, allocator, name), "ModelMetadataGetGraphName");
      String graph = Native.takeString(api, allocator, name, "AllocatorFree");
      return graph.isEmpty() ? "<in-memory model>" : graph;
    } finally {
      api.ReleaseModelMetadata(metadata);
    }
  }

  private static Map<String, TensorInfo> describe(
      OrtApi api, OrtAllocator allocator, OrtSession session, boolean inputs, String model) {
    String kind = inputs ? "input" : "output";
    long count;
    try (SizeTPointer n = new SizeTPointer(1)) {
      OrtStatus s = inputs ? api.SessionGetInputCount(session, n) : api.SessionGetOutputCount(session, n);
      Native.check(api, s, "SessionGet" + (inputs ? "Input" : "Output") + "Count(" + model + ")");
      count = n.get();
    }
    Map<String, TensorInfo> result = new LinkedHashMap<>();
    for (long i = 0; i < count; i++) {
      BytePointer raw = new BytePointer();
      OrtStatus s =
          inputs
              ? api.SessionGetInputName(session, i, allocator, raw)
              : api.SessionGetOutputName(session, i, allocator, raw);
      Native.check(api, s, "SessionGet" + (inputs ? "Input" : "Output") + "Name(" + model + ")");
      String name = Native.takeString(api, allocator, raw, "AllocatorFree");
      OrtTypeInfo typeInfo = new OrtTypeInfo();
      s = inputs
          ? api.SessionGetInputTypeInfo(session, i, typeInfo)
          : api.SessionGetOutputTypeInfo(session, i, typeInfo);
      Native.check(api, s, "SessionGet" + (inputs ? "Input" : "Output") + "TypeInfo(" + model + ")");
      try {
        result.put(name, Native.describeTypeInfo(api, typeInfo, kind + " '" + name + "' of model " + model));
      } finally {
        api.ReleaseTypeInfo(typeInfo);
      }
    }
    return result;
  }

  /** Returns the model's name: the file name, or the graph name for in-memory models. */
  public String modelName() {
    return modelName;
  }

  /** Returns the model's input names, in graph order. */
  public List<String> inputNames() {
    checkOpen();
    return inputNames;
  }

  /** Returns the model's output names, in graph order. */
  public List<String> outputNames() {
    checkOpen();
    return outputNames;
  }

  /** Returns the declared type and shape of each input, in graph order. */
  public Map<String, TensorInfo> inputInfo() {
    checkOpen();
    return inputInfo;
  }

  /** Returns the declared type and shape of each output, in graph order. */
  public Map<String, TensorInfo> outputInfo() {
    checkOpen();
    return outputInfo;
  }

  /**
   * Runs the model and returns all outputs. The caller keeps ownership of the input tensors.
   *
   * @throws IllegalArgumentException for an unknown or missing input, or a wrong element type or shape
   * @throws OrtFailure if ORT fails
   */
  public RunResult run(Map<String, OrtTensor> inputs) {
    return run(inputs, outputNames);
  }

  /**
   * Runs the model and returns the requested outputs, in the requested order.
   *
   * @throws IllegalArgumentException for an unknown, missing or mistyped input, or an unknown output
   * @throws OrtFailure if ORT fails
   */
  public RunResult run(Map<String, OrtTensor> inputs, List<String> outputs) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    lock.readLock().lock();
    try {
      checkOpen();
      validateInputs(inputs);
      validateOutputs(outputs);
      int nIn = inputNames.size();
      int nOut = outputs.size();
      try (PointerPointer<BytePointer> inNames = Native.nullArray(nIn);
          PointerPointer<OrtValue> inValues = Native.nullArray(nIn);
          PointerPointer<BytePointer> outNames = Native.nullArray(nOut);
          PointerPointer<OrtValue> outValues = Native.nullArray(nOut)) {
        for (int i = 0; i < nIn; i++) {
          String name = inputNames.get(i);
          inNames.put(i, nativeNames.get(name));
          inValues.put(i, inputs.get(name).handle());
        }
        for (int i = 0; i < nOut; i++) {
          outNames.put(i, nativeNames.get(outputs.get(i)));
        }
        OrtStatus status = api.Run(session, null, inNames, inValues, nIn, outNames, nOut, outValues);
        if (status != null && !status.isNull()) {
          RunResult.releaseAll(api, outValues, nOut);
          Native.check(api, status, "Run(" + modelName + ")");
        }
        return RunResult.adopt(api, outputs, outValues, modelName);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private void validateInputs(Map<String, OrtTensor> inputs) {
    InputNames.check(inputs, inputNames, "model " + modelName);
    for (String name : inputNames) {
      OrtTensor tensor = inputs.get(name);
      TensorInfo expected = inputInfo.get(name);
      if (tensor.elementType() != expected.type()) {
        throw new IllegalArgumentException(
            "input '" + name + "' expects " + expected.type() + ", got " + tensor.elementType());
      }
      // Rank 0 is also what ORT reports for an input declared without a shape: leave that to ORT.
      long[] shape = tensor.shape();
      if (expected.rank() > 0 && !expected.accepts(shape)) {
        throw new IllegalArgumentException(
            "input '" + name + "' expects shape " + expected.shapeString() + ", got " + Arrays.toString(shape));
      }
    }
  }

  private void validateOutputs(List<String> outputs) {
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("no outputs requested from model " + modelName);
    }
    Set<String> seen = new HashSet<>();
    for (String name : outputs) {
      if (!outputInfo.containsKey(name)) {
        throw new IllegalArgumentException(
            "unknown output '" + name + "' for model " + modelName + "; expected one of " + outputNames);
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("output '" + name + "' requested twice");
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("InferenceSession is closed");
    }
  }

  /** Releases the session, then its options. Waits for running calls; idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      api.ReleaseSession(session);
      session = null;
      api.ReleaseSessionOptions(options);
      options = null;
      if (modelBytes != null) {
        modelBytes.close();
        modelBytes = null;
      }
      nativeNames.values().forEach(BytePointer::close);
    } finally {
      lock.writeLock().unlock();
    }
    env.childClosed(this);
  }
}
