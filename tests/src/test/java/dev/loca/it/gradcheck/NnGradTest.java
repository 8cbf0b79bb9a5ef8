package dev.loca.it.gradcheck;

import static dev.loca.it.gradcheck.GradCheck.check;
import static dev.loca.it.gradcheck.GradCheck.fixed;
import static dev.loca.it.gradcheck.GradCheck.wrt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loca.graph.autodiff.Backprop;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.NodeBuilder;
import dev.loca.graph.ir.Attribute;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.it.ops.Nd;
import dev.loca.it.ops.OrtOps;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of the neural-net rules (Softmax, LogSoftmax, LayerNormalization, Dropout,
 * SoftmaxCrossEntropyLoss, Conv) in both flavours, so that the fused flavour also checks that ORT's
 * gradient kernels (SoftmaxGrad_13, LogSoftmaxGrad_13, LayerNormalizationGrad, DropoutGrad,
 * SoftmaxCrossEntropyLossGrad, ConvGrad) are fed what their CPU kernels expect. Dropout in training draws
 * a new mask on every run, so its gradient is checked against the mask of the same run instead.
 */
class NnGradTest {

  private static Value boolConst(GraphBuilder b, boolean v) {
    return b.constant(TensorData.ofBooleans(new long[0], v));
  }

  // ---------------------------------------------------------------- Softmax, LogSoftmax

  @Test
  @GradTest("Softmax")
  void softmaxAlongEachAxisOfA3dInput() {
    for (long axis : new long[] {-1, 1, 0}) {
      check(c -> List.of(c.b().node("Softmax").inputs(c.in("x")).attr("axis", axis).build()),
          wrt("x", Nd.uniform(100 + axis, -2, 2, 2, 3, 4)));
    }
  }

  @Test
  @GradTest("Softmax")
  void softmaxWithASymbolicBatchFeedingAProduct() {
    // the softmax output fans out (Mul with itself and a second input), so dY is not a constant
    check(c -> {
      Value y = c.b().node("Softmax").inputs(c.in("x")).attr("axis", -1L).build();
      return List.of(c.b().op("Mul", c.b().op("Mul", y, y), c.in("w")));
    }, wrt("x", Shape.symbolic("batch", 5), Nd.uniform(11, -2, 2, 3, 5)), wrt("w", Nd.uniform(12, -1, 1, 5)));
  }

  @Test
  @GradTest("LogSoftmax")
  void logSoftmaxAlongEachAxisOfA3dInput() {
    for (long axis : new long[] {-1, 1, 0}) {
      check(c -> List.of(c.b().node("LogSoftmax").inputs(c.in("x")).attr("axis", axis).build()),
          wrt("x", Nd.uniform(200 + axis, -2, 2, 2, 3, 4)));
    }
  }

  @Test
  @GradTest("LogSoftmax")
  void logSoftmaxWithASymbolicBatch() {
    check(c -> List.of(c.b().op("Mul", c.b().op("LogSoftmax", c.in("x")), c.in("x"))),
        wrt("x", Shape.symbolic("batch", 4), Nd.uniform(13, -2, 2, 3, 4)));
  }

  // ---------------------------------------------------------------- LayerNormalization

  @Test
  @GradTest("LayerNormalization")
  void layerNormLastAxisWithBiasOneOutputSymbolicBatch() {
    check(c -> List.of(c.b().op("LayerNormalization", c.in("x"), c.in("scale"), c.in("bias"))),
        wrt("x", Shape.symbolic("batch", 3, 5), Nd.uniform(21, -2, 2, 2, 3, 5)),
        wrt("scale", Nd.uniform(22, 0.5, 1.5, 5)),
        wrt("bias", Nd.uniform(23, -1, 1, 5)));
  }

