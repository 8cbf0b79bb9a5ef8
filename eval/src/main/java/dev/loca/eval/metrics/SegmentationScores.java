package dev.loca.eval.metrics;

/**
 * The scores of a {@link ConfusionMatrix}, with per class c: TP = pixels of class c predicted c, GT = pixels of
 * class c, PRED = pixels predicted c.
 *
 * <ul>
 *   <li>IoU(c) = TP / (GT + PRED − TP). A class with no ground-truth pixel and no prediction (GT + PRED = 0) is
 *       <b>absent</b>: its IoU is NaN and it is left out of the mean; a class predicted but never present
 *       scores 0 and counts. mIoU is the mean over the classes that are not absent (mmsegmentation's
 *       {@code nanmean}), NaN when every class is absent.
 *   <li>pixel accuracy = ΣTP / ΣGT over all counted pixels (ignored pixels are never counted).
 *   <li>accuracy(c) = TP / GT, NaN when GT = 0; mean accuracy is the mean over the classes with GT > 0.
 * </ul>
 *
 * @param iou per class, NaN for absent classes; not copied on access, do not change
 * @param accuracy per class, NaN for classes without ground truth; not copied on access, do not change
 * @param meanIou mean of the non-NaN IoUs
 * @param pixelAccuracy correct / counted pixels, NaN when nothing was counted
 * @param meanAccuracy mean of the non-NaN per-class accuracies
 * @param classesInMean classes that entered the mIoU
 * @param pixels counted pixels
 */
public record SegmentationScores(double[] iou, double[] accuracy, double meanIou, double pixelAccuracy,
    double meanAccuracy, int classesInMean, long pixels) {

  static SegmentationScores of(ConfusionMatrix m) {
    int classes = m.classes();
    double[] iou = new double[classes];
    double[] accuracy = new double[classes];
    for (int c = 0; c < classes; c++) {
      long tp = m.count(c, c);
      long gt = m.labelled(c);
      long union = gt + m.predicted(c) - tp;
      iou[c] = union == 0 ? Double.NaN : (double) tp / union;
      accuracy[c] = gt == 0 ? Double.NaN : (double) tp / gt;
    }
    long total = m.total();
    int inMean = 0;
    for (double v : iou) {
      inMean += Double.isNaN(v) ? 0 : 1;
    }
    return new SegmentationScores(iou, accuracy, nanMean(iou),
        total == 0 ? Double.NaN : (double) m.correct() / total, nanMean(accuracy), inMean, total);
  }

  /** Whether class {@code c} has neither ground truth nor predictions, and so is left out of the mIoU. */
  public boolean absent(int c) {
    return Double.isNaN(iou[c]);
  }

  private static double nanMean(double[] values) {
    double sum = 0;
    int n = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
