package dev.loca.export;

import java.util.Locale;

/** Numeric precision of an exported model. */
public enum Precision {
  /** float32 weights and compute: the reference. */
  FP32,
  /**
   * float16 weights and compute, except the ops that ONNX Runtime's CPU provider has no float16 kernel for,
   * which run in float32 between Casts ({@link HalfPrecision#HALF_OPS}); input and outputs stay float32.
   */
  FP16,
  /**
   * Dynamic quantisation of the MatMuls with weight initializers: int8 weights (symmetric, one scale per
   * output column), activations quantised per call with DynamicQuantizeLinear, products with MatMulInteger.
   */
  INT8;

  /** The lower-case name used on the command line and in metadata. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses fp32, fp16 or int8 (any case). */
  public static Precision parse(String text) {
    for (Precision p : values()) {
      if (p.label().equalsIgnoreCase(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown precision '" + text + "': expected fp32, fp16 or int8");
  }
}
