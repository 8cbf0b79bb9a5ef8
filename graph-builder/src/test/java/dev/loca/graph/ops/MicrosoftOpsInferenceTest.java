package dev.loca.graph.ops;

import static dev.loca.graph.ir.DataType.BOOL;
import static dev.loca.graph.ir.DataType.DOUBLE;
import static dev.loca.graph.ir.DataType.FLOAT;
import static dev.loca.graph.ir.DataType.INT32;
import static dev.loca.graph.ir.DataType.INT64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Type and shape inference of the com.microsoft training ops and gradient kernels. */
class MicrosoftOpsInferenceTest {
  private static final String MS = OpsetId.MICROSOFT;

  private GraphBuilder b;

  @BeforeEach
  void setUp() {
    b = new GraphBuilder("g", 0);
  }

  private static ValueType.Tensor t(DataType dtype, long... dims) {
    return ValueType.tensor(dtype, Shape.of(dims));
  }

  private static ValueType.Sequence seqOfFloat() {
    return ValueType.sequence(ValueType.tensor(FLOAT, Shape.unknownRank()));
  }

  private Value in(String name, DataType dtype, long... dims) {
    return b.input(name, dtype, Shape.of(dims));
  }

  private Value one(String op, Value... inputs) {
    return b.node(MS, op).inputs(inputs).build();
  }

  private static void assertType(ValueType expected, Value v) {
    assertEquals(expected, v.type(), () -> "type of " + v.name());
  }

  // ---- TrainingOps ----------------------------------------------------------------------------------

  @Test
  void inPlaceAccumulatorV2GivesBoolFlagOfOneAndOptionalBuffer() {
    Value buf = in("W_grad.accumulation.buffer", FLOAT, 3, 2);
    Value grad = in("W_grad", FLOAT, 3, 2);
    Value reset = in("lazy_reset_grad", BOOL, 1);
    assertType(t(BOOL, 1), one("InPlaceAccumulatorV2", buf, grad, reset));
    List<Value> both = b.node(MS, "InPlaceAccumulatorV2").inputs(buf, grad).build(2);
    assertType(t(BOOL, 1), both.get(0));
    assertType(t(FLOAT, 3, 2), both.get(1));
  }

  @Test
  void adamWOptimizerFlagIsBoolOfStepShapeAndSequencesPassThrough() {
    Value lr = in("learning_rate", FLOAT, 1);
    Value step = in("step", INT64, 1);
    Value params = b.input("params", seqOfFloat());
    Value grads = b.input("gradients", seqOfFloat());
    Value m1 = b.input("first_order_moments", seqOfFloat());
    Value m2 = b.input("second_order_moments", seqOfFloat());
    Value clipped = b.node(MS, "InplaceClipGradNorm").inputs(grads).attr("max_norm", 1.0f).build();
    assertType(seqOfFloat(), clipped);
    Value flag = b.node(MS, "AdamWOptimizer").inputs(lr, step, params, clipped, m1, m2)
        .attr("weight_decay", 0.0f).attr("adam_mode", 1L).outputNames("updated_flag").build();
    assertType(t(BOOL, 1), flag);
    List<Value> all = b.node(MS, "AdamWOptimizer").inputs(lr, step, params, grads, m1, m2).build(4);
    for (int i = 1; i < 4; i++) {
      assertType(seqOfFloat(), all.get(i));
    }
    b.output(flag);
    Graph g = b.build();
    assertEquals(3, g.nodes().size());
  }

  @Test
  void sgdOptimizerV2FlagIsBoolScalar() {
    Value lr = in("learning_rate", FLOAT, 1);
    Value params = b.input("params", seqOfFloat());
    Value grads = b.input("gradients", seqOfFloat());
    List<Value> out = b.node(MS, "SGDOptimizerV2").inputs(lr, params, grads).build(2);
    assertType(t(BOOL), out.get(0));
    assertType(seqOfFloat(), out.get(1));
  }

  @Test
  void zeroGradientAndReduceAllL2() {
    Value g1 = in("g1", FLOAT, 3, 2);
    Value g2 = in("g2", FLOAT, 2);
    Value signal = in("signal", BOOL, 1);
    assertType(t(FLOAT, 3, 2), one("ZeroGradient", g1, signal));
    assertType(t(FLOAT), one("ReduceAllL2", g1, g2));
  }

