package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** The probe of spec/ort-training-artifacts.md, driven through TrainingSession and CheckpointState. */
class TrainingSessionTest {
  static final float[] TRUE_W = {1f, -2f, 0.5f, 3f, -1f, 0.25f}; // [3, 2], row-major
  static final float[] TRUE_B = {0.3f, -0.7f};
  static final int BATCH = 8;
  static final SessionConfig CONFIG = SessionConfig.defaults().withIntraOpThreads(1);

  private final OrtEnvironment env = OrtEnvironment.shared();
  @TempDir Path dir;
  private Path train;
  private Path eval;
  private Path adamw;
  private Path sgd;
  private Path checkpoint;

  @BeforeEach
  void writeArtifacts() throws IOException {
    train = Files.write(dir.resolve("train.onnx"), ProbeArtifacts.trainingModel(false));
    eval = Files.write(dir.resolve("eval.onnx"), ProbeArtifacts.evalModel(false));
    adamw = Files.write(dir.resolve("adamw.onnx"), ProbeArtifacts.adamWModel(0f, null));
    sgd = Files.write(dir.resolve("sgd.onnx"), ProbeArtifacts.sgdModel());
    checkpoint = Files.write(dir.resolve("checkpoint"), zeroCheckpoint().toBytes());
  }

  static ProbeArtifacts.Checkpoint zeroCheckpoint() {
    return new ProbeArtifacts.Checkpoint()
        .trainable("W", new long[] {3, 2}, new float[6])
        .trainable("b", new long[] {2}, new float[2]);
  }

  /** A fixed batch: x from a seeded generator, target = x·W* + b*. */
  record Batch(float[] x, float[] target) {
    static Batch of(long seed) {
      Random r = new Random(seed);
      float[] x = new float[BATCH * 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      return new Batch(x, predict(x, TRUE_W, TRUE_B));
    }

    Map<String, OrtTensor> tensors(List<OrtTensor> owned) {
      OrtTensor xs = OrtTensor.fromFloats(x, BATCH, 3);
      OrtTensor ts = OrtTensor.fromFloats(target, BATCH, 2);
      owned.add(xs);
      owned.add(ts);
      return Map.of("x", xs, "target", ts);
    }
  }

