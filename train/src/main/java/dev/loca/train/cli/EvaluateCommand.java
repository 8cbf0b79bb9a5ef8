package dev.loca.train.cli;

import dev.loca.eval.report.EvaluationReport;
import dev.loca.eval.report.IouTable;
import dev.loca.eval.report.MetricsJson;
import dev.loca.eval.segment.Evaluation;
import dev.loca.eval.segment.EvaluationException;
import dev.loca.eval.segment.EvaluationSettings;
import dev.loca.eval.segment.InferenceMode;
import dev.loca.eval.segment.SegmentationEvaluator;
import dev.loca.eval.segment.Segmenter;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.Sample;
import dev.loca.runtime.data.SkipLog;
import dev.loca.runtime.data.synthetic.SyntheticScenes;
import dev.loca.runtime.ort.OrtFailure;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.pretrain.HeldOutEvaluation;
import dev.loca.train.pretrain.PretrainConfig;
import dev.loca.train.pretrain.Pretrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loca evaluate}: a fine-tuned segmenter's mIoU on a labelled dataset ({@code --model}), or a pretraining
 * run's position-prediction accuracy on held-out images ({@code --position}).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a fine-tuned segmenter (--model FT --data D): per-class IoU, mIoU, pixel accuracy;"
        + " writes metrics.json, predictions.png and confusion.png.",
        "Or a pretraining run (--position RUN): position-prediction accuracy on held-out images against chance."})
final class EvaluateCommand implements Runnable {
  /** The seed of the default held-out scenes of {@code --position}. */
  static final long HELD_OUT_SEED = 777;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", description = "Fine-tuned segmenter folder (segmenter.json + segmenter.onnx).")
  Path model;

  @Option(names = "--position",
      description = "Pretraining run folder: evaluate its last checkpoint's position accuracy.")
  Path position;

  @Option(names = "--data", description = "Labelled dataset (ADE20K or VOC folder, #split allowed, or synthetic[:...]);"
      + " with --position, held-out images (default: synthetic scenes of the run's size, seed " + HELD_OUT_SEED + ").")
  String data;

  @Option(names = "--mode", description = "whole or slide (default: slide). whole: the image resized to the input"
      + " size; slide: short side resized to it, windows every 2/3 of a window, overlapping logits averaged.")
  String mode;

  @Option(names = "--out", description = "Folder for metrics.json and the PNGs (default: FT/eval or RUN/eval).")
  Path out;

  @Option(names = "--batch", description = "Windows per ONNX Runtime run (default: 8, fewer for large logits).")
  Integer batch;

  @Option(names = "--images", description = "Evaluate only the first N images (--position: default 64).")
  Integer images;

  @Mixin
  DeviceOptions device;

  private SessionConfig.Device resolved;

  @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (0: its default).")
  int threads;

  @Option(names = "--skip-bad", description = "Skip unreadable images and masks with a warning instead of stopping.")
  boolean skipBad;

  @Override
  public void run() {
    if ((model == null) == (position == null)) {
      throw new UserError("give exactly one of --model FT (a fine-tuned segmenter) and --position RUN (a"
          + " pretraining run)");
    }
    if (threads < 0) {
      throw new UserError("--threads must be >= 0, got " + threads);
    }
    if (images != null && images <= 0) {
      throw new UserError("--images must be positive, got " + images);
    }
    if (batch != null && batch <= 0) {
      throw new UserError("--batch must be positive, got " + batch);
    }
    try {
      if (model != null) {
        evaluateSegmenter();
      } else {
        evaluatePosition();
      }
    } catch (EvaluationException e) {
      throw new UserError(e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError("I/O error: " + e.getMessage(), e);
    }
  }

  private void evaluateSegmenter() throws IOException {
    if (data == null) {
      throw new UserError("--model needs --data: a labelled dataset (ADE20K or Pascal VOC folder, or synthetic)");
    }
    InferenceMode m = mode == null ? InferenceMode.DEFAULT : InferenceMode.parse(mode);
    ImageDataset dataset = firstImages(DataSources.open(data));
    SessionConfig session = SessionConfig.defaults().withIntraOpThreads(threads).withDevice(device());
    PrintWriter w = spec.commandLine().getOut();
    Path folder = out != null ? out : model.resolve("eval");
    Evaluation e;
    try (Segmenter segmenter = Segmenter.open(model, session)) {
      int b = batch != null ? batch
          : EvaluationSettings.defaultBatch(segmenter.card().classes(), segmenter.card().imageSize());
      EvaluationSettings settings = EvaluationSettings.defaults().withMode(m).withBatch(b).withSkipBad(skipBad);
      w.printf(Locale.ROOT, "evaluating %s (%d classes, input %d, %s mode, batch %d) on %s%n", model,
          segmenter.card().classes(), segmenter.card().imageSize(), m.label(), b, dataset.describe());
      w.flush();
      SkipLog log = new SkipLog(line -> spec.commandLine().getErr().println(line));
      int total = dataset.size();
      int every = Math.max(1, total / 10);
      e = SegmentationEvaluator.run(segmenter, dataset, settings, log, done -> {
        if (done % every == 0 || done == total) {
          w.printf(Locale.ROOT, "  %d/%d images%n", done, total);
          w.flush();
        }
      });
    } catch (OrtFailure f) {
      throw new UserError(f.getMessage(), f);
    }
    w.println();
    w.print(IouTable.format(e.classNames(), e.confusion()));
    if (e.skipped() > 0) {
      w.printf(Locale.ROOT, "%d bad images or masks skipped (see the warnings above)%n", e.skipped());
    }
    List<Path> files = EvaluationReport.write(folder, e, model, data);
    w.printf(Locale.ROOT, "%d images in %.1f s; wrote %s%n", e.images(), e.seconds(),
        String.join(", ", files.stream().map(Path::toString).toList()));
    w.flush();
  }

  private ImageDataset firstImages(ImageDataset all) {
    if (images == null || images >= all.size()) {
      return all;
    }
    int n = images;
    return new ImageDataset() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public Sample get(int index) throws BadSampleException {
        return all.get(index);
      }

      @Override
      public List<String> classNames() {
        return all.classNames();
      }

      @Override
      public int ignoreLabel() {
        return all.ignoreLabel();
      }

      @Override
      public String describe() {
        return all.describe() + ", first " + n;
      }
    };
  }

