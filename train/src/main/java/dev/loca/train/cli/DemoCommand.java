package dev.loca.train.cli;

import dev.loca.graphs.loca.LocaConfig;
import dev.loca.train.pretrain.HeldOutEvaluation;
import dev.loca.train.pretrain.PretrainConfig;
import dev.loca.train.pretrain.Pretrainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loca demo}: the main job on embedded data. Pretrains the CPU preset with LOCA on the synthetic scenes
 * for a few minutes, then measures position accuracy on held-out scenes against chance.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Pretrain the cpu preset on the embedded synthetic scenes and report held-out position accuracy.")
final class DemoCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", defaultValue = "runs/demo", description = "Run folder (a new one is made if it exists; default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--steps", defaultValue = "400", description = "Pretraining steps (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--batch", defaultValue = "16", description = "Images per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--held-out", defaultValue = "64", description = "Held-out images for the accuracy (default: ${DEFAULT-VALUE}).")
  int heldOut;

  @Override
  public void run() {
    PrintWriter w = spec.commandLine().getOut();
    Path run = freshFolder(out);
    PretrainConfig cfg = PretrainConfig.defaults("cpu").with("steps", Long.toString(steps))
        .with("batch", Integer.toString(batch)).with("data", "synthetic:images=4096,seed=0,size=160x120")
        .with("baseLr", "0.1").with("checkpointEvery", Long.toString(Math.max(1, steps / 4)));
    long began = System.nanoTime();
    Pretrainer.Outcome outcome = PretrainCommand.runWithStopHook(new Pretrainer(cfg, run, System.out), false);
    double minutes = (System.nanoTime() - began) / 6e10;
    LocaConfig lc = LocaConfig.preset(cfg.preset());
    HeldOutEvaluation.Result held = HeldOutEvaluation.positionAccuracy(run, cfg,
        "synthetic:images=" + heldOut + ",seed=777,size=160x120", heldOut);
    double chance = 1.0 / lc.referencePositions();
    List<Map<String, Double>> rows = outcome.rows();
    w.printf(Locale.ROOT, "%nLOCA demo (preset cpu, %d steps of batch %d, %.1f min)%n", outcome.steps(), batch, minutes);
    w.printf(Locale.ROOT, "  training loss            %.3f -> %.3f%n", mean(rows.subList(0, Math.min(10, rows.size()))),
        mean(rows.subList(Math.max(0, rows.size() - 10), rows.size())));
    w.printf(Locale.ROOT, "  held-out position accuracy %.3f on %d images (chance %.4f, %.1fx chance)%n",
        held.positionAccuracy(), held.images(), chance, held.positionAccuracy() / chance);
    w.printf(Locale.ROOT, "  curves: %s%n", run.resolve(Pretrainer.PLOT_FILE).toAbsolutePath());
    w.println("  segmentation fine-tuning and export join the demo with the fine-tuning and export issues.");
    w.flush();
  }

  private static double mean(List<Map<String, Double>> rows) {
    return rows.stream().mapToDouble(r -> r.get("loss")).average().orElse(Double.NaN);
  }

  /** {@code out}, or {@code out-2}, {@code out-3}, ... when it already exists: a demo never overwrites a run. */
  private static Path freshFolder(Path out) {
    Path p = out;
    for (int i = 2; Files.exists(p); i++) {
      p = out.resolveSibling(out.getFileName() + "-" + i);
    }
    return p;
  }
}
