package dev.loca.graph.artifacts;

import dev.loca.graph.ir.Model;
import dev.loca.graph.serde.ModelWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The four files ONNX Runtime's training API loads: training, eval and optimizer models and the
 * checkpoint, plus what the caller needs to drive them.
 *
 * @param training forward + backward + gradient accumulation; parameters are inputs
 * @param eval forward + loss; parameters are inputs
 * @param optimizer the AdamW step over sequences of parameters, gradients and moments
 * @param checkpointData the ODTC v2 checkpoint with the initial parameters: its bytes, or for a state too
 *     large for one flatbuffer the tensors, written with an external data file (see {@link #checkpoint()})
 * @param trainable trainable parameter names, in the order of the flat parameter buffer
 * @param frozen frozen parameter names
 * @param rankOne trainable parameters with one dimension (biases, norm scales), which LOCA does not decay
 * @param userInputs the training model's inputs the caller feeds, in order
 * @param userOutputs the training model's outputs TrainStep returns, in order
 */
public record TrainingArtifacts(Model training, Model eval, Model optimizer, CheckpointData checkpointData,
    List<String> trainable, List<String> frozen, List<String> rankOne, List<String> userInputs,
    List<String> userOutputs) {

  public static final String TRAINING_FILE = "training_model.onnx";
  public static final String EVAL_FILE = "eval_model.onnx";
  public static final String OPTIMIZER_FILE = "optimizer_model.onnx";
  public static final String CHECKPOINT_FILE = "checkpoint";

  public TrainingArtifacts {
    java.util.Objects.requireNonNull(checkpointData, "checkpointData");
    trainable = List.copyOf(trainable);
    frozen = List.copyOf(frozen);
    rankOne = List.copyOf(rankOne);
    userInputs = List.copyOf(userInputs);
    userOutputs = List.copyOf(userOutputs);
  }

  /** Artifacts with checkpoint bytes (as {@link CheckpointWriter#toBytes} makes them). */
  public TrainingArtifacts(Model training, Model eval, Model optimizer, byte[] checkpoint, List<String> trainable,
      List<String> frozen, List<String> rankOne, List<String> userInputs, List<String> userOutputs) {
    this(training, eval, optimizer, CheckpointData.ofBytes(checkpoint), trainable, frozen, rankOne, userInputs,
        userOutputs);
  }

  /**
   * The checkpoint bytes, for {@code LoadCheckpointFromBuffer} and {@link CheckpointReader#fromBytes}.
   *
   * @throws IllegalArgumentException when the state is over the 2 GiB one flatbuffer can hold (ViT-H/16's
   *     student): {@link #write} such artifacts and load the checkpoint from its file
   */
  public byte[] checkpoint() {
    return checkpointData.bytes();
  }

  /**
   * Writes the four files into {@code dir} (created if needed) under the standard names; a checkpoint too
   * large for one flatbuffer is written as {@value #CHECKPOINT_FILE} plus {@code checkpoint.data}, which
   * ORT's {@code LoadCheckpoint} reads together.
   */
  public void write(Path dir) {
    try {
      Files.createDirectories(dir);
      ModelWriter.write(training, dir.resolve(TRAINING_FILE));
      ModelWriter.write(eval, dir.resolve(EVAL_FILE));
      ModelWriter.write(optimizer, dir.resolve(OPTIMIZER_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write training artifacts to " + dir + ": " + e.getMessage(), e);
    }
    checkpointData.write(dir.resolve(CHECKPOINT_FILE));
  }

  /** A copy with another training model (for tests of the validator and for tools that rewrite it). */
  public TrainingArtifacts withTraining(Model m) {
    return new TrainingArtifacts(m, eval, optimizer, checkpointData, trainable, frozen, rankOne, userInputs,
        userOutputs);
  }

  public TrainingArtifacts withOptimizer(Model m) {
    return new TrainingArtifacts(training, eval, m, checkpointData, trainable, frozen, rankOne, userInputs,
        userOutputs);
  }

  public TrainingArtifacts withCheckpoint(byte[] bytes) {
    return new TrainingArtifacts(training, eval, optimizer, bytes, trainable, frozen, rankOne, userInputs, userOutputs);
  }

  public byte[] trainingBytes() {
    return ModelWriter.toBytes(training);
  }

  public byte[] evalBytes() {
    return ModelWriter.toBytes(eval);
  }

  public byte[] optimizerBytes() {
    return ModelWriter.toBytes(optimizer);
  }
}
