package dev.loca.eval.report;

import dev.loca.eval.segment.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes the files of a segmentation evaluation into one folder. */
public final class EvaluationReport {
  private EvaluationReport() {}

  /**
   * Writes {@value MetricsJson#FILE_NAME}, {@value ConfusionPlot#FILE_NAME} and (when there are examples)
   * {@value PredictionGrid#FILE_NAME} into {@code folder}, made if missing; returns the files written.
   */
  public static List<Path> write(Path folder, Evaluation e, Path model, String data) throws IOException {
    Files.createDirectories(folder);
    List<Path> files = new ArrayList<>();
    Path metrics = folder.resolve(MetricsJson.FILE_NAME);
    MetricsJson.write(metrics, MetricsJson.of(e, model, data));
    files.add(metrics);
    Path confusion = folder.resolve(ConfusionPlot.FILE_NAME);
    ConfusionPlot.write(confusion, e.confusion(), e.classNames());
    files.add(confusion);
    if (!e.examples().isEmpty()) {
      Path grid = folder.resolve(PredictionGrid.FILE_NAME);
      PredictionGrid.write(grid, e.examples(), e.classNames(), e.confusion().ignoreLabel());
      files.add(grid);
    }
    return files;
  }
}
