package dev.loca.train.pretrain;

import dev.loca.eval.finetune.PretrainedEncoder;
import dev.loca.graph.artifacts.CheckpointReader;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.graphs.loca.LocaGraphs;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.runtime.loop.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The encoder of a pretraining run's last complete checkpoint: the EMA teacher's weights (the usual feature
 * extractor, and the default) or the student's.
 *
 * @param vit the encoder shape of the run's preset
 * @param referenceSize the reference view side the position table was learned for
 * @param weights the {@code encoder.*} parameters by name
 * @param config the run's {@code config.json}
 * @param checkpoint the checkpoint folder read
 */
public record RunEncoder(VitConfig vit, int referenceSize, Map<String, TensorData> weights, String config,
    Path checkpoint) {

  /** Which copy of the encoder to read. */
  public enum Weights { TEACHER, STUDENT }

  /** Reads {@code run}; a folder that is not a run, has no complete checkpoint or no teacher is one clear line. */
  public static RunEncoder read(Path run, Weights which) {
    if (!Files.isRegularFile(run.resolve(Pretrainer.CONFIG_FILE))) {
      throw new IllegalArgumentException(run + ": no " + Pretrainer.CONFIG_FILE + " (expected a pretraining run folder)");
    }
    PretrainConfig cfg = PretrainConfig.read(run);
    LocaConfig lc = LocaConfig.preset(cfg.preset());
    Optional<Path> latest = new CheckpointStore(run.resolve("checkpoints"), cfg.keep()).latest();
    if (latest.isEmpty()) {
      throw new IllegalArgumentException(run + ": no complete checkpoint in " + run.resolve("checkpoints")
          + " (expected checkpoints/step-N/ with a " + CheckpointStore.MARKER + " marker)");
    }
    Path ckpt = latest.get();
    Map<String, TensorData> weights = new LinkedHashMap<>();
    if (which == Weights.TEACHER) {
      if (!lc.applyClusterLoss()) {
        throw new IllegalArgumentException(run + ": preset " + lc.name() + " has no EMA teacher; use --weights student");
      }
      List<String> names = LocaGraphs.teacher(lc, cfg.seed(), 0, true).parameters().stream().map(Value::name).toList();
      try (TeacherBuffer teacher = TeacherBuffer.load(ckpt.resolve(Pretrainer.TEACHER_FILE), names)) {
        for (var slot : teacher.layout().slots()) {
          if (slot.name().startsWith("encoder.")) {
            weights.put(slot.name(), TensorData.ofFloats(slot.shape(), teacher.get(slot.name())));
          }
        }
      }
    } else {
      Path file = ckpt.resolve(Pretrainer.STUDENT_FILE);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(ckpt + ": no " + Pretrainer.STUDENT_FILE);
      }
      weights.putAll(PretrainedEncoder.encoderWeights(CheckpointReader.read(file)));
    }
    return new RunEncoder(lc.vit(), lc.referenceSize(), weights, cfg.toJson(), ckpt);
  }
}
