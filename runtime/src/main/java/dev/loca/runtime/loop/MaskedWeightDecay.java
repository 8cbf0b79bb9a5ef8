package dev.loca.runtime.loop;

import com.google.common.base.Preconditions;
import dev.loca.runtime.ort.CheckpointState;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.TrainingSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoupled AdamW with a weight-decay mask on top of ONNX Runtime's optimizer, which applies one decay to
 * all parameters. With {@code adam_mode = 0} ORT computes {@code θ' = θ(1 − lr·wd) − lr·u}; for each
 * parameter that must not decay this adds {@code lr·wd·θ} back after the step, giving {@code θ − lr·u}
 * exactly (up to float rounding). LOCA exempts the 1-D parameters (biases, LayerNorm scales and
 * shifts), which are small, so the extra copies cost little.
 */
public final class MaskedWeightDecay {
  private final List<String> undecayed;
  private final float weightDecay;

  /**
   * @param undecayed trainable parameters that must not decay
   * @param weightDecay the decay the optimizer model applies to every parameter
   */
  public MaskedWeightDecay(List<String> undecayed, float weightDecay) {
    Preconditions.checkArgument(weightDecay >= 0, "weight decay must be >= 0, got %s", weightDecay);
    this.undecayed = List.copyOf(undecayed);
    this.weightDecay = weightDecay;
  }

  /** Runs the session's optimizer step, then undoes the decay of the exempt parameters. */
  public void optimizerStep(TrainingSession session) {
    if (weightDecay == 0 || undecayed.isEmpty()) {
      session.optimizerStep();
      return;
    }
    CheckpointState state = session.checkpointState();
    Map<String, float[]> before = new LinkedHashMap<>();
    for (String name : undecayed) {
      try (OrtTensor t = state.parameter(name)) {
        before.put(name, t.toFloatArray());
      }
    }
    session.optimizerStep();
    float decay = session.learningRate() * weightDecay;
    for (Map.Entry<String, float[]> e : before.entrySet()) {
      float[] old = e.getValue();
      try (OrtTensor t = state.parameter(e.getKey())) {
        float[] now = t.toFloatArray();
        for (int i = 0; i < now.length; i++) {
          now[i] += decay * old[i];
        }
        try (OrtTensor fixed = OrtTensor.fromFloats(now, t.shape())) {
          state.updateParameter(e.getKey(), fixed);
        }
      }
    }
  }
}
