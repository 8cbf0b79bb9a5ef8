package dev.loca.it.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.artifacts.ArtifactBuilder;
import dev.loca.graph.artifacts.ArtifactValidator;
import dev.loca.graph.artifacts.OptimizerSettings;
import dev.loca.graph.artifacts.TrainingArtifacts;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.runtime.loop.MaskedWeightDecay;
import dev.loca.runtime.ort.CheckpointState;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.runtime.ort.TrainingSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End to end through ONNX Runtime's training API, from Java only: a two-layer classifier built with the
 * graph builder, differentiated by our autodiff, packaged as training artifacts, trained with AdamW, a
 * weight-decay mask and gradient clipping, and compared step by step with a plain-Java implementation.
 */
class MlpTrainingTest {
  static final int IN = 4;
  static final int HIDDEN = 8;
  static final int CLASSES = 3;
  static final int BATCH = 16;
  static final float LR = 0.02f;
  static final float WD = 0.1f;
  /** Below the early gradient norms, so that the compared steps exercise clipping. */
  static final float CLIP = 0.5f;
  static final OptimizerSettings ADAMW = OptimizerSettings.adamW().withWeightDecay(WD).withMaxGradNorm(CLIP);
  static final SessionConfig SESSION = SessionConfig.defaults().withIntraOpThreads(1);

  /** The forward graph, its loss and its parameters. */
  record Mlp(Graph graph, Value loss, List<Value> params) {}

  static Mlp mlp(String reduction) {
    GraphBuilder b = new GraphBuilder("mlp", 7);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", IN));
    Value labels = b.input("labels", DataType.INT64, Shape.symbolic("batch"));
    Value h;
    Value logits;
    try (Scope s = b.scope("fc1")) {
      h = b.op("Tanh", b.op("Add", b.op("MatMul", x, b.parameter("weight", Shape.of(IN, HIDDEN), Init.xavierUniform())),
          b.parameter("bias", Shape.of(HIDDEN), Init.normal(0.1))));
    }
    try (Scope s = b.scope("fc2")) {
      logits = b.op("Add", b.op("MatMul", h, b.parameter("weight", Shape.of(HIDDEN, CLASSES), Init.xavierUniform())),
          b.parameter("bias", Shape.of(CLASSES), Init.normal(0.1)));
    }
    Value loss = b.node("SoftmaxCrossEntropyLoss").inputs(logits, labels).attr("reduction", reduction).build();
    b.output("loss", loss);
    Graph g = b.build();
    return new Mlp(g, g.outputs().get(0), b.parameters());
  }

  /** A deterministic batch of a separable problem: the label is the argmax of a fixed linear map. */
  record Batch(float[] x, long[] labels) {}

