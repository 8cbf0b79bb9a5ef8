package dev.loca.eval.segment;

import dev.loca.eval.metrics.ConfusionMatrix;
import dev.loca.runtime.data.RgbImage;
import java.util.List;

/**
 * The outcome of evaluating a segmenter on a dataset.
 *
 * @param confusion counts over every evaluated pixel
 * @param classNames the segmenter's class names
 * @param examples the first images with their labels and predictions
 * @param images images evaluated
 * @param skipped bad samples skipped
 * @param mode the inference mode
 * @param seconds wall time of the evaluation
 */
public record Evaluation(ConfusionMatrix confusion, List<String> classNames, List<Example> examples, int images,
    int skipped, InferenceMode mode, double seconds) {

  public Evaluation {
    classNames = List.copyOf(classNames);
    examples = List.copyOf(examples);
  }

  /**
   * One evaluated image.
   *
   * @param id the dataset's id of the sample
   * @param image the image
   * @param labels its label map (the dataset's ignore label where unlabelled)
   * @param prediction the predicted class per pixel
   */
  public record Example(String id, RgbImage image, int[] labels, int[] prediction) {}
}
