package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A long training loop must not grow native memory: every value, name and buffer is released. */
class TrainingMemoryTest {
  private static final int BATCH = 4096; // 48 KiB of x and 32 KiB of target per step: a leak shows at once

  @Test
  void twoThousandStepsDoNotGrowRss() throws IOException {
    OrtEnvironment env = OrtEnvironment.shared();
    Random r = new Random(7);
    float[] x = new float[BATCH * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] t = TrainingSessionTest.predict(x, TrainingSessionTest.TRUE_W, TrainingSessionTest.TRUE_B);
    FloatBuffer flat = TrainingSessionTest.direct(8);
    try (CheckpointState state = env.loadCheckpoint(TrainingSessionTest.zeroCheckpoint().toBytes());
        TrainingSession s =
            env.openTrainingSession(
                state,
                ProbeArtifacts.trainingModel(false),
                ProbeArtifacts.evalModel(false),
                ProbeArtifacts.adamWModel(0.01f, 1f),
                TrainingSessionTest.CONFIG)) {
      s.setLearningRate(0.01f);
      float loss = 0;
      for (int i = 0; i < 200; i++) {
        loss = step(s, state, x, t, flat, i);
      }
      long before = rssKb();
      for (int i = 0; i < 2000; i++) {
        loss = step(s, state, x, t, flat, i);
      }
      long after = rssKb();
      long grownMb = (after - before) / 1024;
      System.out.println(
          "TrainingMemoryTest: VmRSS " + before + " kB -> " + after + " kB after 2000 steps, loss " + loss);
      assertTrue(Float.isFinite(loss));
      assertTrue(grownMb <= 100, "RSS grew by " + grownMb + " MB (" + before + " kB -> " + after + " kB)");
    }
  }

  /** Train, update, reset; every 10th step also eval, flat copy, a parameter read and a property. */
  private static float step(
      TrainingSession s, CheckpointState state, float[] x, float[] t, FloatBuffer flat, int i) {
    float loss;
    try (OrtTensor xs = OrtTensor.fromFloats(x, BATCH, 3);
        OrtTensor ts = OrtTensor.fromFloats(t, BATCH, 2);
        RunResult out = s.trainStep(Map.of("x", xs, "target", ts))) {
      loss = out.get("loss").floatBuffer().get(0);
    }
    s.optimizerStep();
    s.lazyResetGrad();
    if (i % 10 == 0) {
      try (OrtTensor xs = OrtTensor.fromFloats(x, BATCH, 3);
          OrtTensor ts = OrtTensor.fromFloats(t, BATCH, 2);
          RunResult out = s.evalStep(Map.of("x", xs, "target", ts))) {
        out.get("y");
      }
      s.copyParametersTo(flat, true);
      s.copyParametersFrom(flat, true);
      try (OrtTensor w = state.parameter("W")) {
        w.floatBuffer();
      }
      state.addProperty("step", (long) i);
      state.longProperty("step");
      s.trainInputNames();
    }
    return loss;
  }

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