  static Batch batch(long index, int size) {
    SplittableRandom r = new SplittableRandom(1000 + index);
    float[] x = new float[size * IN];
    long[] labels = new long[size];
    double[][] truth = {{1, -1, 0.5}, {-0.5, 1, 1}, {1, 0.5, -1}, {-1, -0.5, 0.5}};
    for (int i = 0; i < size; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < IN; k++) {
        x[i * IN + k] = (float) (r.nextDouble() * 2 - 1);
      }
      for (int c = 0; c < CLASSES; c++) {
        double s = 0;
        for (int k = 0; k < IN; k++) {
          s += x[i * IN + k] * truth[k][c];
        }
        if (s > best) {
          best = s;
          labels[i] = c;
        }
      }
    }
    return new Batch(x, labels);
  }

  static TrainingSession open(CheckpointState state, TrainingArtifacts a) {
    TrainingSession s = OrtEnvironment.shared().openTrainingSession(state, a.trainingBytes(), a.evalBytes(),
        a.optimizerBytes(), SESSION);
    s.setLearningRate(LR);
    return s;
  }

  static float trainStep(TrainingSession s, Batch batch) {
    try (OrtTensor x = OrtTensor.fromFloats(batch.x(), batch.labels().length, IN);
        OrtTensor y = OrtTensor.fromLongs(batch.labels(), batch.labels().length);
        RunResult r = s.trainStep(Map.of("x", x, "labels", y))) {
      return r.get("loss").toFloatArray()[0];
    }
  }

  static Map<String, float[]> parameters(CheckpointState state, List<String> names) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String n : names) {
      try (OrtTensor t = state.parameter(n)) {
        out.put(n, t.toFloatArray());
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Flavour.class)
  void matchesTheJavaReferenceStepByStepAndLearns(Flavour flavour) {
    Mlp m = mlp("mean");
    TrainingArtifacts a = ArtifactBuilder.build(m.graph(), m.loss(), m.params(), List.of(), flavour, ADAMW);
    assertEquals(List.of(), ArtifactValidator.validate(a).problems());
    assertEquals(List.of("fc1.bias", "fc2.bias"), a.rankOne());
    Map<String, float[]> init = new LinkedHashMap<>();
    m.params().forEach(p -> init.put(p.name(), m.graph().initializers().get(p).toFloats()));
    ReferenceMlp ref = new ReferenceMlp(IN, HIDDEN, CLASSES, init);
    MaskedWeightDecay mask = new MaskedWeightDecay(a.rankOne(), WD);
    List<Float> losses = new ArrayList<>();
    double minClip = 1;
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(a.checkpoint());
        TrainingSession s = open(state, a)) {
      for (int step = 0; step < 5; step++) {
        Batch batch = batch(step, BATCH);
        float loss = trainStep(s, batch);
        Map<String, double[]> grads = new HashMap<>();
        double expected = ref.lossAndGrads(batch.x(), batch.labels(), grads);
        assertEquals(expected, loss, 1e-4, "loss of step " + step);
        mask.optimizerStep(s);
        s.lazyResetGrad();
        minClip = Math.min(minClip, ref.adamW(grads, LR, 0.9, 0.999, 1e-8, WD, CLIP));
        losses.add(loss);
      }
      assertTrue(minClip < 1, "the clip bound should bite in the compared steps, so that clipping is checked");
      Map<String, float[]> got = parameters(state, a.trainable());
      for (String name : a.trainable()) {
        assertRelativelyClose(ref.params.get(name), got.get(name), 1e-5, name);
      }
      for (int step = 5; step < 300; step++) {
        float loss = trainStep(s, batch(step, BATCH));
        mask.optimizerStep(s);
        s.lazyResetGrad();
        losses.add(loss);
      }
    }
    double first = mean(losses.subList(0, 10));
    double last = mean(losses.subList(290, 300));
    System.out.printf(java.util.Locale.ROOT, "MLP %s: mean loss of steps 0-9 %.4f, 100-109 %.4f, 200-209 %.4f, 290-299 %.4f%n", flavour,
        first, mean(losses.subList(100, 110)), mean(losses.subList(200, 210)), last);
    assertTrue(last < 0.35, "loss should fall below 0.35, got " + last + " (started at " + first + ")");
  }

  /** max |a - b| over the tensor, relative to the tensor's largest magnitude. */
  static void assertRelativelyClose(double[] expected, float[] actual, double tol, String what) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(diff <= tol * scale, what + ": max difference " + diff + " exceeds " + tol + " x " + scale);
  }

  static double mean(List<Float> v) {
    return v.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
  }

  @Test
  void saveReloadContinueGivesTheSameLossesAsAnUninterruptedRun(@TempDir Path dir) {
    Mlp m = mlp("mean");
    TrainingArtifacts a = ArtifactBuilder.build(m.graph(), m.loss(), m.params(), List.of(), Flavour.FUSED, ADAMW);
    MaskedWeightDecay mask = new MaskedWeightDecay(a.rankOne(), WD);
    List<Float> straight = new ArrayList<>();
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(a.checkpoint());
        TrainingSession s = open(state, a)) {
      for (int step = 0; step < 10; step++) {
        straight.add(trainStep(s, batch(step, BATCH)));
        mask.optimizerStep(s);
        s.lazyResetGrad();
      }
    }
    List<Float> resumed = new ArrayList<>();
    Path ckpt = dir.resolve("ckpt");
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(a.checkpoint());
        TrainingSession s = open(state, a)) {
      for (int step = 0; step < 5; step++) {
        resumed.add(trainStep(s, batch(step, BATCH)));
        mask.optimizerStep(s);
        s.lazyResetGrad();
      }
      state.save(ckpt, true);
    }
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(ckpt);
        TrainingSession s = open(state, a)) {
      for (int step = 5; step < 10; step++) {
        resumed.add(trainStep(s, batch(step, BATCH)));
        mask.optimizerStep(s);
        s.lazyResetGrad();
      }
    }
    assertEquals(straight, resumed);
  }

  @Test
  void accumulatingKStepsEqualsOneStepOnTheKTimesLargerBatch() {
    Mlp m = mlp("sum");
    TrainingArtifacts a = ArtifactBuilder.build(m.graph(), m.loss(), m.params(), List.of(), Flavour.FUSED, ADAMW);
    Batch big = batch(0, 3 * 8);
    Map<String, float[]> oneStep;
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(a.checkpoint());
        TrainingSession s = open(state, a)) {
      trainStep(s, big);
      s.optimizerStep();
      oneStep = parameters(state, a.trainable());
    }
    Map<String, float[]> accumulated;
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(a.checkpoint());
        TrainingSession s = open(state, a)) {
      for (int k = 0; k < 3; k++) {
        float[] x = java.util.Arrays.copyOfRange(big.x(), k * 8 * IN, (k + 1) * 8 * IN);
        long[] y = java.util.Arrays.copyOfRange(big.labels(), k * 8, (k + 1) * 8);
        trainStep(s, new Batch(x, y));
      }
      s.optimizerStep();
      accumulated = parameters(state, a.trainable());
    }
    for (String name : a.trainable()) {
      double[] expected = new double[oneStep.get(name).length];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = oneStep.get(name)[i];
      }
      assertRelativelyClose(expected, accumulated.get(name), 1e-6, name);
    }
  }
}
