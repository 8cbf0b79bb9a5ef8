package dev.loca.train.cli;

import dev.loca.runtime.loop.DivergenceException;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.pretrain.PretrainConfig;
import dev.loca.train.pretrain.Pretrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loca pretrain}: LOCA pretraining with checkpoints, exact resume and a clean stop on Ctrl-C. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
    description = "Pretrain a ViT with LOCA. Writes config.json, metrics.jsonl, curves.png and checkpoints/ into --out.")
final class PretrainCommand implements Runnable {
  @Option(names = "--preset", description = "LOCA preset (default: cpu).")
  String preset;

  @Option(names = "--data", description = "A dataset path or 'synthetic' (default).")
  String data;

  @Option(names = "--steps", description = "Optimizer steps.")
  Long steps;

  @Option(names = "--batch", description = "Images per step.")
  Integer batch;

  @Option(names = "--lr", description = "Learning rate at batch 1024 (scaled by batch/1024).")
  Double lr;

  @Mixin
  DeviceOptions device;

  @Spec
  CommandSpec spec;

  @Option(names = "--threads", description = "ONNX Runtime threads (0: its default).")
  Integer threads;

  @Option(names = "--seed", description = "Seed of parameters, data and masks.")
  Long seed;

  @Option(names = "--out", description = "Run folder for a new run.")
  Path out;

  @Option(names = "--resume", description = "Run folder to continue from its last checkpoint.")
  Path resume;

  @Option(names = "--set", description = "key=value for any config field (see config.json).")
  List<String> sets = new ArrayList<>();

  @Override
  public void run() {
    if ((out == null) == (resume == null)) {
      throw new UserError("give exactly one of --out RUN (new run) and --resume RUN");
    }
    PretrainConfig cfg;
    try {
      cfg = resume != null ? Pretrainer.readConfig(resume) : PretrainConfig.defaults(preset == null ? "cpu" : preset);
      cfg = override(cfg);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    SessionConfig.Device d = device.resolve(spec.commandLine().getErr(), cfg.device());
    cfg = cfg.with("device", DeviceOptions.name(d));
    Path run = resume != null ? resume : out;
    runWithStopHook(new Pretrainer(cfg, run, System.out, d), resume != null);
  }

  private PretrainConfig override(PretrainConfig cfg) {
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("preset", preset);
    flags.put("data", data);
    flags.put("steps", steps);
    flags.put("batch", batch);
    flags.put("baseLr", lr);
    flags.put("threads", threads);
    flags.put("seed", seed);
    for (Map.Entry<String, Object> f : flags.entrySet()) {
      if (f.getValue() != null) {
        cfg = cfg.with(f.getKey(), f.getValue().toString());
      }
    }
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects key=value, got '" + s + "'");
      }
      cfg = cfg.with(s.substring(0, eq), s.substring(eq + 1));
    }
    return cfg;
  }

  /** Runs the trainer; Ctrl-C asks it to stop after the current step, waits for its checkpoint and exits 0. */
  static Pretrainer.Outcome runWithStopHook(Pretrainer trainer, boolean resume) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      System.out.println();
      System.out.println("loca: stopping after the current step and saving a checkpoint...");
      trainer.requestStop();
      try {
        finished.await(10, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(0);
    }, "loca-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return trainer.run(resume);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    } catch (DivergenceException e) {
      throw new UserError(e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError("I/O error: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new UserError(e.getMessage(), e);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it halts the JVM once the checkpoint is written
      }
    }
  }
}
