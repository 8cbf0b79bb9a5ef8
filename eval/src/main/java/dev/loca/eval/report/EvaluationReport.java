package dev.loca.eval.report;

import dev.loca.eval.segment.Evaluation;
import dev.loca.runtime.loop.Plots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Writes the files of a segmentation evaluation into one folder. */
public final class EvaluationReport {
  private EvaluationReport() {}

  /**
   * Writes {@value MetricsJson#FILE_NAME}, {@value ConfusionPlot#FILE_NAME} and (when there are examples)
   * {@value PredictionGrid#FILE_NAME} into {@code folder}, made if missing; returns the files written.
   */
  public static List<Path> write(Path folder, Evaluation e, Path model, String data) throws IOException {
    return write(folder, e, model, data, System.err::println);
  }

  /** As {@link #write(Path, Evaluation, Path, String)}; a plot this JVM cannot draw is skipped with a warning. */
  public static List<Path> write(Path folder, Evaluation e, Path model, String data, Consumer<String> warn)
      throws IOException {
    Files.createDirectories(folder);
    List<Path> files = new ArrayList<>();
    Path metrics = folder.resolve(MetricsJson.FILE_NAME);
    MetricsJson.write(metrics, MetricsJson.of(e, model, data));
    files.add(metrics);
    try {
      Plots.requireText();
    } catch (Plots.DrawingUnavailableException skipped) {
      warn.accept("warning: no plots in " + folder + ": " + skipped.getMessage());
      return files;
    }
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
