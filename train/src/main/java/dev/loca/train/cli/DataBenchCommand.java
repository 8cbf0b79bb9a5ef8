package dev.loca.train.cli;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.loca.runtime.data.Ade20kLayoutWriter;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.synthetic.SyntheticScenes;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderSettings;
import dev.loca.train.views.LocaBatch;
import dev.loca.train.views.LocaLoaders;
import dev.loca.train.views.LocaSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loca data bench}: LOCA samples per second for each recipe and worker count. A benchmark, not a test. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure LOCA samples per second (decode, views, labels, batching) for the faithful recipe and"
        + " the CPU preset, with 1 and 2 worker threads.",
        "Without --data: the synthetic scenes at 500x375, as JPEG files and straight from the generator."})
final class DataBenchCommand implements Runnable {
  private static final float JPEG_QUALITY = 0.9f;

  private static final double JIT_WARM_UP_SECONDS = 2;

  @Spec
  CommandSpec spec;

  @Option(names = "--data", description = "Measure this dataset (a path or synthetic) instead.")
  String data;

  @Option(names = "--seconds", defaultValue = "3", description = "Timed seconds per measurement (default:"
      + " ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--batch", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--images", defaultValue = "64", description = "Generated images (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(names = "--workers", split = ",", defaultValue = "1,2", description = "Worker counts (default:"
      + " ${DEFAULT-VALUE}).")
  List<Integer> workers;

  @Override
  public void run() {
    if (seconds <= 0 || batch <= 0 || images < batch || workers.stream().anyMatch(w -> w <= 0)) {
      throw new UserError("expected --seconds > 0, --batch > 0, --images >= --batch and --workers > 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, ImageDataset> sources = new LinkedHashMap<>();
    Path jpegFolder = null;
    try {
      if (data != null) {
        sources.put(data, DataSources.open(data));
      } else {
        SyntheticScenes scenes = new SyntheticScenes(images, 1, SyntheticScenes.DEFAULT_WIDTH,
            SyntheticScenes.DEFAULT_HEIGHT);
        jpegFolder = Files.createTempDirectory("loca-bench-");
        new Ade20kLayoutWriter(jpegFolder, "training", "scene", JPEG_QUALITY).write(scenes, images, i -> { });
        sources.put("jpeg 500x375", DataSources.open(jpegFolder.toString()));
        sources.put("generator 500x375", scenes);
      }
      out.printf(Locale.ROOT, "%-18s %-9s %7s %14s   (batch %d, %.1f s each, %d cores)%n", "source", "preset",
          "workers", "samples/s", batch, seconds, Runtime.getRuntime().availableProcessors());
      for (ViewsPreset preset : ViewsPreset.values()) { // compile the hot code before any figure is taken
        rate(sources.values().iterator().next(), preset, 1, Math.min(JIT_WARM_UP_SECONDS, seconds));
      }
      for (Map.Entry<String, ImageDataset> source : sources.entrySet()) {
        for (ViewsPreset preset : ViewsPreset.values()) {
          for (int w : workers) {
            double rate = rate(source.getValue(), preset, w, seconds);
            out.printf(Locale.ROOT, "%-18s %-9s %7d %14.1f%n", source.getKey(), preset, w, rate);
            out.flush();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (jpegFolder != null) {
        try {
          MoreFiles.deleteRecursively(jpegFolder, RecursiveDeleteOption.ALLOW_INSECURE);
        } catch (IOException e) {
          out.println("could not delete " + jpegFolder + ": " + e.getMessage());
        }
      }
    }
  }

  /** Samples per second over {@code timedSeconds}, after two batches that fill the workers and the queue. */
  private double rate(ImageDataset dataset, ViewsPreset preset, int workerCount, double timedSeconds) {
    LoaderSettings settings = LoaderSettings.of(batch, 1).withWorkers(workerCount).withPrefetch(2);
    try (Loader<LocaSample, LocaBatch> loader = LocaLoaders.open(dataset, preset.config(), settings)) {
      for (int i = 0; i < 2; i++) {
        loader.next().close();
      }
      long start = System.nanoTime();
      long deadline = start + (long) (timedSeconds * 1e9);
      int samples = 0;
      while (System.nanoTime() < deadline) {
        loader.next().close();
        samples += batch;
      }
      return samples / ((System.nanoTime() - start) / 1e9);
    }
  }
}
