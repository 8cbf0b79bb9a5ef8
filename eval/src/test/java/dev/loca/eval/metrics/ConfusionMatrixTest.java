package dev.loca.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Confusion matrix and scores against cases computed by hand. */
class ConfusionMatrixTest {
  private static final double EPS = 1e-12;

  @Test
  void ignoredPixelsAndAbsentClassesFollowTheDocumentedRules() {
    // 4 classes, ignore 255. Class 3 never appears nor is predicted: absent, out of the mean.
    ConfusionMatrix m = new ConfusionMatrix(4, 255);
    m.add(new int[] {0, 0, 1, 1, 255, 2}, new int[] {0, 1, 1, 1, 0, 0});
    m.add(new int[] {2, 255, 0}, new int[] {2, 2, 0});
    // counted pairs (label, pred): (0,0) (0,1) (1,1) (1,1) (2,0) (2,2) (0,0); two ignored pixels
    assertEquals(7, m.total());
    assertEquals(2, m.count(0, 0));
    assertEquals(1, m.count(0, 1));
    assertEquals(2, m.count(1, 1));
    assertEquals(1, m.count(2, 0));
    assertEquals(1, m.count(2, 2));
    assertEquals(3, m.labelled(0));
    assertEquals(3, m.predicted(0));
    SegmentationScores s = m.scores();
    // IoU0 = 2 / (3 + 3 - 2) = 1/2; IoU1 = 2 / (2 + 3 - 2) = 2/3; IoU2 = 1 / (2 + 1 - 1) = 1/2; class 3 absent
    assertEquals(0.5, s.iou()[0], EPS);
    assertEquals(2.0 / 3, s.iou()[1], EPS);
    assertEquals(0.5, s.iou()[2], EPS);
    assertTrue(s.absent(3));
    assertEquals(3, s.classesInMean());
    assertEquals((0.5 + 2.0 / 3 + 0.5) / 3, s.meanIou(), EPS);
    assertEquals(5.0 / 7, s.pixelAccuracy(), EPS);
    // accuracies 2/3, 1, 1/2; class 3 has no ground truth
    assertEquals((2.0 / 3 + 1 + 0.5) / 3, s.meanAccuracy(), EPS);
    assertTrue(Double.isNaN(s.accuracy()[3]));
    assertEquals(7, s.pixels());
  }

  @Test
  void aClassPredictedButNeverPresentScoresZeroAndCounts() {
    ConfusionMatrix m = new ConfusionMatrix(3, -1);
    m.add(new int[] {0, 0, 0, 1}, new int[] {0, 2, 0, 1});
    SegmentationScores s = m.scores();
    assertEquals(2.0 / 3, s.iou()[0], EPS);
    assertEquals(1.0, s.iou()[1], EPS);
    assertEquals(0.0, s.iou()[2], EPS);
    assertEquals(3, s.classesInMean());
    assertEquals((2.0 / 3 + 1) / 3, s.meanIou(), EPS);
    assertTrue(Double.isNaN(s.accuracy()[2]));
    assertEquals((2.0 / 3 + 1) / 2, s.meanAccuracy(), EPS);
    assertEquals(0.75, s.pixelAccuracy(), EPS);
  }

  @Test
  void anEmptyOrAllIgnoredSetHasNoScores() {
    ConfusionMatrix m = new ConfusionMatrix(2, 255);
    m.add(new int[] {255, 255}, new int[] {0, 1});
    SegmentationScores s = m.scores();
    assertEquals(0, s.pixels());
    assertTrue(Double.isNaN(s.meanIou()));
    assertTrue(Double.isNaN(s.pixelAccuracy()));
    assertEquals(0, s.classesInMean());
  }

  @Test
  void countsAccumulateInLongsAndMatricesAdd() {
    ConfusionMatrix a = new ConfusionMatrix(2, 255);
    ConfusionMatrix b = new ConfusionMatrix(2, 255);
    a.add(new int[] {1, 0}, new int[] {1, 1});
    b.add(new int[] {1}, new int[] {0});
    a.addAll(b);
    assertEquals(1, a.count(1, 1));
    assertEquals(1, a.count(1, 0));
    assertEquals(1, a.count(0, 1));
    assertThrows(IllegalArgumentException.class, () -> a.addAll(new ConfusionMatrix(3, 255)));
  }

  @Test
  void badValuesAreRejectedAndNothingIsCounted() {
    ConfusionMatrix m = new ConfusionMatrix(3, 255);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.add(new int[] {0, 7}, new int[] {0, 0}));
    assertEquals("label 7 at pixel 1 is not a class (0..2) nor the ignore label 255", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {0, 1}, new int[] {0, -1}));
    assertEquals("prediction -1 at pixel 1 is not a class (0..2)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {0, 1}, new int[] {0}));
    assertEquals("2 labels but 1 predictions", e.getMessage());
    assertEquals(0, m.total());
    assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3, 2));
    assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(0, 255));
  }
}
