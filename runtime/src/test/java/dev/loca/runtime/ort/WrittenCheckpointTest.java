package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime loads the checkpoint that graph-builder's CheckpointWriter wrote for the probe (the golden
 * file pinned by graph-builder's GoldenCheckpointTest; copied here because runtime cannot depend on
 * graph-builder): parameters, frozen parameter, properties, and the AdamW moments and step, which the
 * first update must use.
 */
class WrittenCheckpointTest {
  private static final float[] W0 = {0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f};
  private static final float[] B0 = {0.05f, -0.05f};
  private static final float[] SHIFT = {1f, -1f};
  private static final float[] M = {0.01f, -0.02f, 0.03f, -0.04f, 0.05f, -0.06f, 0.07f, -0.08f};
  private static final float[] V = {0.001f, 0.002f, 0.003f, 0.004f, 0.005f, 0.006f, 0.007f, 0.008f};

  private final OrtEnvironment env = OrtEnvironment.shared();

  static byte[] golden() throws IOException {
    try (InputStream in = WrittenCheckpointTest.class.getResourceAsStream("probe_written.ckpt")) {
      return in.readAllBytes();
    }
  }

  @Test
  void ortLoadsTheWrittenCheckpointWithItsOptimizerState(@TempDir Path dir) throws IOException {
    Path file = Files.write(dir.resolve("probe_written.ckpt"), golden());
    checkLoadsAndTrains(env, file, dir);
  }

  /**
   * Loads the probe checkpoint from {@code file}, checks its properties and parameters, and checks that the
   * first AdamW update uses its moments and step (42).
   */
  static void checkLoadsAndTrains(OrtEnvironment env, Path file, Path dir) throws IOException {
    Path train = Files.write(dir.resolve("train.onnx"), ProbeArtifacts.trainingModel(true));
    Path eval = Files.write(dir.resolve("eval.onnx"), ProbeArtifacts.evalModel(true));
    Path adamw = Files.write(dir.resolve("adamw.onnx"), ProbeArtifacts.adamWModel(0f, null));
    TrainingSessionTest.Batch batch = TrainingSessionTest.Batch.of(11);
    try (CheckpointState state = env.loadCheckpoint(file);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, TrainingSessionTest.CONFIG)) {
      assertEquals(7L, state.longProperty("epoch"));
      assertEquals(0.25f, state.floatProperty("best.loss"));
      assertEquals("golden", state.stringProperty("run"));
      assertEquals(8, s.parametersSize(true));
      assertEquals(10, s.parametersSize(false));
      FloatBuffer all = TrainingSessionTest.direct(10);
      s.copyParametersTo(all, false);
      float[] values = new float[10];
      all.get(0, values);
      float[] expected = new float[10];
      System.arraycopy(W0, 0, expected, 0, 6);
      System.arraycopy(B0, 0, expected, 6, 2);
      System.arraycopy(SHIFT, 0, expected, 8, 2);
      assertArrayEquals(expected, values, "W, b, then the frozen shift, in training-graph input order");

      float lr = 0.01f;
      s.setLearningRate(lr);
      List<OrtTensor> owned = new ArrayList<>();
      try (RunResult r = s.trainStep(batch.tensors(owned))) {
        r.get("loss");
      } finally {
        owned.forEach(OrtTensor::close);
      }
      s.optimizerStep();
      float[] g = gradient(batch);
      float[] p0 = TrainingSessionTest.concat(W0, B0);
      float[] after = TrainingSessionTest.params(s);
      int step = 43; // the checkpoint's 42, plus one
      double c1 = 1 - Math.pow(0.9, step);
      double c2 = 1 - Math.pow(0.999, step);
      for (int i = 0; i < 8; i++) {
        double m = 0.9 * M[i] + 0.1 * g[i];
        double v = 0.999 * V[i] + 0.001 * g[i] * (double) g[i];
        double want = p0[i] - lr / c1 * m / (Math.sqrt(v) / Math.sqrt(c2) + 1e-8);
        assertEquals(want, after[i], 1e-6, "parameter element " + i + " after the first AdamW update");
      }
    }
  }

  @Test
  void ortLoadsTheWrittenCheckpointFromMemory() throws IOException {
    try (CheckpointState state = env.loadCheckpoint(golden())) {
      assertEquals(7L, state.longProperty("epoch"));
      assertArrayEquals(new long[] {3, 2}, state.parameterShape("W"));
      assertArrayEquals(new long[] {2}, state.parameterShape("shift"));
    }
  }

  /** d loss / d (W, b) for y = x·W0 + b0 + shift, loss = mean((y − t)²). */
  private static float[] gradient(TrainingSessionTest.Batch batch) {
    float[] bias = {B0[0] + SHIFT[0], B0[1] + SHIFT[1]};
    float[] y = TrainingSessionTest.predict(batch.x(), W0, bias);
    int n = y.length / 2;
    double[] g = new double[8];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 2; j++) {
        double dy = 2.0 * (y[i * 2 + j] - batch.target()[i * 2 + j]) / y.length;
        for (int k = 0; k < 3; k++) {
          g[k * 2 + j] += batch.x()[i * 3 + k] * dy;
        }
        g[6 + j] += dy;
      }
    }
    float[] out = new float[8];
    for (int i = 0; i < 8; i++) {
      out[i] = (float) g[i];
    }
    return out;
  }
}
