package dev.loca.train.cli;

import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Sample;
import dev.loca.runtime.data.SampleSeeds;
import dev.loca.train.views.LocaSample;
import dev.loca.train.views.ViewMaker;
import dev.loca.train.views.ViewsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loca data preview}: one image's reference and query views with their correspondence labels. */
@Command(name = "preview", mixinStandardHelpOptions = true,
    description = {"Draw one image's LOCA views: the reference with its patch grid, each patch coloured by its"
        + " position, and every query with each patch coloured like the reference patch it is labelled with"
        + " (grey: outside the reference).",
        "Boxes on the original: reference white, query0 cyan, focal queries yellow."})
final class PreviewCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Option(names = "--data", defaultValue = DataSources.SYNTHETIC,
      description = "Dataset: a folder of images, or 'synthetic' (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--out", required = true, description = "PNG file to write.")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the random views (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--index", defaultValue = "0", description = "Which dataset item (default: ${DEFAULT-VALUE}).")
  int index;

  @Option(names = "--preset", defaultValue = "faithful",
      description = "View recipe: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ViewsPreset preset;

  @Override
  public void run() {
    ImageDataset dataset = DataSources.open(data);
    if (index < 0 || index >= dataset.size()) {
      throw new UserError("--index " + index + ": expected 0 to " + (dataset.size() - 1) + " for "
          + dataset.describe());
    }
    Sample sample;
    try {
      sample = dataset.get(index);
    } catch (BadSampleException e) {
      throw new UserError("--index " + index + ": " + e.getMessage());
    }
    ViewsConfig config = preset.config();
    LocaSample views = new ViewMaker(config).make(sample.id(), sample.image(),
        new SplittableRandom(SampleSeeds.mix(seed, 0, index)));
    Path target = out.toAbsolutePath();
    if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
      throw new UserError("--out " + out + ": folder " + target.getParent() + " does not exist");
    }
    try {
      ImageIO.write(new PreviewPainter(config).paint(sample.image(), views), "png", target.toFile());
    } catch (IOException e) {
      throw new UserError("--out " + out + ": cannot write (" + e.getMessage() + ")");
    }
    long labelled = views.focal().stream().flatMapToInt(q -> java.util.Arrays.stream(q.labels()))
        .filter(l -> l >= 0).count() + java.util.Arrays.stream(views.query0().labels()).filter(l -> l >= 0).count();
    long total = (long) config.focalCount() * config.focalGrid() * config.focalGrid()
        + (long) config.query0Grid() * config.query0Grid();
    spec.commandLine().getOut().printf("wrote %s: %s (%dx%d), preset %s, %d of %d query patches labelled%n", out,
        sample.id(), sample.image().width(), sample.image().height(), preset, labelled, total);
    spec.commandLine().getOut().flush();
  }
}
