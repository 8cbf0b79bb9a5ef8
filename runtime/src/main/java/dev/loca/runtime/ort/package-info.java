/**
 * The project's only door to ONNX Runtime.
 *
 * <p>This package wraps the low-level C API that the bytedeco {@code org.bytedeco.onnxruntime} preset maps
 * ({@code OrtApi} obtained through {@code OrtGetApiBase().GetApi()}) behind a few small {@link
 * java.lang.AutoCloseable} Java types: {@link dev.loca.runtime.ort.OrtEnvironment}, {@link
 * dev.loca.runtime.ort.InferenceSession}, {@link dev.loca.runtime.ort.OrtTensor}, {@link
 * dev.loca.runtime.ort.RunResult}, {@link dev.loca.runtime.ort.CheckpointState} and {@link
 * dev.loca.runtime.ort.TrainingSession}, configured by the pure-Java {@link
 * dev.loca.runtime.ort.SessionConfig}. No other package of the project may import {@code org.bytedeco.onnxruntime.*} or {@code
 * org.bytedeco.javacpp.*}; the {@code ai.onnxruntime.*} classes shipped in the same jar are stubs and are
 * never used.
 *
 * <p>Ownership rules: every native object has exactly one owner and is released exactly once; {@code
 * close()} is idempotent and any use after close throws {@link java.lang.IllegalStateException}. Every
 * failing ORT call surfaces as an {@link dev.loca.runtime.ort.OrtFailure} carrying ORT's error code, its
 * message and the call that failed.
 *
 * <p>ORT's training API ({@code OrtTrainingApi}, obtained through {@code GetTrainingApi}) is wrapped by
 * {@link dev.loca.runtime.ort.CheckpointState} (an ODTC checkpoint: parameters, optimizer state,
 * properties) and {@link dev.loca.runtime.ort.TrainingSession} (train, eval and optimizer models over a
 * state), following {@code spec/ort-training-artifacts.md}. A session keeps its state alive: closing the
 * state first is deferred until the session closes. The training loop sees only the small {@link
 * dev.loca.runtime.ort.StepRunner} interface, so that another runner (the gradient graph in a plain
 * inference session) can replace the training API later.
 */
package dev.loca.runtime.ort;
