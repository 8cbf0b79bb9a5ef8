package dev.loca.train.cli;

import dev.loca.eval.finetune.FinetuneConfig;
import dev.loca.eval.finetune.Finetuner;
import dev.loca.runtime.ort.SessionConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loca finetune}: Segmenter linear-decoder fine-tuning of a pretrained (or random) encoder. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = {"Fine-tune a segmenter (ViT encoder + Segmenter linear decoder) on labelled data. Writes "
        + "config.json, metrics.jsonl, curves.png, checkpoints/ and the fine-tuned model (segmenter.json + "
        + "segmenter.onnx) into --out.",
        "Defaults: AdamW lr 1e-4, weight decay 0.01 (1-D parameters exempt), poly(0.9) decay to 0, batch 8, 64-px "
            + "crops, drop path 0.1, random resize 0.5-2.0 + crop + flip + photometric distortion."})
final class FinetuneCommand implements Runnable {
  @Option(names = "--encoder", description = "A pretraining run folder (its latest checkpoint's student encoder)"
      + " or 'random'.")
  String encoder;

  @Option(names = "--preset", description = "Encoder preset for --encoder random (default: cpu).")
  String preset;

  @Option(names = "--data", description = "Labelled data: an ADE20K or VOC folder, or 'synthetic[:images=N,...]'"
      + " (default synthetic).")
  String data;

  @Option(names = "--steps", description = "Optimizer steps (default 1000).")
  Long steps;

  @Option(names = "--epochs", description = "Passes over the training set instead of --steps.")
  Integer epochs;

  @Option(names = "--batch", description = "Images per step.")
  Integer batch;

  @Option(names = "--lr", description = "Peak learning rate.")
  Double lr;

  @Option(names = "--image-size", description = "Square crop side, a multiple of the patch (default 64).")
  Integer imageSize;

  @Option(names = "--frozen", description = "Linear probe: freeze the encoder, train only the decoder.")
  Boolean frozen;

  @Option(names = "--shots", description = "Few-shot: train on a fixed seeded subset of k labelled images.")
  Integer shots;

  @Option(names = "--seed", description = "Seed of initialisation, subset, data order and augmentation.")
  Long seed;

  @Mixin
  DeviceOptions device;

  @Spec
  CommandSpec spec;

  @Mixin
  RunOptions run = new RunOptions();

  /** Fields that fix the model or its training set: a resumed run keeps them. */
  private static final List<String> MODEL_FIELDS = List.of("encoder", "preset", "data", "imageSize", "frozen",
      "shots", "seed");

  @Override
  public void run() {
    run.requireOutOrResume("FT");
    if (!run.resuming() && encoder == null) {
      throw new UserError("--encoder is required: a pretraining run folder or 'random'");
    }
    if (run.resuming() && encoder != null) {
      throw new UserError("--encoder cannot be given with --resume (the run keeps its encoder)");
    }
    FinetuneConfig cfg;
    try {
      FinetuneConfig start = run.resuming() ? FinetuneConfig.read(run.resume) : FinetuneConfig.defaults(encoder);
      cfg = ConfigFlags.apply(start, flags(), run.sets, FinetuneConfig::with);
      if (run.resuming()) {
        for (String fixed : MODEL_FIELDS) {
          if (!start.fields().get(fixed).equals(cfg.fields().get(fixed))) {
            throw new UserError("--resume " + run.resume + ": " + fixed + " is " + start.fields().get(fixed)
                + " in this run and cannot change when resuming");
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    SessionConfig.Device d = device.resolve(spec.commandLine().getErr(), cfg.device());
    cfg = cfg.with("device", DeviceOptions.name(d));
    Finetuner finetuner = new Finetuner(cfg, run.folder(), System.out, d);
    StopHook.run(finetuner::requestStop, () -> finetuner.run(run.resuming()));
  }

  private Map<String, Object> flags() {
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("preset", preset);
    flags.put("data", data);
    flags.put("steps", steps);
    flags.put("epochs", epochs);
    flags.put("batch", batch);
    flags.put("lr", lr);
    flags.put("imageSize", imageSize);
    flags.put("frozen", frozen);
    flags.put("shots", shots);
    flags.put("seed", seed);
    run.addTo(flags);
    return flags;
  }
}
