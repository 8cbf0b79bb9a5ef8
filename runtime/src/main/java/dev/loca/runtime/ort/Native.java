package dev.loca.runtime.ort;

import static org.bytedeco.onnxruntime.global.onnxruntime.ONNX_TYPE_TENSOR;
import static org.bytedeco.onnxruntime.global.onnxruntime.ORT_API_VERSION;
import static org.bytedeco.onnxruntime.global.onnxruntime.OrtArenaAllocator;
import static org.bytedeco.onnxruntime.global.onnxruntime.OrtGetApiBase;
import static org.bytedeco.onnxruntime.global.onnxruntime.OrtMemTypeDefault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.onnxruntime.OrtAllocator;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtMemoryInfo;
import org.bytedeco.onnxruntime.OrtStatus;
import org.bytedeco.onnxruntime.OrtTensorTypeAndShapeInfo;
import org.bytedeco.onnxruntime.OrtTrainingApi;
import org.bytedeco.onnxruntime.OrtTypeInfo;
import org.bytedeco.onnxruntime.OrtValue;

/**
 * Shared native plumbing: loads the library once, holds the process-lifetime {@link OrtApi}, the default
 * allocator (owned by ORT, never released) and one CPU memory info (lives as long as the process), and
 * turns non-null {@link OrtStatus} values into {@link OrtFailure}s.
 */
final class Native {
  private static final Object LOCK = new Object();
  private static volatile Native instance;
  private static OrtFailure loadFailure;

  final OrtApi api;
  final OrtAllocator allocator;
  final OrtMemoryInfo cpuMemoryInfo;
  final String version;
  /** ORT's training API; loaded on first use, null until then. */
  private volatile OrtTrainingApi trainingApi;

  private Native(OrtApi api, OrtAllocator allocator, OrtMemoryInfo cpuMemoryInfo, String version) {
    this.api = api;
    this.allocator = allocator;
    this.cpuMemoryInfo = cpuMemoryInfo;
    this.version = version;
  }

  /** Returns the loaded library, loading it on first use; throws OrtFailure if it cannot be loaded. */
  static Native get() {
    Native n = instance;
    if (n != null) {
      return n;
    }
    synchronized (LOCK) {
      if (instance == null && loadFailure == null) {
        try {
          instance = load();
        } catch (OrtFailure e) {
          loadFailure = e;
        } catch (RuntimeException | LinkageError e) {
          loadFailure = OrtFailure.java("ONNX Runtime native library could not be loaded: " + e);
        }
      }
      if (loadFailure != null) {
        throw new OrtFailure(loadFailure.code(), loadFailure.ortMessage(), loadFailure.context());
      }
      return instance;
    }
  }

