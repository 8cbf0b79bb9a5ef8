package dev.loca.train.cli;

import dev.loca.eval.finetune.FinetuneConfig;
import dev.loca.eval.finetune.Finetuner;
import dev.loca.eval.metrics.SegmentationScores;
import dev.loca.eval.report.EvaluationReport;
import dev.loca.eval.segment.Evaluation;
import dev.loca.eval.segment.EvaluationSettings;
import dev.loca.eval.segment.SegmentationEvaluator;
import dev.loca.eval.segment.Segmenter;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.data.DatasetException;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.SkipLog;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.pretrain.HeldOutEvaluation;
import dev.loca.train.pretrain.PretrainConfig;
import dev.loca.train.pretrain.Pretrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loca demo}: the main job on embedded data, everything in one run folder. Pretrains the CPU preset with
 * LOCA on the synthetic scenes, measures position accuracy on held-out scenes against chance, then fine-tunes a
 * segmenter in the few-shot setting twice with the same budget, from the LOCA encoder and from a random one, and
 * reports both mIoU on held-out scenes; the LOCA-initialised segmenter is exported as portable ONNX.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Pretrain the cpu preset on the embedded synthetic scenes, report held-out position accuracy,",
        "then fine-tune a few-shot segmenter from the LOCA encoder and from a random one and compare their mIoU."})
final class DemoCommand implements Runnable {
  /** Pretraining and fine-tuning scenes (labelled; pretraining ignores the labels). */
  static final String TRAINING_SCENES = "synthetic:images=4096,seed=0,size=160x120";
  /** Held-out scenes: another generator seed. */
  static final String HELD_OUT_SEED = "777";

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", defaultValue = "runs/demo", description = "Run folder (a new one is made if it exists;"
      + " default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--steps", defaultValue = "400", description = "Pretraining steps (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--batch", defaultValue = "16", description = "Images per pretraining step (default:"
      + " ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--held-out", defaultValue = "64", description = "Held-out images for position accuracy and mIoU"
      + " (default: ${DEFAULT-VALUE}).")
  int heldOut;

  @Option(names = "--shots", defaultValue = "32", description = "Labelled images of the few-shot fine-tuning"
      + " (default: ${DEFAULT-VALUE}).")
  int shots;

  @Option(names = "--finetune-steps", defaultValue = "200", description = "Steps of each fine-tuning (default:"
      + " ${DEFAULT-VALUE}).")
  long finetuneSteps;

