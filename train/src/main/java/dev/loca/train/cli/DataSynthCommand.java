package dev.loca.train.cli;

import dev.loca.runtime.data.Ade20kLayoutWriter;
import dev.loca.runtime.data.synthetic.SyntheticScenes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loca data synth}: writes the embedded synthetic scenes as files in the ADE20K layout, so that they can
 * be used (and looked at) as a file dataset.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = {"Write synthetic scenes in the ADE20K layout: images/<split>/scene_N.jpg,"
        + " annotations/<split>/scene_N.png (grey, value = class + 1, 0 = not labelled) and classes.txt.",
        "Any --data option reads them back as DIR (or DIR#<split>)."})
final class DataSynthCommand implements Runnable {
  private static final int MIN_SIDE = 8;
  private static final int MAX_SIDE = 8192;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (new or empty).")
  Path out;

  @Option(names = "--images", required = true, paramLabel = "N", description = "Number of scenes.")
  int images;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--width", defaultValue = "" + SyntheticScenes.DEFAULT_WIDTH, paramLabel = "W",
      description = "Scene width in pixels (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--height", defaultValue = "" + SyntheticScenes.DEFAULT_HEIGHT, paramLabel = "H",
      description = "Scene height in pixels (default: ${DEFAULT-VALUE}).")
  int height;

  @Option(names = "--split", defaultValue = "training", paramLabel = "NAME",
      description = "Split folder name (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--quality", defaultValue = "90", paramLabel = "Q",
      description = "JPEG quality 1..100 (default: ${DEFAULT-VALUE}).")
  int quality;

  @Override
  public void run() {
    checkOptions();
    Ade20kLayoutWriter writer = new Ade20kLayoutWriter(out, split, "scene", quality / 100f);
    checkEmpty(writer.imageFolder());
    checkEmpty(writer.annotationFolder());
    PrintWriter console = spec.commandLine().getOut();
    long start = System.nanoTime();
    try {
      writer.write(new SyntheticScenes(images, seed, width, height), images, done -> {
        if (images >= 100 && done % (images / 10) == 0 && done < images) {
          console.printf(Locale.ROOT, "  %d/%d scenes%n", done, images);
          console.flush();
        }
      });
    } catch (IOException e) {
      throw new UserError("cannot write the scenes to " + out + ": " + e);
    }
    console.printf(Locale.ROOT, "wrote %d synthetic scenes of %dx%d (seed %d) to %s in %.1f s: %s, %s, classes.txt%n",
        images, width, height, seed, out, (System.nanoTime() - start) / 1e9, out.relativize(writer.imageFolder()),
        out.relativize(writer.annotationFolder()));
    console.flush();
  }

  private void checkOptions() {
    if (images < 1) {
      throw new UserError("--images must be at least 1, got " + images);
    }
    if (width < MIN_SIDE || width > MAX_SIDE || height < MIN_SIDE || height > MAX_SIDE) {
      throw new UserError("--width and --height must be in " + MIN_SIDE + ".." + MAX_SIDE + ", got " + width + "x"
          + height);
    }
    if (quality < 1 || quality > 100) {
      throw new UserError("--quality must be in 1..100, got " + quality);
    }
    if (!split.matches("[A-Za-z0-9_-]+")) {
      throw new UserError("--split must be a plain folder name (letters, digits, - and _), got '" + split + "'");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UserError("--out " + out + " is a file; expected a new or empty folder");
    }
  }

  private static void checkEmpty(Path folder) {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      if (entries.findAny().isPresent()) {
        throw new UserError(folder + " already holds files; give --out a new or empty folder");
      }
    } catch (IOException e) {
      throw new UserError("cannot read " + folder + ": " + e);
    }
  }
}