  static float[] predict(float[] x, float[] w, float[] b) {
    int n = x.length / 3;
    float[] y = new float[n * 2];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 2; j++) {
        float s = b[j];
        for (int k = 0; k < 3; k++) {
          s += x[i * 3 + k] * w[k * 2 + j];
        }
        y[i * 2 + j] = s;
      }
    }
    return y;
  }

  static double mse(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    }
    return s / a.length;
  }

  /** One TrainStep on {@code batch}; returns the loss. */
  static float trainStep(TrainingSession s, Batch batch) {
    List<OrtTensor> owned = new ArrayList<>();
    try (RunResult r = s.trainStep(batch.tensors(owned))) {
      return r.get("loss").toFloatArray()[0];
    } finally {
      owned.forEach(OrtTensor::close);
    }
  }

  static float evalLoss(TrainingSession s, Batch batch) {
    List<OrtTensor> owned = new ArrayList<>();
    try (RunResult r = s.evalStep(batch.tensors(owned))) {
      return r.get("loss").toFloatArray()[0];
    } finally {
      owned.forEach(OrtTensor::close);
    }
  }

  static FloatBuffer direct(int n) {
    return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  static float[] params(TrainingSession s) {
    FloatBuffer buffer = direct((int) s.parametersSize(true));
    s.copyParametersTo(buffer, true);
    float[] out = new float[buffer.capacity()];
    buffer.get(0, out);
    return out;
  }

  static void setParams(TrainingSession s, float[] values) {
    FloatBuffer buffer = direct(values.length);
    buffer.put(0, values);
    s.copyParametersFrom(buffer, true);
  }

  static float[] concat(float[] a, float[] b) {
    float[] out = new float[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ---- tests --------------------------------------------------------------------------------------

  @Test
  void namesSizesAndShapes() {
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      assertEquals("train.onnx", s.modelName());
      assertEquals(List.of("x", "target"), s.trainInputNames());
      assertEquals(List.of("loss"), s.trainOutputNames(), "gradient outputs are hidden");
      assertEquals(List.of("x", "target"), s.evalInputNames());
      assertEquals(List.of("loss", "y"), s.evalOutputNames());
      assertTrue(s.hasEvalModel() && s.hasOptimizerModel());
      assertEquals(8, s.parametersSize(true));
      assertEquals(8, s.parametersSize(false));
      assertArrayEquals(new long[] {3, 2}, state.parameterShape("W"));
      assertArrayEquals(new long[] {2}, state.parameterShape("b"));
      assertEquals(checkpoint.toAbsolutePath().toString(), state.source());
      assertEquals(state, s.checkpointState());
    }
  }

  @Test
  void threeHundredAdamWStepsRecoverTheTrueWeights() {
    Batch batch = Batch.of(1);
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      float first = Float.NaN;
      float last = Float.NaN;
      for (int step = 0; step < 300; step++) {
        s.setLearningRate(0.1f * (1 - step / 300f) + 1e-3f); // linear decay, driven from Java
        float loss = trainStep(s, batch);
        if (step == 0) {
          first = loss;
        }
        last = loss;
        s.optimizerStep();
        s.lazyResetGrad();
      }
      assertEquals(mse(predict(batch.x(), new float[6], new float[2]), batch.target()), first, 1e-4);
      assertTrue(last < 1e-4, "final loss " + last + " (first " + first + ")");
      assertArrayEquals(concat(TRUE_W, TRUE_B), params(s), 1e-2f);
      try (OrtTensor w = state.parameter("W")) {
        assertArrayEquals(TRUE_W, w.toFloatArray(), 1e-2f);
        assertArrayEquals(new long[] {3, 2}, w.shape());
      }
      assertTrue(evalLoss(s, batch) < 1e-4);
    }
  }

  @Test
  void withoutTheMemoryPatternTrainingTakesTheSameSteps() {
    float[][] params = new float[2][];
    SessionConfig[] configs = {CONFIG, CONFIG.withMemoryPattern(false)};
    for (int k = 0; k < 2; k++) {
      try (CheckpointState state = env.loadCheckpoint(checkpoint);
          TrainingSession s = env.openTrainingSession(state, train, eval, adamw, configs[k])) {
        for (int step = 0; step < 5; step++) {
          trainStep(s, Batch.of(step));
          s.optimizerStep();
          s.lazyResetGrad();
        }
        params[k] = params(s);
      }
    }
    assertArrayEquals(params[0], params[1]);
  }

  @Test
  void sgdWithLearningRateOneShowsTheAccumulationSemantics() {
    Batch batch = Batch.of(2);
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, sgd, CONFIG)) {
      s.setLearningRate(1f);
      float[] start = {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f};
      setParams(s, start);
      trainStep(s, batch);
      s.optimizerStep();
      float[] delta = minus(params(s), start); // = -gradient at start

      setParams(s, start);
      s.lazyResetGrad();
      trainStep(s, batch);
      trainStep(s, batch);
      s.optimizerStep();
      assertArrayEquals(plus(start, delta, 2), params(s), 1e-5f, "two train steps accumulate: 2Δ");

      setParams(s, start);
      s.lazyResetGrad();
      trainStep(s, batch);
      s.optimizerStep();
      assertArrayEquals(plus(start, delta, 1), params(s), 1e-5f, "lazy reset overwrites: Δ");

      setParams(s, start);
      trainStep(s, batch); // no reset: the optimizer step did not clear the buffers
      s.optimizerStep();
      assertArrayEquals(plus(start, delta, 2), params(s), 1e-5f, "without reset the gradient piles up: 2Δ");
    }
  }

  private static float[] minus(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] - b[i];
    }
    return out;
  }

  private static float[] plus(float[] a, float[] d, float k) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + k * d[i];
    }
    return out;
  }

  @Test
  void adamWFirstStepMovesEveryParameterByTheLearningRate() {
    Batch batch = Batch.of(3);
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, null, adamw, CONFIG)) {
      s.setLearningRate(0.01f);
      float[] before = params(s);
      trainStep(s, batch);
      float[] unchanged = params(s);
      assertArrayEquals(before, unchanged, "TrainStep alone leaves the weights");
      s.optimizerStep();
      float[] moved = minus(params(s), before);
      for (float m : moved) {
        assertEquals(0.01, Math.abs(m), 1e-5, "bias-corrected first Adam step is lr·sign(g)");
      }
    }
  }

  @Test
  void optimizerStepFromTheCheckpointIsHonoured() throws IOException {
    // Step 42 in group0 makes ORT feed step 43: the first update is 0.656·lr (AdamW bias correction).
    Path at42 =
        Files.write(dir.resolve("at42"), zeroCheckpoint().optimizer(42, 0.5f, true).toBytes());
    Batch batch = Batch.of(4);
    try (CheckpointState state = env.loadCheckpoint(at42);
        TrainingSession s = env.openTrainingSession(state, train, null, adamw, CONFIG)) {
      assertEquals(0.001f, s.learningRate(), "initial_learning_rate is not restored; ORT starts at 0.001");
      s.setLearningRate(0.01f);
      float[] before = params(s);
      trainStep(s, batch);
      s.optimizerStep();
      double m = 0.1 / (1 - Math.pow(0.9, 43));
      double v = Math.sqrt(0.001 / (1 - Math.pow(0.999, 43)));
      for (float d : minus(params(s), before)) {
        assertEquals(0.01 * m / v, Math.abs(d), 1e-5);
      }
      assertEquals(0.6555, m / v, 1e-3);
    }
  }

  @Test
  void learningRateSetAndGet() {
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      assertEquals(0.001f, s.learningRate());
      s.setLearningRate(0.25f);
      assertEquals(0.25f, s.learningRate());
      StepRunner runner = s;
      runner.setLearningRate(3e-4f);
      assertEquals(3e-4f, runner.learningRate());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setLearningRate(-1f));
      assertEquals("learning rate must be finite and >= 0, got -1.0", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> s.setLearningRate(Float.NaN));
    }
  }

  @Test
  void flatBufferRoundTripChangesTheEvalLoss() {
    Batch batch = Batch.of(5);
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      float[] truth = concat(TRUE_W, TRUE_B);
      setParams(s, truth);
      assertArrayEquals(truth, params(s), "layout: W's 6 values, then b's 2 (training-graph input order)");
      assertEquals(0f, evalLoss(s, batch), 1e-10);

      float[] half = new float[truth.length];
      for (int i = 0; i < half.length; i++) {
        half[i] = 0.5f * truth[i];
      }
      setParams(s, half);
      double expected =
          mse(predict(batch.x(), java.util.Arrays.copyOf(half, 6), java.util.Arrays.copyOfRange(half, 6, 8)),
              batch.target());
      assertEquals(expected, evalLoss(s, batch), 1e-5 * expected);
      assertTrue(expected > 0.1, "halving the weights makes a visible loss: " + expected);

      // The wrapped buffer is read from its position; position and limit stay as they were.
      FloatBuffer padded = direct(10);
      padded.put(0, 99f).put(9, 99f).position(1).limit(9);
      padded.slice().put(truth);
      s.copyParametersFrom(padded, true);
      assertEquals(1, padded.position());
      assertEquals(9, padded.limit());
      assertEquals(0f, evalLoss(s, batch), 1e-10);

      // Single parameters: UpdateParameter is live at once, GetParameter is a copy.
      try (OrtTensor b = OrtTensor.fromFloats(new float[] {10f, 10f}, 2)) {
        state.updateParameter("b", b);
      }
      assertTrue(evalLoss(s, batch) > 50);
      try (OrtTensor b = state.parameter("b")) {
        assertArrayEquals(new float[] {10f, 10f}, b.toFloatArray());
      }
      try (OrtTensor b = OrtTensor.fromFloats(TRUE_B, 2)) {
        state.updateParameter("b", b);
      }
      assertEquals(0f, evalLoss(s, batch), 1e-10);
    }
  }

  @Test
  void flatBufferChecksItsArgument() {
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      IllegalArgumentException size =
          assertThrows(IllegalArgumentException.class, () -> s.copyParametersTo(direct(7), true));
      assertEquals(
          "copyParametersTo: buffer has 7 floats remaining, the trainable parameters hold 8", size.getMessage());
      IllegalArgumentException heap =
          assertThrows(IllegalArgumentException.class, () -> s.copyParametersFrom(FloatBuffer.allocate(8), true));
      assertEquals(
          "copyParametersFrom needs a direct FloatBuffer (ByteBuffer.allocateDirect)", heap.getMessage());
      FloatBuffer swapped = ByteBuffer.allocateDirect(32).order(
          ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer();
      assertThrows(IllegalArgumentException.class, () -> s.copyParametersTo(swapped, true));
      assertThrows(IllegalArgumentException.class, () -> s.copyParametersTo(direct(8).asReadOnlyBuffer(), true));
    }
  }

  @Test
  void saveLoadAndContinueMatchesAnUninterruptedRun() throws IOException {
    Path saved = dir.resolve("run/step20.ckpt");
    List<Float> uninterrupted = new ArrayList<>();
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      s.setLearningRate(0.05f);
      for (int step = 0; step < 40; step++) {
        if (step == 20) {
          state.save(saved, true);
        }
        float loss = trainStep(s, Batch.of(100 + step));
        s.optimizerStep();
        s.lazyResetGrad();
        if (step >= 20) {
          uninterrupted.add(loss);
        }
      }
    }
    assertTrue(Files.isRegularFile(saved));
    try (Stream<Path> files = Files.list(saved.getParent())) {
      assertEquals(List.of(saved), files.toList(), "no temporary file is left behind");
    }
    List<Float> resumed = new ArrayList<>();
    try (CheckpointState state = env.loadCheckpoint(saved);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      s.setLearningRate(0.05f); // not restored by ORT
      for (int step = 20; step < 40; step++) {
        resumed.add(trainStep(s, Batch.of(100 + step)));
        s.optimizerStep();
        s.lazyResetGrad();
      }
    }
    assertEquals(uninterrupted, resumed, "same losses, bit for bit");

    // Without the optimizer state the moments restart at zero: the losses differ.
    Path paramsOnly = dir.resolve("params-only.ckpt");
    try (CheckpointState state = env.loadCheckpoint(saved)) {
      state.save(paramsOnly, false); // saving needs no session on CPU
    }
    try (CheckpointState state = env.loadCheckpoint(paramsOnly);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      s.setLearningRate(0.05f);
      assertEquals(resumed.get(0), trainStep(s, Batch.of(120)), "same parameters, same first loss");
      s.optimizerStep();
      s.lazyResetGrad();
      assertFalse(resumed.get(1).equals(trainStep(s, Batch.of(121))), "fresh moments, different update");
    }
  }

  @Test
  void propertiesRoundTrip() {
    byte[] bytes =
        zeroCheckpoint()
            .property("epoch", 7L)
            .property("best.loss", 0.125f)
            .property("run", "loca-ti16 Größe")
            .toBytes();
    Path saved = dir.resolve("props.ckpt");
    try (CheckpointState state = env.loadCheckpoint(bytes)) {
      assertTrue(state.source().startsWith("<in-memory checkpoint, "), state.source());
      assertEquals(7L, state.longProperty("epoch"));
      assertEquals(0.125f, state.floatProperty("best.loss"));
      assertEquals("loca-ti16 Größe", state.stringProperty("run"));
      state.addProperty("data.position", 1L << 40);
      state.addProperty("lr", 3e-4f);
      state.addProperty("note", "");
      state.addProperty("epoch", 8L);
      assertEquals(8L, state.longProperty("epoch"), "adding a property again replaces it");
      state.save(saved, false);
      IllegalArgumentException kind =
          assertThrows(IllegalArgumentException.class, () -> state.floatProperty("epoch"));
      assertEquals("checkpoint property 'epoch' is an int64, not a float32", kind.getMessage());
      OrtFailure missing = assertThrows(OrtFailure.class, () -> state.longProperty("nope"));
      assertTrue(missing.getMessage().contains("GetProperty('nope'"), missing.getMessage());
    }
    try (CheckpointState state = env.loadCheckpoint(saved)) {
      assertEquals(8L, state.longProperty("epoch"));
      assertEquals(1L << 40, state.longProperty("data.position"));
      assertEquals(0.125f, state.floatProperty("best.loss"));
      assertEquals(3e-4f, state.floatProperty("lr"));
      assertEquals("loca-ti16 Größe", state.stringProperty("run"));
      assertEquals("", state.stringProperty("note"));
    }
  }

  @Test
  void exportForInferenceRunsInAPlainSession() {
    Batch batch = Batch.of(6);
    Path exported = dir.resolve("export/linear.onnx");
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      setParams(s, concat(TRUE_W, TRUE_B));
      s.exportForInference(exported, List.of("y"));
      IllegalArgumentException none =
          assertThrows(IllegalArgumentException.class, () -> s.exportForInference(exported, List.of()));
      assertEquals("exportForInference needs at least one output name", none.getMessage());
      OrtFailure unknown =
          assertThrows(OrtFailure.class, () -> s.exportForInference(dir.resolve("bad.onnx"), List.of("zzz")));
      assertTrue(unknown.getMessage().contains("zzz"), unknown.getMessage());
    }
    try (InferenceSession inference = env.openSession(exported, CONFIG);
        OrtTensor x = OrtTensor.fromFloats(batch.x(), BATCH, 3);
        RunResult r = inference.run(Map.of("x", x))) {
      assertEquals(List.of("x"), inference.inputNames(), "parameters became initializers, target was dropped");
      assertEquals(List.of("y"), inference.outputNames());
      assertArrayEquals(batch.target(), r.get("y").toFloatArray(), 1e-5f);
    }
  }

  @Test
  void everythingFromMemory() {
    Batch batch = Batch.of(7);
    Path exported = dir.resolve("from-memory.onnx");
    try (CheckpointState state = env.loadCheckpoint(zeroCheckpoint().toBytes());
        TrainingSession s =
            env.openTrainingSession(
                state,
                ProbeArtifacts.trainingModel(false),
                ProbeArtifacts.evalModel(false),
                ProbeArtifacts.adamWModel(0f, 1f),
                CONFIG)) {
      assertEquals("<in-memory training model>", s.modelName());
      assertEquals(List.of("loss", "y"), s.evalOutputNames());
      s.setLearningRate(0.1f);
      float first = trainStep(s, batch);
      for (int i = 0; i < 50; i++) {
        s.optimizerStep();
        s.lazyResetGrad();
        trainStep(s, batch);
      }
      assertTrue(evalLoss(s, batch) < first / 10, "clipped AdamW still learns");
      s.exportForInference(exported, List.of("y"));
    }
    try (InferenceSession inference = env.openSession(exported, CONFIG)) {
      assertEquals(List.of("x"), inference.inputNames());
    }
  }

  @Test
  void frozenParametersAreFedButNeverUpdated() throws IOException {
    Path trainShift = Files.write(dir.resolve("train-shift.onnx"), ProbeArtifacts.trainingModel(true));
    Path evalShift = Files.write(dir.resolve("eval-shift.onnx"), ProbeArtifacts.evalModel(true));
    byte[] ckpt = zeroCheckpoint().frozen("shift", new long[] {2}, 1f, -1f).toBytes();
    try (CheckpointState state = env.loadCheckpoint(ckpt);
        TrainingSession s = env.openTrainingSession(state, trainShift, evalShift, sgd, CONFIG)) {
      assertEquals(8, s.parametersSize(true));
      assertEquals(10, s.parametersSize(false));
      s.setLearningRate(0.1f);
      for (int i = 0; i < 5; i++) {
        trainStep(s, Batch.of(8));
        s.optimizerStep();
        s.lazyResetGrad();
      }
      FloatBuffer all = direct(10);
      s.copyParametersTo(all, false);
      assertEquals(1f, all.get(8));
      assertEquals(-1f, all.get(9));
      try (OrtTensor shift = state.parameter("shift")) {
        assertArrayEquals(new float[] {1f, -1f}, shift.toFloatArray());
      }
      assertFalse(params(s)[0] == 0f, "trainable W moved");
    }
  }

  // ---- errors and lifetime ------------------------------------------------------------------------

  @Test
  void missingFilesAreNamedBeforeOrtIsCalled() {
    Path missing = dir.resolve("nope.ckpt");
    OrtFailure e = assertThrows(OrtFailure.class, () -> env.loadCheckpoint(missing));
    assertEquals("checkpoint file not found: " + missing.toAbsolutePath(), e.getMessage());
    assertEquals(OrtErrorCode.JAVA, e.code());
    try (CheckpointState state = env.loadCheckpoint(checkpoint)) {
      Path noModel = dir.resolve("nope.onnx");
      OrtFailure m =
          assertThrows(OrtFailure.class, () -> env.openTrainingSession(state, noModel, null, null, CONFIG));
      assertEquals("training model file not found: " + noModel.toAbsolutePath(), m.getMessage());
      OrtFailure o =
          assertThrows(OrtFailure.class, () -> env.openTrainingSession(state, train, eval, noModel, CONFIG));
      assertEquals("optimizer model file not found: " + noModel.toAbsolutePath(), o.getMessage());
      try (TrainingSession s = env.openTrainingSession(state, train, null, null, CONFIG)) {
        assertFalse(s.hasEvalModel());
      }
    }
  }

  @Test
  void badCheckpointsCarryOrtsMessage() throws IOException {
    Path v3 = Files.write(dir.resolve("v3.ckpt"), zeroCheckpoint().version(3).toBytes());
    OrtFailure version = assertThrows(OrtFailure.class, () -> env.loadCheckpoint(v3));
    assertTrue(version.getMessage().contains("Checkpoint version 3 is not supported"), version.getMessage());
    assertTrue(version.context().startsWith("LoadCheckpoint(" + v3.toAbsolutePath()), version.context());
    OrtFailure garbage = assertThrows(OrtFailure.class, () -> env.loadCheckpoint(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    assertTrue(garbage.context().startsWith("LoadCheckpointFromBuffer"), garbage.context());
    OrtFailure empty = assertThrows(OrtFailure.class, () -> env.loadCheckpoint(new byte[0]));
    assertEquals("checkpoint bytes are empty", empty.getMessage());
  }

  @Test
  void artifactsThatDoNotFitFailAtCreationAndLeaveTheStateUsable() throws IOException {
    // A trainable tensor that the training graph does not use: ORT's optimizer cannot find its gradient.
    byte[] extra = zeroCheckpoint().trainable("unused", new long[] {1}, 0f).toBytes();
    try (CheckpointState state = env.loadCheckpoint(extra)) {
      OrtFailure e =
          assertThrows(OrtFailure.class, () -> env.openTrainingSession(state, train, eval, adamw, CONFIG));
      assertTrue(e.context().startsWith("CreateTrainingSession(train.onnx)"), e.context());
      try (TrainingSession s = env.openTrainingSession(state, train, null, null, CONFIG)) {
        assertEquals(List.of("x", "target"), s.trainInputNames(), "the failed attempt did not hold the state");
      }
    }
  }

  @Test
  void wrongInputNamesAreNamedWithTheExpectedOnes() {
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG);
        OrtTensor x = OrtTensor.fromFloats(new float[6], 2, 3);
        OrtTensor t = OrtTensor.fromFloats(new float[4], 2, 2)) {
      IllegalArgumentException unknown =
          assertThrows(
              IllegalArgumentException.class, () -> s.trainStep(Map.of("x", x, "target", t, "labels", t)));
      assertEquals(
          "unknown input 'labels' for training model train.onnx; expected one of [x, target]", unknown.getMessage());
      IllegalArgumentException missing =
          assertThrows(IllegalArgumentException.class, () -> s.trainStep(Map.of("x", x)));
      assertEquals(
          "missing input 'target' for training model train.onnx; expected [x, target], got [x]",
          missing.getMessage());
      IllegalArgumentException evalUnknown =
          assertThrows(IllegalArgumentException.class, () -> s.evalStep(Map.of("W", x)));
      assertEquals(
          "unknown input 'W' for eval model eval.onnx; expected one of [x, target]", evalUnknown.getMessage());
      try (OrtTensor wide = OrtTensor.fromFloats(new float[8], 2, 4)) {
        OrtFailure shape = assertThrows(OrtFailure.class, () -> s.trainStep(Map.of("x", wide, "target", t)));
        assertTrue(shape.context().startsWith("TrainStep(train.onnx)"), shape.context());
      }
      OrtTensor closed = OrtTensor.fromFloats(new float[4], 2, 2);
      closed.close();
      IllegalStateException gone =
          assertThrows(IllegalStateException.class, () -> s.trainStep(Map.of("x", x, "target", closed)));
      assertEquals("input 'target': OrtTensor is closed", gone.getMessage());
    }
  }

  @Test
  void missingModelsAreReportedInJava() {
    try (CheckpointState state = env.loadCheckpoint(checkpoint);
        TrainingSession s = env.openTrainingSession(state, train, null, null, CONFIG)) {
      assertEquals(List.of(), s.evalOutputNames());
      assertEquals(
          "evalStep: this training session was opened without an eval model",
          assertThrows(IllegalStateException.class, () -> s.evalStep(Map.of())).getMessage());
      assertEquals(
          "optimizerStep: this training session was opened without an optimizer model",
          assertThrows(IllegalStateException.class, s::optimizerStep).getMessage());
      assertEquals(
          "exportForInference: this training session was opened without an eval model",
          assertThrows(IllegalStateException.class, () -> s.exportForInference(dir.resolve("e.onnx"), List.of("y")))
              .getMessage());
    }
  }

  @Test
  void closedSessionAndStateRefuseUse() {
    CheckpointState state = env.loadCheckpoint(checkpoint);
    TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG);
    s.close();
    assertDoesNotThrow(s::close);
    assertTrue(s.isClosed());
    for (Runnable call :
        List.<Runnable>of(
            () -> s.trainStep(Map.of()),
            () -> s.evalStep(Map.of()),
            s::optimizerStep,
            s::lazyResetGrad,
            () -> s.setLearningRate(0.1f),
            s::learningRate,
            () -> s.parametersSize(true),
            s::trainInputNames,
            () -> s.copyParametersTo(direct(8), true))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
      assertEquals("TrainingSession is closed", e.getMessage());
    }
    IllegalStateException noSession = assertThrows(IllegalStateException.class, () -> state.parameter("W"));
    assertEquals(
        "parameter('W') needs an open TrainingSession on this checkpoint state (ORT copies parameters through it)",
        noSession.getMessage());
    state.close();
    assertDoesNotThrow(state::close);
    IllegalStateException closed = assertThrows(IllegalStateException.class, () -> state.longProperty("epoch"));
    assertEquals("CheckpointState is closed", closed.getMessage());
    assertThrows(
        IllegalStateException.class, () -> env.openTrainingSession(state, train, eval, adamw, CONFIG));
  }

  @Test
  void closingTheStateFirstIsDeferredUntilTheSessionCloses() {
    Batch batch = Batch.of(9);
    CheckpointState state = env.loadCheckpoint(checkpoint);
    try (TrainingSession s = env.openTrainingSession(state, train, eval, adamw, CONFIG)) {
      IllegalStateException second =
          assertThrows(IllegalStateException.class, () -> env.openTrainingSession(state, train, eval, adamw, CONFIG));
      assertEquals(
          "checkpoint state " + checkpoint.toAbsolutePath() + " is already used by an open training session;"
              + " give each training session its own CheckpointState",
          second.getMessage());
      state.close(); // deferred: the session still needs the native state
      assertTrue(state.isClosed());
      assertThrows(IllegalStateException.class, () -> state.parameterShape("W"));
      s.setLearningRate(0.1f);
      trainStep(s, batch);
      s.optimizerStep();
      s.lazyResetGrad();
      assertTrue(Float.isFinite(evalLoss(s, batch)), "the session keeps training on the live state");
    } // releases the session, then the state
  }

  /**
   * Regenerates graph-builder's test resources {@code ort_saved.ckpt} and {@code
   * ort_saved_no_optimizer.ckpt} (checkpoints ORT itself saved, for CheckpointReader's tests):
   * {@code ./mvnw -pl runtime test -Dtest=TrainingSessionTest -Dloca.ortSaved.out=DIR}.
   */
  @Test
  @EnabledIfSystemProperty(named = "loca.ortSaved.out", matches = ".+")
  void writeOrtSavedCheckpointsForGraphBuilder() throws IOException {
    Path out = Path.of(System.getProperty("loca.ortSaved.out"));
    Path trainShift = Files.write(dir.resolve("train-shift.onnx"), ProbeArtifacts.trainingModel(true));
    byte[] ckpt = zeroCheckpoint().frozen("shift", new long[] {2}, 1f, -1f).toBytes();
    try (CheckpointState state = env.loadCheckpoint(ckpt);
        TrainingSession s = env.openTrainingSession(state, trainShift, null, adamw, CONFIG)) {
      s.setLearningRate(0.05f);
      for (int i = 0; i < 300; i++) {
        trainStep(s, Batch.of(1));
        s.optimizerStep();
        s.lazyResetGrad();
      }
      state.addProperty("epoch", 3L);
      state.addProperty("best.loss", 0.5f);
      state.addProperty("run", "probe");
      state.save(out.resolve("ort_saved.ckpt"), true);
      state.save(out.resolve("ort_saved_no_optimizer.ckpt"), false);
    }
  }

  @Test
  void closingAnOwnEnvironmentClosesSessionsAndStatesInOrder() {
    OrtEnvironment own = OrtEnvironment.create("training-test");
    CheckpointState state = own.loadCheckpoint(checkpoint);
    TrainingSession s = own.openTrainingSession(state, train, eval, adamw, CONFIG);
    own.close();
    assertTrue(s.isClosed());
    assertTrue(state.isClosed());
    assertThrows(IllegalStateException.class, () -> own.loadCheckpoint(checkpoint));
  }
}
