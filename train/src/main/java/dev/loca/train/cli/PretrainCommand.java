package dev.loca.train.cli;

import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.pretrain.PretrainConfig;
import dev.loca.train.pretrain.Pretrainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @Option(names = "--seed", description = "Seed of parameters, data and masks.")
  Long seed;

  @Mixin
  RunOptions run = new RunOptions();

  @Override
  public void run() {
    run.requireOutOrResume("RUN");
    PretrainConfig cfg;
    try {
      cfg = run.resuming() ? PretrainConfig.read(run.resume) : PretrainConfig.defaults(preset == null ? "cpu" : preset);
      cfg = override(cfg);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    SessionConfig.Device d = device.resolve(spec.commandLine().getErr(), cfg.device());
    cfg = cfg.with("device", DeviceOptions.name(d));
    runWithStopHook(new Pretrainer(cfg, run.folder(), System.out, d), run.resuming());
  }

  private PretrainConfig override(PretrainConfig cfg) {
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("preset", preset);
    flags.put("data", data);
    flags.put("steps", steps);
    flags.put("batch", batch);
    flags.put("baseLr", lr);
    run.addTo(flags);
    flags.put("seed", seed);
    return ConfigFlags.apply(cfg, flags, run.sets, PretrainConfig::with);
  }

  /** Runs the trainer; Ctrl-C asks it to stop after the current step, waits for its checkpoint and exits 0. */
  static Pretrainer.Outcome runWithStopHook(Pretrainer trainer, boolean resume) {
    return StopHook.run(trainer::requestStop, () -> trainer.run(resume));
  }
}
