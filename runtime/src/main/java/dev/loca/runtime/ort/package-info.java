/**
 * The project's only door to ONNX Runtime.
 *
 * <p>This package wraps the low-level C API that the bytedeco {@code org.bytedeco.onnxruntime} preset maps
 * ({@code OrtApi} obtained through {@code OrtGetApiBase().GetApi()}) behind a few small {@link
 * java.lang.AutoCloseable} Java types: {@link dev.loca.runtime.ort.OrtEnvironment}, {@link
 * dev.loca.runtime.ort.InferenceSession}, {@link dev.loca.runtime.ort.OrtTensor} and {@link
 * dev.loca.runtime.ort.RunResult}, configured by the pure-Java {@link dev.loca.runtime.ort.SessionConfig}.
 * No other package of the project may import {@code org.bytedeco.onnxruntime.*} or {@code
 * org.bytedeco.javacpp.*}; the {@code ai.onnxruntime.*} classes shipped in the same jar are stubs and are
 * never used.
 *
 * <p>Ownership rules: every native object has exactly one owner and is released exactly once; {@code
 * close()} is idempotent and any use after close throws {@link java.lang.IllegalStateException}. Every
 * failing ORT call surfaces as an {@link dev.loca.runtime.ort.OrtFailure} carrying ORT's error code, its
 * message and the call that failed. Training sessions (ORT's training API) will live here as well and reuse
 * the environment's package-private accessors.
 */
package dev.loca.runtime.ort;
