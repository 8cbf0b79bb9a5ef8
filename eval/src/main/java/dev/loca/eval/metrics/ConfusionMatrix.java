package dev.loca.eval.metrics;

import java.util.Arrays;

/**
 * Pixel counts by (true class, predicted class), accumulated over a whole evaluation set in longs. Pixels whose
 * label is the ignore label are skipped; any other label, and every prediction, must be a class index.
 * Not thread-safe.
 */
public final class ConfusionMatrix {
  private final int classes;
  private final int ignoreLabel;
  private final long[] counts;

  /**
   * @param classes number of classes (labels and predictions are 0 .. classes - 1)
   * @param ignoreLabel the label value of unlabelled pixels, outside 0 .. classes - 1 (-1 when labels use none)
   */
  public ConfusionMatrix(int classes, int ignoreLabel) {
    if (classes <= 0) {
      throw new IllegalArgumentException("a confusion matrix needs at least one class, got " + classes);
    }
    if (ignoreLabel >= 0 && ignoreLabel < classes) {
      throw new IllegalArgumentException("ignore label " + ignoreLabel + " is a class index (0.." + (classes - 1)
          + ")");
    }
    this.classes = classes;
    this.ignoreLabel = ignoreLabel;
    this.counts = new long[classes * classes];
  }

  public int classes() {
    return classes;
  }

  public int ignoreLabel() {
    return ignoreLabel;
  }

  /**
   * Counts one image: {@code labels[p]} against {@code predictions[p]} for every pixel p. Nothing is counted
   * when a value is out of range.
   *
   * @throws IllegalArgumentException if the arrays differ in length, a label is neither a class nor the ignore
   *     label, or a prediction is not a class (the message names the first such pixel and value)
   */
  public void add(int[] labels, int[] predictions) {
    if (labels.length != predictions.length) {
      throw new IllegalArgumentException(labels.length + " labels but " + predictions.length + " predictions");
    }
    for (int p = 0; p < labels.length; p++) {
      int label = labels[p];
      if (label != ignoreLabel && (label < 0 || label >= classes)) {
        throw new IllegalArgumentException("label " + label + " at pixel " + p + " is not a class (0.."
            + (classes - 1) + ") nor the ignore label " + ignoreLabel);
      }
      if (predictions[p] < 0 || predictions[p] >= classes) {
        throw new IllegalArgumentException("prediction " + predictions[p] + " at pixel " + p + " is not a class (0.."
            + (classes - 1) + ")");
      }
    }
    for (int p = 0; p < labels.length; p++) {
      if (labels[p] != ignoreLabel) {
        counts[labels[p] * classes + predictions[p]]++;
      }
    }
  }

  /** Adds the counts of {@code other}, which must have the same classes and ignore label. */
  public void addAll(ConfusionMatrix other) {
    if (other.classes != classes || other.ignoreLabel != ignoreLabel) {
      throw new IllegalArgumentException("cannot add a " + other.classes + "-class matrix (ignore "
          + other.ignoreLabel + ") to a " + classes + "-class one (ignore " + ignoreLabel + ")");
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
  }

  /** Pixels of true class {@code label} predicted as {@code prediction}. */
  public long count(int label, int prediction) {
    return counts[index(label) * classes + index(prediction)];
  }

  /** Pixels whose true class is {@code label} (a row sum). */
  public long labelled(int label) {
    long sum = 0;
    for (int q = 0, row = index(label) * classes; q < classes; q++) {
      sum += counts[row + q];
    }
    return sum;
  }

  /** Pixels predicted as {@code prediction} (a column sum). */
  public long predicted(int prediction) {
    long sum = 0;
    for (int l = 0, col = index(prediction); l < classes; l++) {
      sum += counts[l * classes + col];
    }
    return sum;
  }

  /** All counted (not ignored) pixels. */
  public long total() {
    return Arrays.stream(counts).sum();
  }

  /** Pixels predicted right (the trace). */
  public long correct() {
    long sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += counts[c * classes + c];
    }
    return sum;
  }

  /** The scores of the counts so far. */
  public SegmentationScores scores() {
    return SegmentationScores.of(this);
  }

  private int index(int c) {
    if (c < 0 || c >= classes) {
      throw new IndexOutOfBoundsException("class " + c + " of " + classes);
    }
    return c;
  }
}
