package dev.loca.eval.finetune;

import dev.loca.graph.artifacts.OptimizerSettings;
import dev.loca.graph.artifacts.TrainingArtifacts;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.graphs.seg.SegmenterGraphs;
import dev.loca.graphs.vit.DropPath;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.runtime.data.DatasetException;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderPosition;
import dev.loca.runtime.data.LoaderSettings;
import dev.loca.runtime.data.ops.ColorOps;
import dev.loca.runtime.loop.CheckpointStore;
import dev.loca.runtime.loop.ConfigRecords;
import dev.loca.runtime.loop.DivergenceGuard;
import dev.loca.runtime.loop.MetricsLog;
import dev.loca.runtime.loop.Plots;
import dev.loca.runtime.loop.ProgressBar;
import dev.loca.runtime.loop.Schedules;
import dev.loca.runtime.loop.StopSignal;
import dev.loca.runtime.ort.SessionConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The fine-tuning loop: labelled data → {@link SegmentationAugment} → {@link FinetuneStep} with the poly
 * schedule, metrics, progress, plots and checkpoints in one folder FT, and the fine-tuned segmenter
 * ({@value SegmenterCard#FILE_NAME} + {@value SegmenterCard#MODEL_FILE}) rewritten atomically at every checkpoint.
 * Resume continues from the last complete checkpoint with the same data order; {@link #requestStop()}
 * (Ctrl-C) ends the run after the current step with a checkpoint; a non-finite loss stops it naming the step.
 */
public final class Finetuner {
  public static final String METRICS_FILE = "metrics.jsonl";
  public static final String PLOT_FILE = "curves.png";
  static final String CHECKPOINT_FILE = "segmenter.ckpt";
  static final String STATE_FILE = "state.properties";
  static final List<String> PLOTTED = List.of("loss", "pixel_accuracy", "lr", "images_per_s");

  private final FinetuneConfig cfg;
  private final Path folder;
  private final PrintStream out;
  private final SessionConfig.Device device;
  private final StopSignal stop = new StopSignal();

  /**
   * What a run ended with.
   *
   * @param steps optimizer steps completed
   * @param totalSteps the run's length
   * @param interrupted whether it stopped early on request
   * @param rows the logged metrics of this invocation
   * @param card the fine-tuned segmenter's card
   */
  public record Outcome(long steps, long totalSteps, boolean interrupted, List<Map<String, Double>> rows,
      SegmenterCard card) {}

  /** A fine-tuner whose session runs on the device {@code cfg.device()} names (CUDA device 0 for cuda). */
  public Finetuner(FinetuneConfig cfg, Path folder, PrintStream out) {
    this(cfg, folder, out, SessionConfig.Device.named(cfg.device()));
  }

  /** A fine-tuner whose session runs on {@code device}, whatever {@code cfg.device()} says. */
  public Finetuner(FinetuneConfig cfg, Path folder, PrintStream out, SessionConfig.Device device) {
    this.cfg = cfg;
    this.folder = folder;
    this.out = out;
    this.device = device;
  }

  /** Ends the run after the current step, saving a checkpoint. */
  public void requestStop() {
    stop.request();
  }

  /** A fresh run that stops (with a checkpoint) after step {@code step}, as Ctrl-C there would. */
  public Outcome runUntil(long step) throws IOException {
    stop.stopAfter(step);
    return run(false);
  }

  /** Starts a fresh run in the folder, or continues it from its last checkpoint when {@code resume}. */
  public Outcome run(boolean resume) throws IOException {
    ImageDataset data = trainingSet(openData());
    CheckpointStore store = new CheckpointStore(folder.resolve(CheckpointStore.RUN_SUBFOLDER), cfg.keep());
    Optional<Path> latest = store.startingPoint(resume, folder);
    SegmenterGraphs.Training graphs;
    SegmenterCard card;
    if (resume) {
      card = SegmenterCard.read(folder);
      graphs = SegmenterGraphs.training(card, cfg.seed());
    } else {
      InitialEncoder init = initialEncoder(data);
      card = init.card();
      graphs = init.graphs();
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(ConfigRecords.FILE_NAME), cfg.toJson(), StandardCharsets.UTF_8);
      writeAtomically(folder.resolve(SegmenterCard.FILE_NAME), card.toJson().getBytes(StandardCharsets.UTF_8));
    }
    out.print("config:\n" + cfg);
    out.printf(Locale.ROOT, "data: %s, %d classes; encoder %s (%s, %d-px crops, %dx%d grid)%s%n", data.describe(),
        card.classes(), card.encoderSource(), card.encoder().name(), card.imageSize(), card.grid(), card.grid(),
        cfg.frozen() ? "; encoder frozen (linear probe)" : "");
    // the pretraining presets' backward flavour: 1.6-2x faster fine-tuning steps than the fused one on the CPU
    TrainingArtifacts artifacts = SegmenterGraphs.artifacts(graphs, cfg.frozen(), LocaConfig.PRESET_FLAVOUR,
        optimizer());
    long totalSteps = totalSteps(data);
    long start = 0;
    LoaderPosition position = LoaderPosition.START;
    if (latest.isPresent()) {
      Properties state = new Properties();
      try (var in = Files.newInputStream(latest.get().resolve(STATE_FILE))) {
        state.load(in);
      }
      start = Long.parseLong(state.getProperty("step"));
      position = new LoaderPosition(Integer.parseInt(state.getProperty("epoch")),
          Integer.parseInt(state.getProperty("batch")));
      out.printf(Locale.ROOT, "resuming %s from step %d (loader at %s)%n", folder, start, position);
    } else if (resume) {
      out.printf(Locale.ROOT, "resuming %s: no complete checkpoint yet, starting from step 0%n", folder);
    }
    SegmentationAugment augment = new SegmentationAugment(card.imageSize(), cfg.minScale(), cfg.maxScale(),
        card.mean(), card.std(), card.ignoreLabel());
    LoaderSettings settings = LoaderSettings.of(cfg.batch(), cfg.seed()).withWorkers(cfg.workers())
        .withStart(position).withWarnings(out::println);
    List<Map<String, Double>> rows = new ArrayList<>();
    DivergenceGuard guard = new DivergenceGuard();
    ProgressBar progress = ProgressBar.forConsole(totalSteps).showingAccuracy("pixel_accuracy", "pixel acc");
    Path metricsFile = folder.resolve(METRICS_FILE);
    long warmup = Math.round(cfg.warmupFraction() * totalSteps);
    long t = start;
    try (FinetuneStep step = latest.isPresent()
            ? FinetuneStep.resume(artifacts, latest.get().resolve(CHECKPOINT_FILE), session(), (float) cfg.weightDecay())
            : FinetuneStep.open(artifacts, session(), (float) cfg.weightDecay());
        Loader<SegmentationAugment.Result, SegmentationBatch> loader = Loader.open(data, augment,
            new SegmentationBatch.Assembler(card.imageSize()), settings);
        MetricsLog log = latest.isPresent() ? MetricsLog.openForResume(metricsFile, start)
            : MetricsLog.create(metricsFile)) {
      while (t < totalSteps) {
        long began = System.nanoTime();
        try (SegmentationBatch batch = loader.next()) {
          double waitMs = (System.nanoTime() - began) / 1e6;
          double lr = Schedules.poly(t, totalSteps, warmup, cfg.lr(), cfg.polyPower(), cfg.finalLr());
          FinetuneStep.Metrics m = step.step(batch, dropPath(card.encoder(), batch.size(), t), lr);
          guard.check(t + 1, m.loss());
          double stepMs = (System.nanoTime() - began) / 1e6;
          Map<String, Double> row = row(t + 1, lr, m, batch.size() * 1000.0 / stepMs, waitMs, stepMs);
          log.log(row);
          rows.add(row);
          progress.update(t + 1, row, row.get("images_per_s"));
        }
        t++;
        boolean stopping = stop.stopsAt(t);
        if (t % cfg.checkpointEvery() == 0 || t == totalSteps || stopping) {
          save(store, step, card, loader.position(), t);
        }
        if (stopping) {
          break;
        }
      }
      progress.finish();
    }
    boolean interrupted = t < totalSteps;
    out.printf(Locale.ROOT, "%s after step %d of %d; segmenter in %s%n", interrupted ? "stopped" : "finished", t,
        totalSteps, folder.toAbsolutePath());
    return new Outcome(t, totalSteps, interrupted, rows, card);
  }

  /** AdamW (see {@link FinetuneConfig} for why not momentum SGD) with the configured decay, no clipping. */
  OptimizerSettings optimizer() {
    return OptimizerSettings.adamW().withWeightDecay((float) cfg.weightDecay());
  }

  private SessionConfig session() {
    return SessionConfig.training().withIntraOpThreads(cfg.threads()).withDevice(device);
  }

  private ImageDataset openData() {
    ImageDataset data;
    try {
      data = Datasets.open(cfg.data());
    } catch (DatasetException e) {
      throw new IllegalArgumentException("--data " + cfg.data() + ": " + e.getMessage(), e);
    }
    if (data.classNames().isEmpty()) {
      throw new IllegalArgumentException("--data " + cfg.data() + ": " + data.describe() + " has no label maps"
          + " (expected an ADE20K or Pascal VOC folder, or synthetic)");
    }
    return data;
  }

  private ImageDataset trainingSet(ImageDataset data) {
    if (cfg.shots() == 0) {
      return data;
    }
    if (cfg.shots() > data.size()) {
      throw new IllegalArgumentException("--shots " + cfg.shots() + ": " + data.describe() + " has only "
          + data.size() + " images");
    }
    return new FewShotSubset(data, cfg.shots(), cfg.seed(), cfg.batch());
  }

  private long totalSteps(ImageDataset data) {
    if (cfg.epochs() == 0) {
      return cfg.steps();
    }
    int perEpoch = data.size() / cfg.batch();
    if (perEpoch == 0) {
      throw new IllegalArgumentException("--batch " + cfg.batch() + ": " + data.describe() + " has fewer images"
          + " than one batch");
    }
    return (long) cfg.epochs() * perEpoch;
  }

  /** The card and the training graph with the encoder's initial weights (pretrained or seeded random). */
  private record InitialEncoder(SegmenterCard card, SegmenterGraphs.Training graphs) {}

  private InitialEncoder initialEncoder(ImageDataset data) {
    PretrainedEncoder pretrained = null;
    VitConfig vit;
    String source;
    if (cfg.randomEncoder()) {
      vit = VitConfig.preset(cfg.preset());
      source = FinetuneConfig.RANDOM;
    } else {
      pretrained = PretrainedEncoder.load(Path.of(cfg.encoder()));
      vit = pretrained.vit();
      source = pretrained.run().toAbsolutePath().normalize() + "@step-" + pretrained.step();
    }
    if (cfg.imageSize() % vit.patch() != 0) {
      throw new IllegalArgumentException("--image-size " + cfg.imageSize() + " is not a multiple of the encoder's"
          + " patch " + vit.patch() + " (" + vit.name() + ")");
    }
    int grid = cfg.imageSize() / vit.patch();
    SegmenterCard card = new SegmenterCard(vit.withPosGrid(grid).withStochasticDepth(cfg.dropPath()),
        cfg.imageSize(), data.classNames(), ColorOps.imagenetMean(), ColorOps.imagenetStd(), ignoreLabel(data),
        source);
    SegmenterGraphs.Training t = SegmenterGraphs.training(card, cfg.seed());
    if (pretrained != null) {
      t = new SegmenterGraphs.Training(SegmenterGraphs.withWeights(t.graph(), t.parameters(),
          pretrained.atImageSize(cfg.imageSize()).weights(), false), t.loss(), t.parameters(), t.encoder());
    }
    return new InitialEncoder(card, t);
  }

  /** The dataset's ignore label; datasets without one (every pixel labelled) pad crops with 255. */
  private static int ignoreLabel(ImageDataset data) {
    int ignore = data.ignoreLabel();
    return ignore >= 0 ? ignore : Math.max(255, data.classNames().size());
  }

  /** Stochastic depth for step t, drawn from (seed, t); none for a frozen encoder (a probe runs it as in eval). */
  private float[] dropPath(VitConfig vit, int batch, long t) {
    if (cfg.frozen()) {
      return DropPath.keepAll(vit, batch);
    }
    return DropPath.draw(vit, batch, new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + t));
  }

  private void save(CheckpointStore store, FinetuneStep step, SegmenterCard card, LoaderPosition position, long t)
      throws IOException {
    store.save(t, dir -> {
      step.save(dir.resolve(CHECKPOINT_FILE));
      String state = String.format(Locale.ROOT, "step=%d%nepoch=%d%nbatch=%d%n", t, position.epoch(),
          position.batch());
      Files.writeString(dir.resolve(STATE_FILE), state, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(ConfigRecords.FILE_NAME), cfg.toJson(), StandardCharsets.UTF_8);
    });
    writeAtomically(folder.resolve(SegmenterCard.MODEL_FILE),
        ModelWriter.toBytes(SegmenterGraphs.inference(card, step.weights())));
    writeAtomically(folder.resolve(SegmenterCard.FILE_NAME), card.toJson().getBytes(StandardCharsets.UTF_8));
    try {
      Plots.writeCurves(folder.resolve(PLOT_FILE), MetricsLog.read(folder.resolve(METRICS_FILE)), PLOTTED);
    } catch (IOException | RuntimeException e) {
      out.println("warning: could not draw " + folder.resolve(PLOT_FILE) + ": " + e.getMessage());
    }
  }

  /** Writes a temporary file beside {@code target}, then renames it over the target atomically. */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(".tmp-" + target.getFileName());
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Map<String, Double> row(long step, double lr, FinetuneStep.Metrics m, double imagesPerSecond,
      double waitMs, double stepMs) {
    Map<String, Double> row = new LinkedHashMap<>();
    row.put(MetricsLog.STEP, (double) step);
    row.put("lr", lr);
    row.put("loss", m.loss());
    row.put("pixel_accuracy", m.pixelAccuracy());
    row.put("images_per_s", imagesPerSecond);
    row.put("data_wait_ms", waitMs);
    row.put("step_ms", stepMs);
    return row;
  }
}
