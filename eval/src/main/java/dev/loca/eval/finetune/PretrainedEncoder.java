package dev.loca.eval.finetune;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.loca.graph.artifacts.CheckpointContents;
import dev.loca.graph.artifacts.CheckpointException;
import dev.loca.graph.artifacts.CheckpointReader;
import dev.loca.graph.artifacts.NamedTensor;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.graphs.loca.LocaGraphs;
import dev.loca.graphs.vit.PositionResize;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.runtime.loop.CheckpointStore;
import dev.loca.runtime.loop.ConfigRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The student encoder of a pretraining run: its shape from the run's {@code config.json} preset and its
 * weights ({@code encoder.…}) from the student checkpoint of the run's latest complete checkpoint.
 *
 * @param run the run folder
 * @param step the checkpoint's step
 * @param vit the encoder shape (position grid of pretraining)
 * @param weights the encoder's parameters by name
 */
public record PretrainedEncoder(Path run, long step, VitConfig vit, Map<String, TensorData> weights) {
  private static final String POSEMBED = LocaGraphs.ENCODER + ".posembed";

  /**
   * Reads the encoder of {@code run}.
   *
   * @throws IllegalArgumentException naming the run and what is missing: not a run folder, no complete
   *     checkpoint, an unreadable checkpoint
   */
  public static PretrainedEncoder load(Path run) {
    Path config = run.resolve(ConfigRecords.FILE_NAME);
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException("--encoder " + run + ": no " + ConfigRecords.FILE_NAME
          + " (expected a pretraining run folder or 'random')");
    }
    VitConfig vit = LocaConfig.preset(preset(config)).vit();
    Path latest = new CheckpointStore(run.resolve(CheckpointStore.RUN_SUBFOLDER), 1).latest().orElseThrow(
        () -> new IllegalArgumentException("--encoder " + run + ": the run has no complete checkpoint yet"));
    CheckpointContents contents;
    try {
      contents = CheckpointReader.read(latest.resolve(LocaArtifacts.STUDENT_CHECKPOINT));
    } catch (CheckpointException e) {
      throw new IllegalArgumentException("--encoder " + run + ": " + e.getMessage(), e);
    }
    Map<String, TensorData> weights = encoderWeights(contents);
    if (!weights.containsKey(POSEMBED)) {
      throw new IllegalArgumentException("--encoder " + run + ": checkpoint " + latest + " holds no " + POSEMBED);
    }
    return new PretrainedEncoder(run, CheckpointStore.stepOf(latest), vit, weights);
  }

  /** The {@code encoder.*} tensors of a student checkpoint, by name. */
  public static Map<String, TensorData> encoderWeights(CheckpointContents student) {
    Map<String, TensorData> weights = new LinkedHashMap<>();
    for (NamedTensor t : student.trainable()) {
      if (t.name().startsWith(LocaGraphs.ENCODER + ".")) {
        weights.put(t.name(), t.data());
      }
    }
    return weights;
  }

  private static String preset(Path config) {
    try {
      JsonElement preset = JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8)).getAsJsonObject()
          .get("preset");
      if (preset == null || !preset.isJsonPrimitive()) {
        throw new IllegalArgumentException("--encoder " + config + ": no \"preset\" field");
      }
      return preset.getAsString();
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("--encoder " + config + ": cannot read it: " + e.getMessage(), e);
    }
  }

  /**
   * The encoder for square images of side {@code imageSize}: the same weights with the position table resized
   * (antialiased bilinear, as the encoder resizes it in its graph) to the grid {@code imageSize / patch}.
   */
  public PretrainedEncoder atImageSize(int imageSize) {
    int grid = vit.grid(imageSize);
    if (grid == vit.posGrid()) {
      return this;
    }
    Map<String, TensorData> resized = new LinkedHashMap<>(weights);
    float[] table = PositionResize.resizeTable(weights.get(POSEMBED).toFloats(), vit.posGrid(), grid, vit.width());
    resized.put(POSEMBED, TensorData.ofFloats(Shape.of(1, grid, grid, vit.width()).sizes(), table));
    return new PretrainedEncoder(run, step, vit.withPosGrid(grid), resized);
  }
}
