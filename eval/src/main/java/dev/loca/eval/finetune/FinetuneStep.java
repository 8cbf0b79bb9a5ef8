package dev.loca.eval.finetune;

import dev.loca.graph.artifacts.TrainingArtifacts;
import dev.loca.graph.ir.TensorData;
import dev.loca.graphs.seg.SegmenterGraphs;
import dev.loca.runtime.loop.MaskedWeightDecay;
import dev.loca.runtime.ort.CheckpointState;
import dev.loca.runtime.ort.ElementType;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.runtime.ort.TrainingSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One fine-tuning update through ONNX Runtime's training API: TrainStep on a batch, AdamW with the 1-D
 * parameters exempt from decay, LazyResetGrad. Owns the checkpoint state and the training session. Not
 * thread-safe.
 */
public final class FinetuneStep implements AutoCloseable {
  /** Loss and pixel accuracy of one batch. */
  public record Metrics(double loss, double pixelAccuracy) {}

  private final TrainingArtifacts artifacts;
  private final CheckpointState state;
  private final TrainingSession session;
  private final MaskedWeightDecay decay;

  private FinetuneStep(TrainingArtifacts artifacts, CheckpointState state, TrainingSession session,
      MaskedWeightDecay decay) {
    this.artifacts = artifacts;
    this.state = state;
    this.session = session;
    this.decay = decay;
  }

  /** A fresh run from the artifacts' checkpoint. */
  public static FinetuneStep open(TrainingArtifacts a, SessionConfig s, float weightDecay) {
    return assemble(a, () -> OrtEnvironment.shared().loadCheckpoint(a.checkpoint()), s, weightDecay);
  }

  /** Continues from a checkpoint {@link #save} wrote. */
  public static FinetuneStep resume(TrainingArtifacts a, Path checkpoint, SessionConfig s, float weightDecay) {
    return assemble(a, () -> OrtEnvironment.shared().loadCheckpoint(checkpoint), s, weightDecay);
  }

  private static FinetuneStep assemble(TrainingArtifacts a, Supplier<CheckpointState> load, SessionConfig s,
      float weightDecay) {
    CheckpointState state = load.get();
    try {
      TrainingSession session = OrtEnvironment.shared().openTrainingSession(state, a.trainingBytes(), a.evalBytes(),
          a.optimizerBytes(), s);
      return new FinetuneStep(a, state, session, new MaskedWeightDecay(a.rankOne(), weightDecay));
    } catch (RuntimeException e) {
      state.close();
      throw e;
    }
  }

  /**
   * One update.
   *
   * @param dropPath stochastic-depth multipliers [batch, 2·depth], row-major
   */
  public Metrics step(SegmentationBatch batch, float[] dropPath, double lr) {
    Metrics m;
    try (Feeds feeds = new Feeds(batch, dropPath); RunResult out = session.trainStep(feeds.map)) {
      m = metrics(out);
    }
    session.setLearningRate((float) lr);
    decay.optimizerStep(session);
    session.lazyResetGrad();
    return m;
  }

  /** Loss and accuracy on a batch with the current weights, nothing updated (the eval model). */
  public Metrics evaluate(SegmentationBatch batch, float[] dropPath) {
    try (Feeds feeds = new Feeds(batch, dropPath); RunResult out = session.evalStep(feeds.map)) {
      return metrics(out);
    }
  }

  private static Metrics metrics(RunResult out) {
    return new Metrics(out.get(SegmenterGraphs.LOSS).toFloatArray()[0],
        out.get(SegmenterGraphs.PIXEL_ACCURACY).toFloatArray()[0]);
  }

  /** Writes the ORT checkpoint with the optimizer state. */
  public void save(Path checkpoint) {
    state.save(checkpoint, true);
  }

  /** Every parameter (trainable and frozen) by name, copied out of the session. */
  public Map<String, TensorData> weights() {
    List<String> names = new ArrayList<>(artifacts.trainable());
    names.addAll(artifacts.frozen());
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (String name : names) {
      try (OrtTensor t = state.parameter(name)) {
        out.put(name, TensorData.ofFloats(t.shape(), t.toFloatArray()));
      }
    }
    return out;
  }

  public TrainingSession session() {
    return session;
  }

  @Override
  public void close() {
    session.close();
    state.close();
  }

  /** The tensors of one step's inputs, closed with it; the batch keeps its buffers. */
  private static final class Feeds implements AutoCloseable {
    final Map<String, OrtTensor> map = new LinkedHashMap<>();

    Feeds(SegmentationBatch batch, float[] dropPath) {
      try {
        map.put(SegmenterGraphs.IMAGES, OrtTensor.wrap(batch.images(), batch.imageShape()));
        map.put(SegmenterGraphs.LABELS, OrtTensor.wrap(batch.labelBytes(), ElementType.INT64, batch.labelShape()));
        map.put(SegmenterGraphs.DROP_PATH, OrtTensor.fromFloats(dropPath, batch.size(),
            dropPath.length / batch.size()));
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      map.values().forEach(OrtTensor::close);
    }
  }
}