  @Test
  @GradTest("LayerNormalization")
  void layerNormLastAxisWithBiasAllThreeOutputsOnlyYUsed() {
    check(c -> List.of(c.b().node("LayerNormalization").inputs(c.in("x"), c.in("scale"), c.in("bias"))
            .attr("axis", -1L).build(3).get(0)),
        wrt("x", Shape.symbolic("batch", 4), Nd.uniform(24, -2, 2, 3, 4)),
        wrt("scale", Nd.uniform(25, 0.5, 1.5, 4)),
        wrt("bias", Nd.uniform(26, -1, 1, 4)));
  }

  @Test
  @GradTest("LayerNormalization")
  void layerNormAxisOneWithoutBiasOneAndThreeOutputs() {
    for (int outputs : new int[] {1, 3}) {
      check(c -> List.of(c.b().node("LayerNormalization").inputs(c.in("x"), c.in("scale")).attr("axis", 1L)
              .attr("epsilon", 1e-3f).build(outputs).get(0)),
          wrt("x", Shape.symbolic("batch", 3, 4), Nd.uniform(27 + outputs, -2, 2, 2, 3, 4)),
          wrt("scale", Nd.uniform(28, -1.5, 1.5, 3, 4)));
    }
  }

  @Test
  @GradTest("LayerNormalization")
  void layerNormWithMeanAndInvStdDevUsedDownstream() {
    // every output of the node (Y, Mean, InvStdDev) is folded into the loss
    check(c -> {
          List<Value> y = c.b().node("LayerNormalization").inputs(c.in("x"), c.in("scale"), c.in("bias"))
              .attr("axis", 1L).build(3);
          return List.of(y.get(0), y.get(1), y.get(2));
        },
        wrt("x", Shape.symbolic("batch", 2, 3), Nd.uniform(31, -2, 2, 2, 2, 3)),
        wrt("scale", Nd.uniform(32, 0.5, 1.5, 2, 3)),
        wrt("bias", Nd.uniform(33, -1, 1, 2, 3)));
  }

  @Test
  @GradTest("LayerNormalization")
  void layerNormAxisOneWithAScaleThatBroadcasts() {
    // scale and bias [4] broadcast to the normalised shape [3,4]; the kernel wants a full scale
    check(c -> List.of(c.b().node("LayerNormalization").inputs(c.in("x"), c.in("scale"), c.in("bias"))
            .attr("axis", 1L).build()),
        wrt("x", Nd.uniform(37, -2, 2, 2, 3, 4)),
        wrt("scale", Nd.uniform(38, 0.5, 1.5, 4)),
        wrt("bias", Nd.uniform(39, -1, 1, 4)));
  }

  @Test
  @GradTest("LayerNormalization")
  void layerNormWithFixedScaleAndBias() {
    check(c -> List.of(c.b().op("LayerNormalization", c.in("x"), c.in("scale"), c.in("bias"))),
        wrt("x", Nd.uniform(34, -2, 2, 3, 4)),
        fixed("scale", Nd.uniform(35, 0.5, 1.5, 4)),
        fixed("bias", Nd.uniform(36, -1, 1, 4)));
  }

  @Test
  void fusedLayerNormFeedsTheKernelTheNodesOwnStatistics() {
    for (int outputs : new int[] {1, 3}) {
      GraphBuilder b = new GraphBuilder("ln_stats", 1);
      Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", 3, 4));
      Value scale = b.input("scale", DataType.FLOAT, Shape.of(3, 4));
      List<Value> y = b.node("LayerNormalization").name("ln").inputs(x, scale).attr("axis", -2L).build(outputs);
      b.output("loss", b.node("ReduceSum").inputs(y.get(0)).attr("keepdims", 0L).build());
      Graph g = b.build();
      Graph bwd = Backprop.differentiate(g, g.outputs().get(0), List.of(x, scale), Flavour.FUSED).graph();
      var kernels = bwd.nodes().stream().filter(n -> n.opType().equals("LayerNormalizationGrad")).toList();
      assertEquals(1, kernels.size());
      var k = kernels.get(0);
      assertEquals(Optional.of(Attribute.of(-2L)), k.attribute("axis"));
      assertEquals(x, k.inputs().get(1));
      assertEquals(scale, k.inputs().get(2));
      if (outputs == 3) {
        assertEquals(y.get(1), k.inputs().get(3), "Mean");
        assertEquals(y.get(2), k.inputs().get(4), "InvStdDev");
      } else {
        // recomputed statistics have LayerNormalization-17's shape [batch,1,1]
        assertEquals(Shape.symbolic("batch", 1, 1), k.inputs().get(3).shape());
        assertEquals(Shape.symbolic("batch", 1, 1), k.inputs().get(4).shape());
        assertEquals(DataType.FLOAT, k.inputs().get(4).dtype());
      }
    }
  }

