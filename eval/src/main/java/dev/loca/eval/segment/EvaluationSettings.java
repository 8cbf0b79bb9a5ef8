package dev.loca.eval.segment;

/**
 * How to run an evaluation.
 *
 * @param mode whole-image or sliding-window inference
 * @param batch windows per session run (a model exported with a fixed batch runs that many, zero-padded)
 * @param skipBad skip unreadable samples with a warning instead of stopping
 * @param examples how many of the first images to keep for the example grid
 */
public record EvaluationSettings(InferenceMode mode, int batch, boolean skipBad, int examples) {
  public static final int DEFAULT_BATCH = 8;
  public static final int DEFAULT_EXAMPLES = 6;

  public EvaluationSettings {
    if (mode == null) {
      throw new EvaluationException("no inference mode (expected whole or slide)");
    }
    if (batch <= 0) {
      throw new EvaluationException("batch must be positive, got " + batch);
    }
    if (examples < 0) {
      throw new EvaluationException("examples must be >= 0, got " + examples);
    }
  }

  /**
   * The batch to use when none is given: {@value #DEFAULT_BATCH}, fewer when that many windows' logits
   * ([batch, classes, size, size] floats) would pass 256 MB, at least 1.
   */
  public static int defaultBatch(int classes, int size) {
    long perWindow = 4L * classes * size * size;
    return (int) Math.max(1, Math.min(DEFAULT_BATCH, (256L << 20) / perWindow));
  }

  public static EvaluationSettings defaults() {
    return new EvaluationSettings(InferenceMode.DEFAULT, DEFAULT_BATCH, false, DEFAULT_EXAMPLES);
  }

  public EvaluationSettings withMode(InferenceMode m) {
    return new EvaluationSettings(m, batch, skipBad, examples);
  }

  public EvaluationSettings withBatch(int b) {
    return new EvaluationSettings(mode, b, skipBad, examples);
  }

  public EvaluationSettings withSkipBad(boolean skip) {
    return new EvaluationSettings(mode, batch, skip, examples);
  }
}