  @Override
  public void run() {
    if (steps <= 0 || batch <= 0 || heldOut <= 0 || shots <= 0 || finetuneSteps <= 0) {
      throw new UserError("expected --steps, --batch, --held-out, --shots and --finetune-steps > 0");
    }
    PrintWriter w = spec.commandLine().getOut();
    Path run = freshFolder(out);
    long began = System.nanoTime();

    PretrainConfig cfg = PretrainConfig.defaults("cpu").with("steps", Long.toString(steps))
        .with("batch", Integer.toString(batch)).with("data", TRAINING_SCENES)
        .with("baseLr", "0.1").with("checkpointEvery", Long.toString(Math.max(1, steps / 4)));
    Pretrainer.Outcome outcome = PretrainCommand.runWithStopHook(new Pretrainer(cfg, run, System.out), false);
    if (outcome.interrupted()) {
      return;
    }
    double pretrainMinutes = minutesSince(began);
    LocaConfig lc = LocaConfig.preset(cfg.preset());
    String heldOutScenes = "synthetic:images=" + heldOut + ",seed=" + HELD_OUT_SEED + ",size=160x120";
    HeldOutEvaluation.Result held = HeldOutEvaluation.positionAccuracy(run, cfg, heldOutScenes, heldOut);

    Path fromLoca = run.resolve("finetune-loca");
    Path fromRandom = run.resolve("finetune-random");
    finetune(run.toString(), fromLoca);
    finetune(FinetuneConfig.RANDOM, fromRandom);
    SegmentationScores loca = evaluate(fromLoca, heldOutScenes);
    SegmentationScores random = evaluate(fromRandom, heldOutScenes);
    Path exported = run.resolve("segmenter.onnx");
    export(fromLoca, exported);

    double chance = 1.0 / lc.referencePositions();
    List<Map<String, Double>> rows = outcome.rows();
    w.printf(Locale.ROOT, "%nLOCA demo: %s (%.1f min in all)%n", run.toAbsolutePath(), minutesSince(began));
    w.printf(Locale.ROOT, "  pretraining      preset cpu, %d steps of batch %d, %.1f min; loss %.3f -> %.3f%n",
        outcome.steps(), batch, pretrainMinutes, mean(rows.subList(0, Math.min(10, rows.size()))),
        mean(rows.subList(Math.max(0, rows.size() - 10), rows.size())));
    w.printf(Locale.ROOT, "  position accuracy %.3f on %d held-out images (chance %.4f, %.1fx chance)%n",
        held.positionAccuracy(), held.images(), chance, held.positionAccuracy() / chance);
    w.printf(Locale.ROOT, "  few-shot segmentation (%d labelled images, %d steps each, mIoU on %d held-out images):%n",
        shots, finetuneSteps, heldOut);
    w.printf(Locale.ROOT, "    %-22s mIoU %5.1f  pixel accuracy %5.1f%n", "LOCA-pretrained encoder",
        100 * loca.meanIou(), 100 * loca.pixelAccuracy());
    w.printf(Locale.ROOT, "    %-22s mIoU %5.1f  pixel accuracy %5.1f%n", "random encoder",
        100 * random.meanIou(), 100 * random.pixelAccuracy());
    w.printf(Locale.ROOT, "  curves: %s, %s, %s%n", run.resolve(Pretrainer.PLOT_FILE),
        fromLoca.resolve(Finetuner.PLOT_FILE), fromRandom.resolve(Finetuner.PLOT_FILE));
    w.printf(Locale.ROOT, "  reports: %s, %s%n", fromLoca.resolve("eval"), fromRandom.resolve("eval"));
    w.printf(Locale.ROOT, "  exported: %s (the LOCA-initialised segmenter, portable ONNX opset 17, normalisation"
        + " inside: RGB in [0, 1] in, logits and class map out)%n", exported);
    w.flush();
  }

  private void finetune(String encoder, Path folder) {
    FinetuneConfig ft = FinetuneConfig.defaults(encoder).with("data", TRAINING_SCENES)
        .with("shots", Integer.toString(shots)).with("steps", Long.toString(finetuneSteps))
        .with("checkpointEvery", Long.toString(finetuneSteps));
    Finetuner finetuner = new Finetuner(ft, folder, System.out);
    StopHook.run(finetuner::requestStop, () -> finetuner.run(false));
  }

  private SegmentationScores evaluate(Path model, String data) {
    try (Segmenter segmenter = Segmenter.open(model, SessionConfig.defaults())) {
      ImageDataset scenes = Datasets.open(data);
      Evaluation e = SegmentationEvaluator.run(segmenter, scenes, EvaluationSettings.defaults(),
          new SkipLog(line -> spec.commandLine().getErr().println(line)), done -> { });
      EvaluationReport.write(model.resolve("eval"), e, model, data);
      return e.confusion().scores();
    } catch (DatasetException | IOException e) {
      throw new UserError("evaluating " + model + ": " + e.getMessage(), e);
    }
  }

  /** {@code loca export} of the fine-tuned segmenter, the same code path as the command. */
  private void export(Path segmenter, Path onnx) {
    CommandLine export = LocaMain.commandLine().setOut(spec.commandLine().getOut())
        .setErr(spec.commandLine().getErr());
    int code = export.execute("export", "--from", segmenter.toString(), "--what", "segmenter", "--out",
        onnx.toString(), "--normalize-inside");
    if (code != 0) {
      throw new UserError("exporting " + segmenter + " failed (exit " + code + "; see above)");
    }
  }

  private static double minutesSince(long nanos) {
    return (System.nanoTime() - nanos) / 6e10;
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