  @Test
  void trainingOpsRejectWrongTypes() {
    Value lr = in("learning_rate", FLOAT, 1);
    Value step = in("step", INT64, 1);
    Value params = in("params", FLOAT, 3, 2);
    Value seq = b.input("gradients", seqOfFloat());
    ShapeInferenceException e = assertThrows(ShapeInferenceException.class,
        () -> b.node(MS, "AdamWOptimizer").inputs(lr, step, params, seq, seq, seq).build());
    assertTrue(e.getMessage().contains("input 2 (weights) must be a sequence of tensors"), e.getMessage());

    Value buf = in("buf", FLOAT, 3, 2);
    Value reset = in("reset", INT64, 1);
    e = assertThrows(ShapeInferenceException.class, () -> one("InPlaceAccumulatorV2", buf, buf, reset));
    assertTrue(e.getMessage().contains("input 2 (overwrite_flag) must be one of [bool]"), e.getMessage());

    Value wrongShape = in("g", FLOAT, 2, 3);
    e = assertThrows(ShapeInferenceException.class, () -> one("InPlaceAccumulatorV2", buf, wrongShape));
    assertTrue(e.getMessage().contains("must have the same shape"), e.getMessage());
  }

  // ---- GradientKernelOps: activations and softmax --------------------------------------------------

  @Test
  void activationGradientsKeepTheGradientType() {
    Value dy = in("dY", FLOAT, 2, 4);
    Value x = in("X", FLOAT, 2, 4);
    Value bias = in("B", FLOAT, 4);
    for (String op : List.of("GeluGrad", "FastGeluGrad", "ReluGrad", "SigmoidGrad", "TanhGrad", "SoftmaxGrad_13",
        "LogSoftmaxGrad_13")) {
      assertType(t(FLOAT, 2, 4), one(op, dy, x));
    }
    assertType(t(FLOAT, 2, 4), one("BiasGeluGrad_dX", dy, x, bias));
    assertType(t(FLOAT, 2, 4), one("BiasFastGeluGrad_dX", dy, x, bias));
    assertType(t(FLOAT, 2, 4), b.node(MS, "SoftmaxGrad_13").inputs(dy, x).attr("axis", 0L).build());
  }

  @Test
  void forwardContribOps() {
    Value x = in("X", FLOAT, 2, 3, 4);
    Value bias = in("bias", FLOAT, 4);
    assertType(t(FLOAT, 2, 3, 4), one("Gelu", x));
    assertType(t(FLOAT, 2, 3, 4), one("FastGelu", x));
    assertType(t(FLOAT, 2, 3, 4), one("FastGelu", x, bias));
    assertType(t(FLOAT, 2, 3, 4), one("BiasGelu", x, bias));

    Value a = in("A", FLOAT, 3, 2);
    Value w = in("W", FLOAT, 3, 5);
    assertType(t(FLOAT, 2, 5), b.node(MS, "FusedMatMul").inputs(a, w).attr("transA", 1L).build());
    Value w2 = in("W2", FLOAT, 5, 2);
    assertType(t(FLOAT, 3, 5), b.node(MS, "FusedMatMul").inputs(a, w2).attr("transB", 1L)
        .attr("alpha", 0.5f).build());
    // transBatchA: A [4,2,8] is read as [2,4,8]; with B [2,8,16] the product is [2,4,16].
    Value a3 = in("A3", FLOAT, 4, 2, 8);
    Value b3 = in("B3", FLOAT, 2, 8, 16);
    assertType(t(FLOAT, 2, 4, 16), b.node(MS, "FusedMatMul").inputs(a3, b3).attr("transBatchA", 1L).build());
  }

  // ---- GradientKernelOps: normalisation --------------------------------------------------------------

  @Test
  void layerNormalizationGradients() {
    Value dy = in("Y_grad", FLOAT, 2, 4);
    Value x = in("X", FLOAT, 2, 4);
    Value scale = in("scale", FLOAT, 4);
    Value bias = in("bias", FLOAT, 4);
    Value mean = in("mean", FLOAT, 2, 1);
    Value inv = in("inv_std_dev", FLOAT, 2, 1);
    List<Value> ln = b.node(MS, "LayerNormalizationGrad").inputs(dy, x, scale, mean, inv).build(3);
    assertType(t(FLOAT, 2, 4), ln.get(0));
    assertType(t(FLOAT, 4), ln.get(1));
    assertType(t(FLOAT, 4), ln.get(2));

    List<Value> sln = b.node(MS, "SimplifiedLayerNormalizationGrad").inputs(dy, x, scale, inv).build(2);
    assertType(t(FLOAT, 2, 4), sln.get(0));
    assertType(t(FLOAT, 4), sln.get(1));

    List<Value> iln = b.node(MS, "InvertibleLayerNormalizationGrad").inputs(dy, x, scale, bias, inv).build(3);
    assertType(t(FLOAT, 2, 4), iln.get(0));
    assertType(t(FLOAT, 4), iln.get(1));
    assertType(t(FLOAT, 4), iln.get(2));
  }

