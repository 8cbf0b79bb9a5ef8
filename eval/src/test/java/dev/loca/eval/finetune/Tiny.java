package dev.loca.eval.finetune;

import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.loop.CheckpointStore;
import dev.loca.runtime.loop.ConfigRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tiny fine-tuning runs: the micro encoder on 16-px crops of a few synthetic 32×24 scenes. */
final class Tiny {
  static final String DATA = "synthetic:images=6,size=32x24";

  private Tiny() {}

  /** A random-encoder config: micro, 16-px crops, batch 2, one thread. */
  static FinetuneConfig config(long steps) {
    return FinetuneConfig.defaults(FinetuneConfig.RANDOM).with("preset", "micro").with("data", DATA)
        .with("imageSize", "16").with("batch", "2").with("steps", Long.toString(steps)).with("lr", "3e-3")
        .with("threads", "1").with("workers", "1").with("checkpointEvery", "1000");
  }

  static Finetuner finetuner(FinetuneConfig cfg, Path folder) {
    return new Finetuner(cfg, folder, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  /**
   * A pretraining run folder as {@code loca pretrain} leaves it: {@code config.json} naming the micro preset and one
   * complete checkpoint holding the student checkpoint (here the seeded initial one).
   */
  static Path pretrainingRun(Path run) throws IOException {
    Files.createDirectories(run);
    Files.writeString(run.resolve(ConfigRecords.FILE_NAME), "{\n  \"preset\": \"micro\",\n  \"steps\": 5\n}\n");
    LocaArtifacts a = LocaArtifacts.build(LocaConfig.preset("micro"), 5, 2);
    new CheckpointStore(run.resolve(CheckpointStore.RUN_SUBFOLDER), 1).save(5,
        dir -> Files.write(dir.resolve(LocaArtifacts.STUDENT_CHECKPOINT), a.student().checkpoint()));
    return run;
  }
}
