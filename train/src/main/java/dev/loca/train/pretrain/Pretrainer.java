package dev.loca.train.pretrain;

import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.data.DatasetException;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderPosition;
import dev.loca.runtime.data.LoaderSettings;
import dev.loca.runtime.loop.CheckpointStore;
import dev.loca.runtime.loop.ConfigRecords;
import dev.loca.runtime.loop.DivergenceGuard;
import dev.loca.runtime.loop.MetricsLog;
import dev.loca.runtime.loop.Plots;
import dev.loca.runtime.loop.ProgressBar;
import dev.loca.runtime.loop.RssMeter;
import dev.loca.runtime.loop.Schedules;
import dev.loca.runtime.loop.StopSignal;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.views.LocaBatch;
import dev.loca.train.views.LocaLoaders;
import dev.loca.train.views.LocaSample;
import dev.loca.train.views.ViewsConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The pretraining loop: data → {@link LocaStep} (teacher, train step, masked AdamW, EMA) with the lr and
 * momentum schedules, metrics, progress, plots and checkpoints in one run folder, and exact resume from the
 * last complete checkpoint. {@link #requestStop()} (Ctrl-C) ends the run after the current step with a
 * checkpoint.
 */
public final class Pretrainer {
  public static final String CONFIG_FILE = ConfigRecords.FILE_NAME;
  public static final String METRICS_FILE = "metrics.jsonl";
  public static final String PLOT_FILE = "curves.png";
  static final String STUDENT_FILE = LocaArtifacts.STUDENT_CHECKPOINT;
  static final String TEACHER_FILE = "teacher.bin";
  static final String STATE_FILE = "state.properties";
  static final List<String> PLOTTED = List.of("loss", "loss_position", "loss_feature", "loss_memax",
      "position_accuracy", "lr", "momentum", "images_per_s");

  private final PretrainConfig cfg;
  private final Path run;
  private final PrintStream out;
  private final SessionConfig.Device device;
  private final StopSignal stop = new StopSignal();

  /**
   * What a run ended with.
   *
   * @param steps optimizer steps completed
   * @param interrupted whether it stopped early on request
   * @param rows the logged metrics of this invocation
   */
  public record Outcome(long steps, boolean interrupted, List<Map<String, Double>> rows) {}

  public Pretrainer(PretrainConfig cfg, Path run, PrintStream out) {
    this(cfg, run, out, SessionConfig.Device.named(cfg.device()));
  }

  /** A trainer whose sessions (teacher and student) run on {@code device}, whatever {@code cfg.device()} says. */
  public Pretrainer(PretrainConfig cfg, Path run, PrintStream out, SessionConfig.Device device) {
    this.cfg = cfg;
    this.run = run;
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

  /** Starts a fresh run in {@code run}, or continues it from its last checkpoint when {@code resume}. */
  public Outcome run(boolean resume) throws IOException {
    LocaConfig lc = LocaConfig.preset(cfg.preset());
    ImageDataset data = openData();
    CheckpointStore store = new CheckpointStore(run.resolve(CheckpointStore.RUN_SUBFOLDER), cfg.keep());
    Optional<Path> latest = store.startingPoint(resume, run);
    Files.createDirectories(run);
    if (!resume) {
      Files.writeString(run.resolve(CONFIG_FILE), cfg.toJson(), StandardCharsets.UTF_8);
    }
    out.print("config:\n" + cfg);
    LocaArtifacts artifacts = LocaArtifacts.build(lc, cfg.seed(), cfg.batch());
    SessionConfig session = cfg.sessionConfig().withDevice(device);
    long start = 0;
    LoaderPosition position = LoaderPosition.START;
    if (latest.isPresent()) {
      java.util.Properties state = new java.util.Properties();
      try (var in = Files.newInputStream(latest.get().resolve(STATE_FILE))) {
        state.load(in);
      }
      start = Long.parseLong(state.getProperty("step"));
      position = new LoaderPosition(Integer.parseInt(state.getProperty("epoch")),
          Integer.parseInt(state.getProperty("batch")));
      out.printf(Locale.ROOT, "resuming %s from step %d (loader at %s)%n", run, start, position);
    }
    ViewsConfig views = views(lc);
    LoaderSettings settings = LoaderSettings.of(cfg.batch(), cfg.seed()).withWorkers(cfg.workers()).withStart(position)
        .withWarnings(out::println);
    double peakLr = Schedules.scaledLearningRate(cfg.baseLr(), cfg.batch() * cfg.accumulate());
    List<Map<String, Double>> rows = new ArrayList<>();
    DivergenceGuard guard = new DivergenceGuard();
    ProgressBar progress = ProgressBar.forConsole(cfg.steps());
    StepRandomness randomness = StepRandomness.seeded(cfg.seed());
    Path metricsFile = run.resolve(METRICS_FILE);
    long t = start;
    try (LocaStep step = latest.isPresent()
            ? LocaStep.resume(lc, artifacts, latest.get().resolve(STUDENT_FILE), latest.get().resolve(TEACHER_FILE),
                session)
            : LocaStep.open(lc, artifacts, session);
        Loader<LocaSample, LocaBatch> loader = LocaLoaders.open(data, views, settings);
        MetricsLog log = latest.isPresent() ? MetricsLog.openForResume(metricsFile, start)
            : MetricsLog.create(metricsFile)) {
      while (t < cfg.steps()) {
        long began = System.nanoTime();
        List<LocaBatch> batches = new ArrayList<>();
        StepResult r;
        double waitMs;
        try {
          for (int k = 0; k < cfg.accumulate(); k++) {
            batches.add(loader.next());
          }
          waitMs = (System.nanoTime() - began) / 1e6;
          double lr = Schedules.learningRate(t, cfg.steps(), cfg.warmupSteps(), peakLr, cfg.finalLrFraction());
          double momentum = Schedules.momentum(t, cfg.steps(), cfg.momentumBase());
          r = step.step(batches, t, lr, momentum, randomness);
          guard.check(t + 1, r.loss());
          double stepMs = (System.nanoTime() - began) / 1e6;
          Map<String, Double> row = row(t + 1, lr, momentum, r, cfg.batch() * cfg.accumulate() * 1000.0 / stepMs,
              waitMs, stepMs);
          log.log(row);
          rows.add(row);
          progress.update(t + 1, row, row.get("images_per_s"));
        } finally {
          batches.forEach(LocaBatch::close);
        }
        t++;
        boolean stopping = stop.stopsAt(t);
        if (t % cfg.checkpointEvery() == 0 || t == cfg.steps() || stopping) {
          save(store, step, loader.position(), t);
        }
        if (stopping) {
          break;
        }
      }
      progress.finish();
    }
    boolean interrupted = t < cfg.steps();
    out.printf(Locale.ROOT, "%s after step %d of %d; run folder %s%n", interrupted ? "stopped" : "finished", t,
        cfg.steps(), run.toAbsolutePath());
    return new Outcome(t, interrupted, rows);
  }

  /** The faithful views (spec §2) at the sizes, patch and focal-query count of a LOCA preset. */
  static ViewsConfig views(LocaConfig lc) {
    return ViewsConfig.faithful().withSizes(lc.referenceSize(), lc.query0Size(), lc.focalSize(), lc.vit().patch())
        .withFocalCount(lc.focalQueries());
  }

  private ImageDataset openData() {
    try {
      return Datasets.open(cfg.data());
    } catch (DatasetException e) {
      throw new IllegalArgumentException("--data " + cfg.data() + ": " + e.getMessage(), e);
    }
  }

  private void save(CheckpointStore store, LocaStep step, LoaderPosition position, long t) {
    store.save(t, folder -> {
      step.save(folder.resolve(STUDENT_FILE), folder.resolve(TEACHER_FILE));
      String state = String.format(Locale.ROOT, "step=%d%nepoch=%d%nbatch=%d%n", t, position.epoch(),
          position.batch());
      Files.writeString(folder.resolve(STATE_FILE), state, StandardCharsets.UTF_8);
      Files.writeString(folder.resolve(CONFIG_FILE), cfg.toJson(), StandardCharsets.UTF_8);
    });
    try {
      Plots.writeCurves(run.resolve(PLOT_FILE), MetricsLog.read(run.resolve(METRICS_FILE)), PLOTTED);
    } catch (IOException | RuntimeException e) {
      out.println("warning: could not draw " + run.resolve(PLOT_FILE) + ": " + e.getMessage());
    }
  }

  private static Map<String, Double> row(long step, double lr, double momentum, StepResult r, double imagesPerSecond,
      double waitMs, double stepMs) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(MetricsLog.STEP, (double) step);
    m.put("lr", lr);
    m.put("momentum", momentum);
    m.put("loss", r.loss());
    m.put("loss_position", r.lossPosition());
    m.put("loss_feature", r.lossFeature());
    m.put("loss_memax", r.lossMemax());
    m.put("position_accuracy", r.positionAccuracy());
    m.put("images_per_s", imagesPerSecond);
    m.put("data_wait_ms", waitMs);
    m.put("step_ms", stepMs);
    long rss = RssMeter.residentBytes(); // to see that native memory stays flat; −1 where /proc cannot tell
    if (rss >= 0) {
      m.put("rss_mb", rss / (1024.0 * 1024.0));
    }
    return m;
  }
}