  @Test
  void gradientKernelsRejectWrongShapesAndTypes() {
    Value dy = in("Y_grad", FLOAT, 2, 4);
    Value x = in("X", FLOAT, 2, 4);
    Value scale = in("scale", FLOAT, 3);
    Value mean = in("mean", FLOAT, 2, 1);
    ShapeInferenceException e = assertThrows(ShapeInferenceException.class,
        () -> b.node(MS, "LayerNormalizationGrad").inputs(dy, x, scale, mean, mean).build(3));
    assertTrue(e.getMessage().contains("LayerNormalizationGrad") && e.getMessage().contains("normalised shape"),
        e.getMessage());

    Value shape = b.longs(5, 3);
    Value indices = in("indices", INT64, 2);
    Value wrongRank = in("dY", FLOAT, 2, 3, 1);
    e = assertThrows(ShapeInferenceException.class, () -> one("GatherGrad", shape, indices, wrongRank));
    assertTrue(e.getMessage().contains("is not the Gather output shape [2,3]"), e.getMessage());

    Value intGrad = in("dI", INT32, 2, 4);
    e = assertThrows(ShapeInferenceException.class, () -> one("ReluGrad", intGrad, x));
    assertTrue(e.getMessage().contains("input 0 (dY) must be one of"), e.getMessage());
  }

  // ---- GradientKernelOps: indexing, reduction, broadcasting ------------------------------------------

  @Test
  void gatherGradUsesTheKnownShapeElseTheRank() {
    Value indices = in("indices", INT64, 2);
    Value dy = in("dY", FLOAT, 2, 3);
    assertType(t(FLOAT, 5, 3), one("GatherGrad", b.longs(5, 3), indices, dy));
    Value unknownShape = in("shape", INT64, 2);
    assertType(ValueType.tensor(FLOAT, Shapes.unknownDims(2)), one("GatherGrad", unknownShape, indices, dy));
    Value noLength = b.input("shape_any", INT64, Shape.symbolic("n"));
    assertType(ValueType.tensor(FLOAT, Shape.unknownRank()), one("GatherGrad", noLength, indices, dy));
  }

  @Test
  void gatherElementsGradAndSliceGrad() {
    Value dy = in("dY", FLOAT, 2, 2);
    Value idx = in("indices", INT64, 2, 2);
    assertType(t(FLOAT, 2, 3), b.node(MS, "GatherElementsGrad").inputs(dy, b.longs(2, 3), idx)
        .attr("axis", 1L).build());

    Value sdy = in("sdY", FLOAT, 2, 1);
    Value sliced = b.node(MS, "SliceGrad").inputs(sdy, b.longs(2, 4), b.longs(1), b.longs(2), b.longs(1)).build();
    assertType(t(FLOAT, 2, 4), sliced);
  }

  @Test
  void reduceSumTrainingWithConstantAndUnknownAxes() {
    Value x = in("data", FLOAT, 2, 3, 4);
    assertType(t(FLOAT, 2, 1, 4), one("ReduceSumTraining", x, b.longs(1)));
    assertType(t(FLOAT, 3), b.node(MS, "ReduceSumTraining").inputs(x, b.longs(0, -1)).attr("keepdims", 0L).build());
    Value empty = b.constant(TensorData.ofLongs(new long[] {0}));
    assertType(t(FLOAT, 2, 3, 4), b.node(MS, "ReduceSumTraining").inputs(x, empty)
        .attr("noop_with_empty_axes", 1L).build());
    assertType(t(FLOAT, 1, 1, 1), one("ReduceSumTraining", x, empty));
    Value axes = in("axes", INT64, 1);
    assertType(ValueType.tensor(FLOAT, Shapes.unknownDims(3)), one("ReduceSumTraining", x, axes));
  }

