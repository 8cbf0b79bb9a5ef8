package dev.loca.train.cli;

import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loca graphs}: builds and writes a preset's LOCA graphs, and prints their summary. */
@Command(name = "graphs", mixinStandardHelpOptions = true,
    description = "Write the student's training artifacts, the teacher model and summary.json for a preset.")
final class GraphsCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", defaultValue = "cpu", description = "Preset: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      completionCandidates = Presets.class)
  String preset;

  @Option(names = "--out", required = true, description = "Folder to write the models into.")
  Path out;

  @Option(names = "--seed", defaultValue = "42", description = "Parameter initialisation seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--location-only", description = "The location-only ablation (spec §4.6): no teacher, no cluster loss.")
  boolean locationOnly;

  @Option(names = "--batch", defaultValue = "16", description = "Batch at which FLOPs per step are counted (default: ${DEFAULT-VALUE}).")
  int batch;

  /** The preset names, for help and completion. */
  static final class Presets implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return LocaConfig.presetNames().iterator();
    }
  }

  @Override
  public void run() {
    if (!LocaConfig.presetNames().contains(preset)) {
      throw new UserError("unknown preset '" + preset + "'; presets are " + LocaConfig.presetNames());
    }
    if (batch <= 0) {
      throw new UserError("--batch must be positive, got " + batch);
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UserError("--out " + out + " exists and is not a folder");
    }
    PrintWriter w = spec.commandLine().getOut();
    LocaArtifacts a;
    try {
      a = LocaArtifacts.build(LocaConfig.preset(preset).withClusterLoss(!locationOnly), seed, batch);
    } catch (IllegalArgumentException e) {
      throw new UserError("preset " + preset + ": " + e.getMessage(), e);
    }
    a.write(out);
    w.print(a.summary().toText());
    w.println("wrote " + out.toAbsolutePath());
    w.flush();
  }
}