  /** Runs the backward graph of {@code forward} once and returns the gradient of each value in {@code wrt}. */
  private static Map<String, float[]> runBackward(Flavour flavour, Graph forward, List<Value> wrt,
      Map<String, Nd> feeds) {
    Backprop.Result res = Backprop.differentiate(forward, forward.outputs().get(0), wrt, flavour);
    List<OpsetId> opsets = new ArrayList<>(List.of(OpsetId.onnx(17)));
    if (res.graph().nodes().stream().anyMatch(n -> n.domain().equals(OpsetId.MICROSOFT))) {
      opsets.add(OpsetId.microsoft(1));
    }
    byte[] bytes = ModelWriter.toBytes(Model.of(res.graph(), opsets));
    Map<String, OrtTensor> tensors = new LinkedHashMap<>();
    try (InferenceSession s = OrtEnvironment.shared().openSession(bytes, config())) {
      feeds.forEach((k, v) -> tensors.put(k, OrtOps.toOrt(v)));
      try (RunResult r = s.run(tensors)) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Value v : wrt) {
          out.put(v.name(), r.get(res.gradients().get(v).name()).toFloatArray());
        }
        return out;
      }
    } finally {
      tensors.values().forEach(OrtTensor::close);
    }
  }

  // ---------------------------------------------------------------- Dropout

  @Test
  @GradTest("Dropout")
  void dropoutOutsideTrainingIsTheIdentity() {
    // no ratio and no training_mode; one output
    check(c -> List.of(c.b().op("Dropout", c.in("x"))),
        wrt("x", Shape.symbolic("batch", 4), Nd.uniform(41, -2, 2, 3, 4)));
    // ratio 0.3 and training_mode absent, with the mask output
    check(c -> List.of(c.b().node("Dropout").inputs(c.in("x"), c.b().scalar(0.3f)).build(2).get(0)),
        wrt("x", Nd.uniform(42, -2, 2, 3, 4)));
    // training_mode a constant false: ratio must not rescale the gradient
    check(c -> List.of(c.b().node("Dropout").inputs(c.in("x"), c.b().scalar(0.3f), boolConst(c.b(), false))
            .build(2).get(0)),
        wrt("x", Nd.uniform(43, -2, 2, 3, 4)));
  }

  @Test
  @GradTest("Dropout")
  void dropoutWithTrainingModeFedAsFalse() {
    // training_mode is a graph input that is false at run time: the backward graph cannot fold it
    check(c -> List.of(c.b().node("Dropout").inputs(c.in("x"), c.b().scalar(0.3f), c.in("training"))
            .build(2).get(0)),
        wrt("x", Nd.uniform(44, -2, 2, 3, 4)), fixed("training", Nd.bools(new long[0], false)));
  }

  @Test
  @GradTest("Dropout")
  void dropoutInTrainingMatchesTheMaskOfTheSameRun() {
    for (Flavour f : Flavour.values()) {
      // training_mode constant true, and fed as a graph input
      dropoutMaskCheck(f, false, 0.3f, null);
      dropoutMaskCheck(f, true, 0.3f, null);
      // seeded, and without a ratio input (default 0.5)
      dropoutMaskCheck(f, false, 0.3f, 7L);
      dropoutMaskCheck(f, false, null, null);
    }
  }

  @Test
  void seededDropoutDrawsANewMaskOnEveryRun() {
    // Why the training path has no finite-difference check: even with the seed attribute, ORT's Dropout
    // kernel advances its generator on each run, so L(x + h) and L(x - h) would see different masks.
    GraphBuilder b = new GraphBuilder("dropout_seed", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.of(8, 8));
    List<Value> outs = b.node("Dropout").inputs(x, b.scalar(0.3f), boolConst(b, true)).attr("seed", 7L).build(2);
    b.output("mask", outs.get(1));
    byte[] bytes = ModelWriter.toBytes(b.model());
    Nd xv = Nd.uniform(45, -1, 1, 8, 8);
    try (InferenceSession s = OrtEnvironment.shared().openSession(bytes, config())) {
      boolean[] first = runMask(s, xv);
      boolean differs = false;
      for (int k = 0; k < 4 && !differs; k++) {
        differs = !Arrays.equals(first, runMask(s, xv));
      }
      assertTrue(differs, "the seeded mask repeated on every run: a finite-difference check would be possible");
    }
  }

  private static boolean[] runMask(InferenceSession s, Nd xv) {
    try (OrtTensor t = OrtOps.toOrt(xv); RunResult r = s.run(Map.of("x", t))) {
      return r.get("mask").toBooleanArray();
    }
  }

  /**
   * Runs forward and backward of {@code y = Dropout(x, ratio, true)} with loss {@code sum(y * R)} once and
   * checks that the gradient of x is {@code R * mask / (1 - ratio)} for the mask that run drew.
   */
  private static void dropoutMaskCheck(Flavour flavour, boolean trainingAsInput, Float ratio, Long seed) {
    String what = flavour + " dropout (training " + (trainingAsInput ? "input" : "constant") + ", ratio " + ratio
        + ", seed " + seed + ")";
    GraphBuilder b = new GraphBuilder("dropout_mask", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", 6));
    Value training = trainingAsInput ? b.input("training", DataType.BOOL, Shape.scalar()) : boolConst(b, true);
    NodeBuilder nb = b.node("Dropout").inputs(x, ratio == null ? null : b.scalar(ratio), training);
    if (seed != null) {
      nb.attr("seed", seed);
    }
    List<Value> outs = nb.build(2);
    long[] shape = {5, 6};
    SplittableRandom rng = new SplittableRandom(3);
    float[] r = new float[30];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) (0.5 + rng.nextDouble());
    }
    Value loss = b.node("ReduceSum").inputs(b.op("Mul", outs.get(0), b.constant(TensorData.ofFloats(shape, r))))
        .attr("keepdims", 0L).build();
    b.output("loss", loss);
    b.output("mask", outs.get(1));
    Graph forward = b.build();
    Backprop.Result res = Backprop.differentiate(forward, forward.outputs().get(0), List.of(x), flavour);
    boolean fused = res.graph().nodes().stream().anyMatch(n -> n.domain().equals(OpsetId.MICROSOFT));
    if (flavour == Flavour.PORTABLE) {
      assertFalse(fused, what + ": portable backward graph uses com.microsoft ops");
    } else {
      assertTrue(res.graph().nodes().stream().anyMatch(n -> n.opType().equals("DropoutGrad")),
          what + ": fused backward graph has no DropoutGrad");
    }
    List<OpsetId> opsets = new ArrayList<>(List.of(OpsetId.onnx(17)));
    if (fused) {
      opsets.add(OpsetId.microsoft(1));
    }
    byte[] bytes = ModelWriter.toBytes(Model.of(res.graph(), opsets));
    double keep = 1 - (ratio == null ? 0.5 : ratio);
    Nd xv = Nd.uniform(46, -2, 2, shape);
    String gradName = res.gradients().get(x).name();
    try (InferenceSession s = OrtEnvironment.shared().openSession(bytes, config())) {
      for (int run = 0; run < 3; run++) {
        try (OrtTensor xt = OrtOps.toOrt(xv);
            OrtTensor tt = OrtOps.toOrt(Nd.bools(new long[0], true));
            RunResult out = s.run(trainingAsInput ? Map.of("x", xt, "training", tt) : Map.of("x", xt))) {
          boolean[] mask = out.get("mask").toBooleanArray();
          float[] g = out.get(gradName).toFloatArray();
          int kept = 0;
          for (int i = 0; i < g.length; i++) {
            double expected = mask[i] ? r[i] / keep : 0;
            kept += mask[i] ? 1 : 0;
            if (Math.abs(g[i] - expected) > 1e-6 + 1e-6 * Math.abs(expected)) {
              fail(what + ", run " + run + ": d loss / d x" + Arrays.toString(Nd.unravel(i, shape)) + " = " + g[i]
                  + " but mask " + mask[i] + " gives " + expected);
            }
          }
          assertTrue(kept > 0 && kept < g.length, what + ": mask kept " + kept + " of " + g.length);
        }
      }
    }
  }

  private static SessionConfig config() {
    return SessionConfig.defaults().withIntraOpThreads(1)
        .withOptimizationLevel(SessionConfig.OptimizationLevel.DISABLED);
  }

  // ---------------------------------------------------------------- SoftmaxCrossEntropyLoss

  private static NodeBuilder sce(GradCheck.Ctx c, String reduction, Long ignoreIndex, boolean weights) {
    NodeBuilder n = c.b().node("SoftmaxCrossEntropyLoss").inputs(c.in("scores"), c.in("labels"));
    if (weights) {
      n.inputs(c.in("w"));
    }
    n.attr("reduction", reduction);
    if (ignoreIndex != null) {
      n.attr("ignore_index", ignoreIndex.longValue());
    }
    return n;
  }

  private static void sceCheck(String reduction, Long ignoreIndex, boolean weights, boolean logProb, Shape scoresShape,
      Nd scores, Shape labelsShape, Nd labels) {
    List<GradCheck.In> in = new ArrayList<>(List.of(wrt("scores", scoresShape, scores),
        new GradCheck.In("labels", labels, labelsShape, false)));
    if (weights) {
      in.add(fixed("w", Nd.floats(new long[] {scores.shape[1]}, weightsFor(scores.shape[1]))));
    }
    check(c -> {
      NodeBuilder n = sce(c, reduction, ignoreIndex, weights);
      List<Value> outs = new ArrayList<>();
      for (Value y : logProb ? n.build(2) : List.of(n.build())) {
        // outputs with the symbolic batch are pinned to the fed shape
        long[] fed = y.shape().rank() == scores.rank() ? scores.shape : labels.shape;
        outs.add(y.shape().isStatic() ? y : y);
      }
      return outs;
    }, in.toArray(GradCheck.In[]::new));
  }

  private static double[] weightsFor(long classes) {
    double[] w = new double[(int) classes];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.25 + 0.5 * i;
    }
    return w;
  }

  @Test
  @GradTest("SoftmaxCrossEntropyLoss")
  void crossEntropyEachReduction() {
    Nd scores = Nd.uniform(51, -2, 2, 4, 5);
    Nd labels = Nd.longs(new long[] {4}, 3, 0, 4, 1);
    for (String red : List.of("mean", "sum", "none")) {
      sceCheck(red, null, false, false, Shape.symbolic("N", 5), scores, Shape.symbolic("N"), labels);
    }
  }

  @Test
  @GradTest("SoftmaxCrossEntropyLoss")
  void crossEntropyIgnoreIndex() {
    Nd scores = Nd.uniform(52, -2, 2, 6, 4);
    Nd labels = Nd.longs(new long[] {6}, 2, -100, 0, 3, -100, 2);
    for (String red : List.of("mean", "sum", "none")) {
      sceCheck(red, -100L, false, false, Shape.of(6, 4), scores, Shape.of(6), labels);
    }
    // an ignore_index that is a valid class
    Nd withOne = Nd.longs(new long[] {6}, 1, 3, 0, 1, 2, 2);
    sceCheck("mean", 1L, false, false, Shape.of(6, 4), scores, Shape.of(6), withOne);
  }

  @Test
  @GradTest("SoftmaxCrossEntropyLoss")
  void crossEntropyClassWeights() {
    Nd scores = Nd.uniform(53, -2, 2, 5, 4);
    Nd labels = Nd.longs(new long[] {5}, 2, 1, 0, 3, 1);
    for (String red : List.of("mean", "sum", "none")) {
      sceCheck(red, null, true, false, Shape.symbolic("N", 4), scores, Shape.symbolic("N"), labels);
    }
    // weights and an ignored class
    Nd ignored = Nd.longs(new long[] {5}, 2, 1, 0, 3, 2);
    for (String red : List.of("mean", "sum", "none")) {
      sceCheck(red, 2L, true, false, Shape.of(5, 4), scores, Shape.of(5), ignored);
    }
  }

  @Test
  @GradTest("SoftmaxCrossEntropyLoss")
  void crossEntropyWithTheLogProbOutputUsed() {
    // log_prob is folded into the loss too, so its gradient flows back into the scores
    Nd scores = Nd.uniform(54, -2, 2, 4, 3);
    Nd labels = Nd.longs(new long[] {4}, 0, 2, 2, 1);
    sceCheck("mean", null, false, true, Shape.symbolic("N", 3), scores, Shape.symbolic("N"), labels);
    sceCheck("none", 1L, true, true, Shape.of(4, 3), scores, Shape.of(4), labels);
  }

  @Test
  @GradTest("SoftmaxCrossEntropyLoss")
  void crossEntropySpatial() {
    Nd scores = Nd.uniform(55, -2, 2, 2, 4, 3); // [N, C, d]
    Nd labels = Nd.longs(new long[] {2, 3}, 1, 3, 0, 2, 1, 1);
    for (String red : List.of("mean", "sum", "none")) {
      sceCheck(red, null, false, false, Shape.symbolic("N", 4, 3), scores, Shape.symbolic("N", 3), labels);
    }
    sceCheck("mean", 1L, true, false, Shape.of(2, 4, 3), scores, Shape.of(2, 3), labels);
    sceCheck("none", 3L, false, true, Shape.of(2, 4, 3), scores, Shape.of(2, 3), labels);
  }

  @Test
  @GradTest("SoftmaxCrossEntropyLoss")
  void crossEntropyWithInt32Labels() {
    Nd scores = Nd.uniform(56, -2, 2, 3, 4);
    Nd labels = Nd.randomInts(57, DataType.INT32, 0, 4, 3);
    sceCheck("mean", null, false, false, Shape.of(3, 4), scores, Shape.of(3), labels);
  }

  @Test
  void crossEntropyWithEveryLabelIgnoredHasAZeroGradient() {
    // 'mean' over no labels: ORT's loss is 0, so the gradient must be 0, not 0/0
    for (Flavour f : Flavour.values()) {
      for (boolean weights : new boolean[] {false, true}) {
        GraphBuilder b = new GraphBuilder("sce_ignored", 1);
        Value s = b.input("scores", DataType.FLOAT, Shape.of(3, 4));
        NodeBuilder n = b.node("SoftmaxCrossEntropyLoss").inputs(s, b.constant(TensorData.vector(2L, 2L, 2L)));
        if (weights) {
          n.inputs(b.constant(TensorData.vector(0.5f, 1f, 1.5f, 2f)));
        }
        b.output("loss", n.attr("ignore_index", 2L).build());
        Graph g = b.build();
        float[] grad = runBackward(f, g, List.of(s), Map.of("scores", Nd.uniform(58, -2, 2, 3, 4))).get("scores");
        for (float v : grad) {
          assertEquals(0f, v, 0f, f + " weights " + weights + ": " + Arrays.toString(grad));
        }
      }
    }
  }

  @Test
  void crossEntropyRefusesToDifferentiateTheClassWeights() {
    for (Flavour f : Flavour.values()) {
      GraphBuilder b = new GraphBuilder("sce_w", 1);
      Value s = b.input("scores", DataType.FLOAT, Shape.of(3, 4));
      Value l = b.input("labels", DataType.INT64, Shape.of(3));
      Value w = b.input("w", DataType.FLOAT, Shape.of(4));
      b.output("loss", b.node("SoftmaxCrossEntropyLoss").name("ce").inputs(s, l, w).build());
      Graph g = b.build();
      var e = assertThrows(IllegalArgumentException.class,
          () -> Backprop.differentiate(g, g.outputs().get(0), List.of(s, w), f));
      assertMessage(e, "ce", "weights");
    }
  }

  // ---------------------------------------------------------------- Conv

  @Test
  @GradTest("Conv")
  void convPatchEmbeddingWithBias() {
    check(c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w"), c.in("bias")).ints("strides", 4, 4)
            .ints("kernel_shape", 4, 4).build()),
        wrt("x", Shape.symbolic("batch", 3, 8, 8), Nd.uniform(61, -1, 1, 2, 3, 8, 8)),
        wrt("w", Nd.uniform(62, -1, 1, 4, 3, 4, 4)),
        wrt("bias", Nd.uniform(63, -1, 1, 4)));
  }

  @Test
  @GradTest("Conv")
  void convPatchEmbeddingWithFixedImageAndNoBias() {
    // the usual case: the image is data, only the weights are trained; non-square patches, auto_pad VALID
    check(c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w")).ints("strides", 2, 4)
            .attr("auto_pad", "VALID").build()),
        fixed("x", Nd.uniform(64, -1, 1, 2, 3, 4, 8)),
        wrt("w", Nd.uniform(65, -1, 1, 5, 3, 2, 4)));
  }

  @Test
  @GradTest("Conv")
  void convGeneralStrideOnePadOneFused() {
    GradCheck.check(Flavour.FUSED, c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w"), c.in("bias"))
            .ints("pads", 1, 1, 1, 1).build()),
        wrt("x", Shape.symbolic("batch", 2, 5, 5), Nd.uniform(66, -1, 1, 2, 2, 5, 5)),
        wrt("w", Nd.uniform(67, -1, 1, 3, 2, 3, 3)),
        wrt("bias", Nd.uniform(68, -1, 1, 3)));
  }

  @Test
  @GradTest("Conv")
  void convGroupTwoWithStrideAndDilationFused() {
    GradCheck.check(Flavour.FUSED, c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w")).attr("group", 2L)
            .ints("strides", 2, 1).ints("pads", 1, 0, 0, 1).ints("dilations", 1, 2).build()),
        wrt("x", Nd.uniform(69, -1, 1, 2, 4, 5, 6)),
        wrt("w", Nd.uniform(70, -1, 1, 4, 2, 3, 2)));
  }

  @Test
  @GradTest("Conv")
  void convSamePaddingFused() {
    // ConvGrad does not resolve auto_pad itself: the rule must pass the explicit pads
    for (String mode : List.of("SAME_UPPER", "SAME_LOWER", "VALID")) {
      GradCheck.check(Flavour.FUSED, c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w"))
              .attr("auto_pad", mode).ints("strides", 2, 2).build()),
          wrt("x", Nd.uniform(71, -1, 1, 1, 2, 6, 5)),
          wrt("w", Nd.uniform(72, -1, 1, 3, 2, 2, 3)));
    }
  }

  @Test
  void portableConvRefusesAllButThePatchEmbedding() {
    GraphBuilder b = new GraphBuilder("conv_general", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.of(1, 2, 5, 5));
    Value w = b.input("w", DataType.FLOAT, Shape.of(3, 2, 3, 3));
    b.output("loss", b.node("ReduceSum").inputs(b.node("Conv").name("conv3x3").inputs(x, w).ints("pads", 1, 1, 1, 1)
        .build()).attr("keepdims", 0L).build());
    Graph g = b.build();
    var e = assertThrows(IllegalArgumentException.class,
        () -> Backprop.differentiate(g, g.outputs().get(0), List.of(x, w), Flavour.PORTABLE));
    assertMessage(e, "conv3x3", "patch embedding", "fused");

    GraphBuilder b2 = new GraphBuilder("conv_ragged", 1);
    Value x2 = b2.input("x", DataType.FLOAT, Shape.of(1, 2, 6, 8));
    Value w2 = b2.input("w", DataType.FLOAT, Shape.of(3, 2, 4, 4));
    b2.output("loss", b2.node("ReduceSum").inputs(b2.node("Conv").name("ragged").inputs(x2, w2)
        .ints("strides", 4, 4).build()).attr("keepdims", 0L).build());
    Graph g2 = b2.build();
    e = assertThrows(IllegalArgumentException.class,
        () -> Backprop.differentiate(g2, g2.outputs().get(0), List.of(w2), Flavour.PORTABLE));
    assertMessage(e, "ragged", "divisible");
  }

  @Test
  void dropoutInTrainingNeedsItsMaskOutput() {
    for (Flavour f : Flavour.values()) {
      GraphBuilder b = new GraphBuilder("dropout_nomask", 1);
      Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3));
      b.output("loss", b.node("ReduceSum").inputs(b.node("Dropout").name("drop")
          .inputs(x, b.scalar(0.1f), boolConst(b, true)).build()).attr("keepdims", 0L).build());
      Graph g = b.build();
      var e = assertThrows(IllegalArgumentException.class,
          () -> Backprop.differentiate(g, g.outputs().get(0), List.of(x), f));
      assertMessage(e, "drop", "mask");
    }
  }

  private static void assertMessage(Throwable e, String... facts) {
    for (String f : facts) {
      assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
    }
  }

  @Test
  void theFusedRulesUseTheKernelsNamedHere() {
    // each fused rule emits its kernel (so the checks above really exercise the kernels)
    assertEquals(List.of("SoftmaxGrad_13"), fusedKernels(b -> b.op("Softmax", b.input("x", DataType.FLOAT,
        Shape.of(2, 3)))));
    assertEquals(List.of("LogSoftmaxGrad_13"), fusedKernels(b -> b.op("LogSoftmax", b.input("x", DataType.FLOAT,
        Shape.of(2, 3)))));
    assertEquals(List.of("LayerNormalizationGrad"), fusedKernels(b -> b.op("LayerNormalization",
        b.input("x", DataType.FLOAT, Shape.of(2, 3)), b.constant(TensorData.vector(1f, 2f, 3f)))));
    assertEquals(List.of("ConvGrad"), fusedKernels(b -> b.op("Conv", b.input("x", DataType.FLOAT,
        Shape.of(1, 1, 3, 3)), b.constant(TensorData.ofFloats(new long[] {1, 1, 2, 2}, 1, 2, 3, 4)))));
    assertEquals(List.of("SoftmaxCrossEntropyLossGrad"), fusedKernels(b -> b.op("SoftmaxCrossEntropyLoss",
        b.input("x", DataType.FLOAT, Shape.of(2, 3)), b.constant(TensorData.vector(1L, 2L)))));
  }

  private static List<String> fusedKernels(Function<GraphBuilder, Value> body) {
    GraphBuilder b = new GraphBuilder("kernels", 1);
    Value y = body.apply(b);
    b.output("loss", b.node("ReduceSum").inputs(y).attr("keepdims", 0L).build());
    Graph g = b.build();
    Backprop.Result r = Backprop.differentiate(g, g.outputs().get(0), List.of(g.inputs().get(0)), Flavour.FUSED);
    return r.graph().nodes().stream().filter(n -> n.domain().equals(OpsetId.MICROSOFT)).map(n -> n.opType())
        .toList();
  }
}