  @Test
  void broadcastGradientArgsCountsTheAxesWhenShapesAreKnown() {
    List<Value> out = b.node(MS, "BroadcastGradientArgs").inputs(b.longs(2, 3, 4), b.longs(3, 1)).build(2);
    assertType(t(INT64, 0), out.get(0));
    assertType(t(INT64, 2), out.get(1));
    Value a = in("a_shape", INT64, 3);
    Value bShape = in("b_shape", INT64, 2);
    List<Value> unknown = b.node(MS, "BroadcastGradientArgs").inputs(a, bShape).build(2);
    assertType(ValueType.tensor(INT64, Shapes.unknownDims(1)), unknown.get(0));
  }

  // ---- GradientKernelOps: losses, conv, dropout -------------------------------------------------------

  @Test
  void softmaxCrossEntropyLossInternalAndGradients() {
    Value scores = in("scores", FLOAT, 4, 3);
    Value labels = in("labels", INT64, 4);
    Value ignore = b.constant(TensorData.scalar(-100L));
    List<Value> loss = b.node(MS, "SoftmaxCrossEntropyLossInternal").inputs(scores, labels, null, ignore).build(2);
    assertType(t(FLOAT), loss.get(0));
    assertType(t(FLOAT, 4, 3), loss.get(1));
    List<Value> none = b.node(MS, "SoftmaxCrossEntropyLossInternal").inputs(scores, labels)
        .attr("reduction", "none").attr("output_type", (long) DOUBLE.onnxCode()).build(2);
    assertType(t(DOUBLE, 4), none.get(0));
    assertType(t(DOUBLE, 4, 3), none.get(1));

    Value dy = in("dY", FLOAT);
    assertType(t(FLOAT, 4, 3), b.node(MS, "SoftmaxCrossEntropyLossInternalGrad")
        .inputs(dy, loss.get(1), labels, null, ignore).build());
    assertType(t(FLOAT, 4, 3), b.node(MS, "SoftmaxCrossEntropyLossGrad").inputs(dy, loss.get(1), labels)
        .attr("ignore_index", -100L).build());
  }

  @Test
  void convGradGivesInputWeightAndBiasGradients() {
    Value dy = in("dY", FLOAT, 1, 4, 3, 3);
    Value x = in("X", FLOAT, 1, 2, 5, 5);
    Value w = in("W", FLOAT, 4, 2, 3, 3);
    List<Value> out = b.node(MS, "ConvGrad").inputs(dy, x, w).ints("kernel_shape", 3, 3).build(3);
    assertType(t(FLOAT, 1, 2, 5, 5), out.get(0));
    assertType(t(FLOAT, 4, 2, 3, 3), out.get(1));
    assertType(t(FLOAT, 4), out.get(2));
  }

  @Test
  void dropoutGradKeepsTheGradientType() {
    Value dy = in("dy", FLOAT, 2, 3);
    Value mask = in("mask", BOOL, 2, 3);
    Value ratio = b.scalar(0.1f);
    Value training = b.constant(TensorData.ofBooleans(new long[0], true));
    assertType(t(FLOAT, 2, 3), one("DropoutGrad", dy, mask, ratio, training));
  }

  @Test
  void everyRequestedOpIsInTheCatalogUnderComMicrosoftVersionOne() {
    List<String> ops = List.of("InPlaceAccumulatorV2", "AdamWOptimizer", "InplaceClipGradNorm", "SGDOptimizerV2",
        "ZeroGradient", "ReduceAllL2", "SoftmaxGrad_13", "LogSoftmaxGrad_13", "LayerNormalizationGrad",
        "SimplifiedLayerNormalizationGrad", "InvertibleLayerNormalizationGrad", "GeluGrad", "FastGeluGrad",
        "BiasGeluGrad_dX", "BiasFastGeluGrad_dX", "ReluGrad", "SigmoidGrad", "TanhGrad", "GatherGrad",
        "GatherElementsGrad", "SliceGrad", "ReduceSumTraining", "BroadcastGradientArgs",
        "SoftmaxCrossEntropyLossInternal", "SoftmaxCrossEntropyLossInternalGrad", "SoftmaxCrossEntropyLossGrad",
        "ConvGrad", "DropoutGrad", "Gelu", "FastGelu", "BiasGelu", "FusedMatMul");
    for (String op : ops) {
      OpSchema s = OpCatalog.standard().get(MS, op);
      assertEquals(1, s.sinceVersion(), op);
      assertEquals("com.microsoft", s.domain(), op);
    }
  }
}