  private static Native load() {
    Loader.load(org.bytedeco.onnxruntime.global.onnxruntime.class);
    OrtApi api = OrtGetApiBase().GetApi().call(ORT_API_VERSION);
    if (api == null || api.isNull()) {
      throw OrtFailure.java("ONNX Runtime does not support API version " + ORT_API_VERSION);
    }
    String version = OrtGetApiBase().GetVersionString().call().getString(StandardCharsets.UTF_8);
    OrtAllocator allocator = new OrtAllocator();
    check(api, api.GetAllocatorWithDefaultOptions(allocator), "GetAllocatorWithDefaultOptions");
    OrtMemoryInfo memoryInfo = new OrtMemoryInfo();
    check(api, api.CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, memoryInfo),
        "CreateCpuMemoryInfo");
    return new Native(api, allocator, memoryInfo, version);
  }

  /**
   * Returns ORT's training API ({@code GetTrainingApi}), loading it on first use.
   *
   * @throws OrtFailure if this ONNX Runtime build has no training API
   */
  OrtTrainingApi trainingApi() {
    OrtTrainingApi t = trainingApi;
    if (t != null) {
      return t;
    }
    synchronized (LOCK) {
      if (trainingApi == null) {
        OrtTrainingApi loaded = api.GetTrainingApi().call(ORT_API_VERSION);
        if (loaded == null || loaded.isNull()) {
          throw OrtFailure.java(
              "this ONNX Runtime build has no training API (GetTrainingApi returned null for API version "
                  + ORT_API_VERSION + "); use org.bytedeco:onnxruntime, not com.microsoft.onnxruntime");
        }
        trainingApi = loaded;
      }
      return trainingApi;
    }
  }

  /**
   * Throws an {@link OrtFailure} if {@code status} is a failure: reads its code and message, releases the
   * status, then throws. A null status (or a null pointer) means success.
   */
  static void check(OrtApi api, OrtStatus status, String context) {
    if (status == null || status.isNull()) {
      return;
    }
    int code;
    String message;
    try {
      code = api.GetErrorCode().call(status);
      BytePointer text = api.GetErrorMessage().call(status);
      message = text == null || text.isNull() ? "(no message)" : text.getString(StandardCharsets.UTF_8);
    } finally {
      api.ReleaseStatus(status);
    }
    throw new OrtFailure(OrtErrorCode.fromCode(code), oneLine(message), context);
  }

  /** Collapses line breaks (and the indentation around them) so that a message stays on one line. */
  static String oneLine(String message) {
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** Reads a UTF-8 string that ORT allocated with {@code allocator}, then frees it there. */
  static String takeString(OrtApi api, OrtAllocator allocator, BytePointer text, String context) {
    if (text == null || text.isNull()) {
      return "";
    }
    try {
      return text.getString(StandardCharsets.UTF_8);
    } finally {
      check(api, api.AllocatorFree(allocator, text), context);
    }
  }

  /**
   * Allocates a native array of {@code n} pointers, every slot null. {@code new PointerPointer<>(n)} does
   * not zero its memory, and {@code new PointerPointer<>(single)} would be a cast, not an array.
   */
  static <P extends Pointer> PointerPointer<P> nullArray(long n) {
    PointerPointer<P> array = new PointerPointer<>(Math.max(1, n));
    for (long i = 0; i < Math.max(1, n); i++) {
      array.put(i, (Pointer) null);
    }
    return array;
  }

  /** Reads element type and shape of a tensor value; {@code what} names it in errors. */
  static TensorInfo describeValue(OrtApi api, OrtValue value, String what) {
    int[] kind = new int[1];
    check(api, api.GetValueType(value, kind), "GetValueType");
    if (kind[0] != ONNX_TYPE_TENSOR) {
      throw OrtFailure.java(what + " is not a tensor (" + valueKind(kind[0]) + ")");
    }
    OrtTensorTypeAndShapeInfo info = new OrtTensorTypeAndShapeInfo();
    check(api, api.GetTensorTypeAndShape(value, info), "GetTensorTypeAndShape");
    try {
      return readTensorInfo(api, info, false, what);
    } finally {
      api.ReleaseTensorTypeAndShapeInfo(info);
    }
  }

  /** Reads the declared type of a model input or output, symbolic dimension names included. */
  static TensorInfo describeTypeInfo(OrtApi api, OrtTypeInfo typeInfo, String what) {
    int[] kind = new int[1];
    check(api, api.GetOnnxTypeFromTypeInfo(typeInfo, kind), "GetOnnxTypeFromTypeInfo");
    if (kind[0] != ONNX_TYPE_TENSOR) {
      throw OrtFailure.java(what + " is a " + valueKind(kind[0]) + "; only tensors are supported");
    }
    OrtTensorTypeAndShapeInfo info = new OrtTensorTypeAndShapeInfo(); // owned by typeInfo
    check(api, api.CastTypeInfoToTensorInfo(typeInfo, info), "CastTypeInfoToTensorInfo");
    return readTensorInfo(api, info, true, what);
  }

  /** Reads element type and shape from a type-and-shape info (which the caller still owns). */
  static TensorInfo readTensorInfo(
      OrtApi api, OrtTensorTypeAndShapeInfo info, boolean withSymbols, String what) {
    int[] code = new int[1];
    check(api, api.GetTensorElementType(info, code), "GetTensorElementType");
    int rank;
    try (SizeTPointer n = new SizeTPointer(1)) {
      check(api, api.GetDimensionsCount(info, n), "GetDimensionsCount");
      rank = Math.toIntExact(n.get());
    }
    long[] dims = new long[rank];
    List<String> symbols = Collections.nCopies(rank, "");
    if (rank > 0) {
      check(api, api.GetDimensions(info, dims, rank), "GetDimensions");
      if (withSymbols) {
        symbols = new ArrayList<>(rank);
        try (PointerPointer<BytePointer> names = nullArray(rank)) {
          check(api, api.GetSymbolicDimensions(info, names, rank), "GetSymbolicDimensions");
          for (int i = 0; i < rank; i++) {
            BytePointer name = names.get(BytePointer.class, i); // owned by info: not freed
            symbols.add(name == null || name.isNull() ? "" : name.getString(StandardCharsets.UTF_8));
          }
        }
      }
    }
    ElementType type;
    try {
      type = ElementType.fromCode(code[0]);
    } catch (IllegalArgumentException e) {
      throw OrtFailure.java(what + ": " + e.getMessage());
    }
    return new TensorInfo(type, dims, symbols);
  }

  private static String valueKind(int onnxType) {
    String[] names = {"UNKNOWN", "TENSOR", "SEQUENCE", "MAP", "OPAQUE", "SPARSETENSOR", "OPTIONAL"};
    return onnxType >= 0 && onnxType < names.length ? names[onnxType] : "ONNX value type " + onnxType;
  }
}
