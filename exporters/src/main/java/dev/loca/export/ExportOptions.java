package dev.loca.export;

/**
 * How to export.
 *
 * @param precision fp32, fp16 or int8
 * @param normalizeInside whether the graph subtracts the mean and divides by the std itself (then the input is
 *     RGB in [0, 1]); otherwise the caller normalises
 */
public record ExportOptions(Precision precision, boolean normalizeInside) {
  public static ExportOptions defaults() {
    return new ExportOptions(Precision.FP32, false);
  }

  public ExportOptions withPrecision(Precision p) {
    return new ExportOptions(p, normalizeInside);
  }
}
