package dev.loca.eval.report;

import dev.loca.eval.metrics.ConfusionMatrix;
import dev.loca.eval.metrics.SegmentationScores;
import java.util.List;
import java.util.Locale;

/** The per-class table and the summary lines that {@code loca evaluate} prints. */
public final class IouTable {
  private IouTable() {}

  /**
   * One line per class: name, IoU and accuracy in percent ({@code -} where undefined, with "absent" for classes
   * left out of the mean), ground-truth pixels; then mIoU, pixel accuracy and mean accuracy.
   */
  public static String format(List<String> classNames, ConfusionMatrix m) {
    SegmentationScores s = m.scores();
    int nameWidth = Math.max(5, classNames.stream().mapToInt(String::length).max().orElse(5));
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-" + nameWidth + "s %7s %7s %12s%n", "class", "IoU", "acc", "pixels"));
    for (int c = 0; c < classNames.size(); c++) {
      b.append(String.format(Locale.ROOT, "%-" + nameWidth + "s %7s %7s %12d%s%n", classNames.get(c),
          percent(s.iou()[c]), percent(s.accuracy()[c]), m.labelled(c),
          s.absent(c) ? "  (absent: not in the mean)" : ""));
    }
    b.append(String.format(Locale.ROOT, "mIoU %s over %d of %d classes; pixel accuracy %s; mean accuracy %s%n",
        percent(s.meanIou()), s.classesInMean(), classNames.size(), percent(s.pixelAccuracy()),
        percent(s.meanAccuracy())));
    return b.toString();
  }

  /** {@code 12.34} for 0.1234, {@code -} for NaN. */
  public static String percent(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
  }
}
