package dev.loca.graph.autodiff;

/** Which ops the backward graph may use. */
public enum Flavour {
  /** Plain ai.onnx ops only: the backward graph runs in any ONNX runtime. */
  PORTABLE,
  /** ONNX Runtime's {@code com.microsoft} gradient kernels where they exist: faster on ORT. */
  FUSED
}
