package dev.loca.train.pretrain;

import dev.loca.runtime.ort.TrainingSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A reusable copy of the student's trainable parameters, refreshed by one {@code CopyParametersToBuffer} call,
 * with the offset of each parameter in it. ORT concatenates the parameters in the order of the training
 * model's inputs, which is the artifacts' {@code trainable()} order.
 */
public final class StudentParameters {
  private final ParameterLayout layout;
  private final FloatBuffer values;

  private StudentParameters(ParameterLayout layout) {
    this.layout = layout;
    this.values = ByteBuffer.allocateDirect(Math.multiplyExact(layout.size(), Float.BYTES))
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /**
   * The layout of {@code session}'s trainable parameters, given their order ({@code TrainingArtifacts.trainable()});
   * shapes come from the session's checkpoint state.
   */
  public static StudentParameters of(TrainingSession session, List<String> trainableOrder) {
    ParameterLayout layout = ParameterLayout.of(trainableOrder, session.checkpointState()::parameterShape);
    long ortSize = session.parametersSize(true);
    if (ortSize != layout.size()) {
      throw new IllegalArgumentException("the student session has " + ortSize + " trainable floats but the "
          + trainableOrder.size() + " parameters named by the artifacts hold " + layout.size());
    }
    return new StudentParameters(layout);
  }

  /** Copies the session's current trainable parameters into {@link #values()}. */
  public void refresh(TrainingSession session) {
    session.copyParametersTo(values, true);
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** The values of the last {@link #refresh}, laid out as {@link #layout()} says (absolute indexing). */
  public FloatBuffer values() {
    return values.duplicate();
  }
}