  /** The device of every session this command opens, resolved once (auto says which it chose). */
  private SessionConfig.Device device() {
    if (resolved == null) {
      resolved = device.resolve(spec.commandLine().getErr(), "cpu");
    }
    return resolved;
  }

  private void evaluatePosition() throws IOException {
    if (mode != null || skipBad || batch != null) {
      throw new UserError("--mode, --batch and --skip-bad apply to --model only");
    }
    if (!Files.isRegularFile(position.resolve(Pretrainer.CONFIG_FILE))) {
      throw new UserError(position + ": no " + Pretrainer.CONFIG_FILE + " (expected a pretraining run folder)");
    }
    PretrainConfig cfg;
    try {
      cfg = PretrainConfig.read(position).with("threads", Integer.toString(threads))
          .with("device", DeviceOptions.name(device()));
    } catch (IllegalArgumentException e) {
      throw new UserError(position.resolve(Pretrainer.CONFIG_FILE) + ": " + e.getMessage(), e);
    }
    int n = images == null ? 64 : images;
    String heldOut = data != null ? data : heldOutScenes(cfg.data(), n);
    PrintWriter w = spec.commandLine().getOut();
    if (heldOut.strip().equals(cfg.data().strip())) {
      spec.commandLine().getErr().println("warning: --data is the run's training data; the accuracy is not held-out");
    }
    DataSources.open(heldOut); // a bad --data is one line before the model is built
    HeldOutEvaluation.Result r;
    try {
      r = HeldOutEvaluation.positionAccuracy(position, cfg, heldOut, n);
    } catch (IllegalArgumentException | OrtFailure e) {
      throw new UserError(e.getMessage(), e);
    }
    int positions = LocaConfig.preset(cfg.preset()).referencePositions();
    double chance = 1.0 / positions;
    w.printf(Locale.ROOT, "position accuracy %.4f on %d held-out images (%s, checkpoint step %d)%n",
        r.positionAccuracy(), r.images(), heldOut, r.step());
    w.printf(Locale.ROOT, "chance 1/%d = %.4f; %.1fx chance%n", positions, chance, r.positionAccuracy() / chance);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("task", "position");
    metrics.put("run", position.toAbsolutePath().normalize().toString());
    metrics.put("preset", cfg.preset());
    metrics.put("step", r.step());
    metrics.put("data", heldOut);
    metrics.put("images", r.images());
    metrics.put("positionAccuracy", r.positionAccuracy());
    metrics.put("referencePositions", positions);
    metrics.put("chance", chance);
    metrics.put("ratioToChance", r.positionAccuracy() / chance);
    Path folder = out != null ? out : position.resolve("eval");
    Files.createDirectories(folder);
    Path file = folder.resolve(MetricsJson.FILE_NAME);
    MetricsJson.write(file, MetricsJson.of(metrics));
    w.printf(Locale.ROOT, "wrote %s%n", file);
    w.flush();
  }

  /**
   * Held-out scenes like a run's synthetic training data: the same image size, {@code images} of them, seed
   * {@value #HELD_OUT_SEED} (778 if the run trained on seed 777).
   */
  static String heldOutScenes(String trainingData, int images) {
    String s = trainingData.strip();
    if (!s.equals(DataSources.SYNTHETIC) && !s.startsWith(DataSources.SYNTHETIC + ":")) {
      throw new UserError("the run trained on " + trainingData + ": give --data with held-out images");
    }
    String size = SyntheticScenes.DEFAULT_WIDTH + "x" + SyntheticScenes.DEFAULT_HEIGHT;
    long seed = HELD_OUT_SEED;
    for (String kv : s.substring(DataSources.SYNTHETIC.length()).replaceFirst("^:", "").split(",")) {
      String[] pair = kv.strip().split("=", 2);
      if (pair.length == 2 && pair[0].strip().equals("size")) {
        size = pair[1].strip();
      }
      if (pair.length == 2 && pair[0].strip().equals("seed") && pair[1].strip().equals(Long.toString(seed))) {
        seed++;
      }
    }
    return String.format(Locale.ROOT, "synthetic:images=%d,seed=%d,size=%s", images, seed, size);
  }
}
