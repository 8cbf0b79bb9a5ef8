package dev.loca.graph.ops;

import static dev.loca.graph.ir.Attribute.Kind.INT;
import static dev.loca.graph.ir.Attribute.Kind.INTS;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code com.microsoft} gradient kernels of the CPU build that autodiff may emit, and the forward
 * contrib ops of the fused flavour (Gelu, FastGelu, BiasGelu, FusedMatMul). Signatures follow ONNX Runtime
 * 1.24's {@code training_op_defs.cc}, {@code contrib_defs.cc} and {@code bert_defs.cc}; all are
 * since-version 1.
 *
 * <p>Where ORT's schema has no inference, or cannot infer a shape, the output gets the type the kernel
 * produces. Ops whose output shape comes from a shape input (GatherGrad, GatherElementsGrad, SliceGrad) use
 * its value when the builder knows it, otherwise the rank it implies.
 */
final class GradientKernelOps {
  private GradientKernelOps() {}

  private static final String MS = OpsetId.MICROSOFT;

  private static final DataType[] FLOATS = TrainingOps.FLOATS;
  private static final DataType[] FLOATS_NO_BF16 = {DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE};
  private static final DataType[] INDICES = {DataType.INT32, DataType.INT64};
  /** ONNX's numeric_types_for_math_reduction. */
  private static final DataType[] REDUCIBLE = {DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE,
      DataType.BFLOAT16, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64};
  private static final Set<String> REDUCTIONS = Set.of("none", "sum", "mean");

  static void register(OpCatalog.Registry r) {
    // Softmax family (opset-13 semantics: axis is the softmax dimension, default -1).
    r.add(OpSchema.builder(MS, "SoftmaxGrad_13", 1).io("dY, Y", "dX").attr("axis", -1L)
        .infer(ctx -> softmaxGrad(ctx, FLOATS)));
    r.add(OpSchema.builder(MS, "LogSoftmaxGrad_13", 1).io("dY, X", "dX").attr("axis", -1L)
        .infer(ctx -> softmaxGrad(ctx, FLOATS_NO_BF16)));

    // Normalisation gradients.
    r.add(OpSchema.builder(MS, "LayerNormalizationGrad", 1)
        .io("Y_grad, X, scale, mean, inv_std_dev", "X_grad, scale_grad, bias_grad").attr("axis", -1L)
        .infer(ctx -> layerNormGrad(ctx, 3, 4, true)));
    r.add(OpSchema.builder(MS, "SimplifiedLayerNormalizationGrad", 1)
        .io("Y_grad, X, scale, inv_std_var", "X_grad, scale_grad").attr("axis", -1L)
        .infer(ctx -> layerNormGrad(ctx, 3, 3, false)));
    r.add(OpSchema.builder(MS, "InvertibleLayerNormalizationGrad", 1)
        .io("Y_grad, Y, scale, bias, inv_std_var", "X_grad, scale_grad, bias_grad").attr("axis", -1L)
        .infer(GradientKernelOps::invertibleLayerNormGrad));

    // Activation gradients: dX has the type and shape of dY.
    r.add(OpSchema.builder(MS, "GeluGrad", 1).io("dY, X", "dX").infer(ctx -> elementwiseGrad(ctx, FLOATS)));
    r.add(OpSchema.builder(MS, "FastGeluGrad", 1).io("dY, X", "dX").infer(ctx -> elementwiseGrad(ctx, FLOATS)));
    r.add(OpSchema.builder(MS, "BiasGeluGrad_dX", 1).io("dY, X, B", "dX").infer(GradientKernelOps::biasGeluGrad));
    r.add(OpSchema.builder(MS, "BiasFastGeluGrad_dX", 1).io("dY, X, B", "dX")
        .infer(GradientKernelOps::biasGeluGrad));
    r.add(OpSchema.builder(MS, "ReluGrad", 1).io("dY, X", "dX").infer(ctx -> elementwiseGrad(ctx, FLOATS)));
    r.add(OpSchema.builder(MS, "SigmoidGrad", 1).io("dY, Y", "dX").infer(ctx -> elementwiseGrad(ctx, FLOATS)));
    r.add(OpSchema.builder(MS, "TanhGrad", 1).io("dY, Y", "dX").infer(ctx -> elementwiseGrad(ctx, FLOATS)));

    // Indexing and shape gradients.
    r.add(OpSchema.builder(MS, "GatherGrad", 1).io("shape, indices, dY", "dX").attr("axis", 0L)
        .infer(GradientKernelOps::gatherGrad));
    r.add(OpSchema.builder(MS, "GatherElementsGrad", 1).io("dY, shape, indices", "dX").attr("axis", 0L)
        .infer(GradientKernelOps::gatherElementsGrad));
    r.add(OpSchema.builder(MS, "SliceGrad", 1).io("dY, shape, starts, ends, axes?, steps?", "dX")
        .infer(GradientKernelOps::sliceGrad));
    r.add(OpSchema.builder(MS, "ReduceSumTraining", 1).io("data, axes", "reduced")
        .attr("keepdims", 1L).attr("noop_with_empty_axes", 0L).infer(GradientKernelOps::reduceSumTraining));
    r.add(OpSchema.builder(MS, "BroadcastGradientArgs", 1).io("a_shape, b_shape", "a_axes?, b_axes?")
        .infer(GradientKernelOps::broadcastGradientArgs));

    // Losses.
    r.add(OpSchema.builder(MS, "SoftmaxCrossEntropyLossInternal", 1)
        .io("scores, labels, weights?, ignore_index?", "output, log_prob")
        .attr("reduction", "mean").optional("output_type", INT).infer(GradientKernelOps::sceLossInternal));
    r.add(OpSchema.builder(MS, "SoftmaxCrossEntropyLossInternalGrad", 1)
        .io("dY, log_prob, label, weight?, ignore_index?, bias?", "d_logits")
        .attr("reduction", "mean").optional("output_type", INT).infer(ctx -> sceLossGrad(ctx, true)));
    r.add(OpSchema.builder(MS, "SoftmaxCrossEntropyLossGrad", 1)
        .io("dY, log_prob, label, weight?", "d_logits")
        .attr("reduction", "mean").optional("ignore_index", INT).infer(ctx -> sceLossGrad(ctx, false)));

    // Conv and dropout. ORT lets ConvGrad carry Conv's attributes unchecked; they are declared here.
    r.add(OpSchema.builder(MS, "ConvGrad", 1).io("dY, X, W", "dX?, dW?, dB?").attr("auto_pad", "NOTSET")
        .optional("dilations", INTS).attr("group", 1L).optional("kernel_shape", INTS).optional("pads", INTS)
        .optional("strides", INTS).infer(GradientKernelOps::convGrad));
    r.add(OpSchema.builder(MS, "DropoutGrad", 1).io("dy, mask, ratio?, training_mode?", "dx")
        .infer(GradientKernelOps::dropoutGrad));

    // Forward contrib ops.
    r.add(OpSchema.builder(MS, "Gelu", 1).io("X", "Y").infer(ctx -> {
      ctx.requireType(0, FLOATS);
      return List.of(ctx.input(0));
    }));
    r.add(OpSchema.builder(MS, "FastGelu", 1).io("X, bias?", "Y").infer(ctx -> {
      ctx.requireType(0, DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16);
      if (ctx.hasInput(1)) {
        ctx.requireSameType(0, 1);
        requireBias(ctx, 0, 1);
      }
      return List.of(ctx.input(0));
    }));
    r.add(OpSchema.builder(MS, "BiasGelu", 1).io("A, B", "C").infer(ctx -> {
      ctx.requireType(0, FLOATS);
      ctx.requireSameType(0, 1);
      requireBias(ctx, 0, 1);
      return List.of(ctx.input(0));
    }));
    r.add(OpSchema.builder(MS, "FusedMatMul", 1).io("A, B", "Y").attr("alpha", 1.0f).attr("transA", 0L)
        .attr("transB", 0L).attr("transBatchA", 0L).attr("transBatchB", 0L).infer(GradientKernelOps::fusedMatMul));
  }

  private static List<ValueType> elementwiseGrad(InferenceContext ctx, DataType[] allowed) {
    ctx.requireType(0, allowed);
    ctx.requireSameType(0, 1);
    TrainingOps.requireSameShape(ctx, 0, 1);
    return List.of(ctx.input(0));
  }

  private static List<ValueType> softmaxGrad(InferenceContext ctx, DataType[] allowed) {
    List<ValueType> out = elementwiseGrad(ctx, allowed);
    if (ctx.shape(0).rankKnown()) {
      Shapes.axis(ctx, ctx.intAttr("axis"), ctx.shape(0).rank());
    }
    return out;
  }

  private static List<ValueType> biasGeluGrad(InferenceContext ctx) {
    List<ValueType> out = elementwiseGrad(ctx, FLOATS);
    ctx.requireSameType(0, 2);
    requireBias(ctx, 1, 2);
    return out;
  }

  /** The bias input {@code b} must be a vector as long as the last dimension of input {@code x}. */
  private static void requireBias(InferenceContext ctx, int x, int b) {
    Shape xs = ctx.shape(x);
    Shape bs = ctx.shape(b);
    if (!bs.rankKnown()) {
      return;
    }
    if (bs.rank() != 1) {
      throw ctx.fail("input %d (%s) must be a 1-D bias, got %s", b, ctx.schema().inputName(b), bs);
    }
    if (xs.rankKnown() && (xs.rank() == 0 || !Shapes.compatible(xs.dim(xs.rank() - 1), bs.dim(0)))) {
      throw ctx.fail("bias %s must match the last dimension of %s", bs, xs);
    }
  }

  /**
   * LayerNormalizationGrad (statistics at {@code firstStat..lastStat}, with bias gradient) and
   * SimplifiedLayerNormalizationGrad: X_grad like X, scale_grad and bias_grad like scale.
   */
  private static List<ValueType> layerNormGrad(InferenceContext ctx, int firstStat, int lastStat, boolean bias) {
    ctx.requireType(0, FLOATS);
    ctx.requireType(1, FLOATS);
    ctx.requireSameType(0, 2);
    TrainingOps.requireSameShape(ctx, 0, 1);
    for (int i = firstStat; i <= lastStat; i++) {
      ctx.requireType(i, DataType.FLOAT, DataType.DOUBLE);
      ctx.requireSameType(firstStat, i);
    }
    requireNormalizedScale(ctx, 1, 2);
    List<ValueType> out = new ArrayList<>(List.of(ctx.input(1), ctx.input(2)));
    if (bias) {
      out.add(ctx.input(2));
    }
    return out;
  }

  private static List<ValueType> invertibleLayerNormGrad(InferenceContext ctx) {
    ctx.requireType(0, FLOATS);
    for (int i = 1; i <= 3; i++) {
      ctx.requireSameType(0, i);
    }
    ctx.requireType(4, DataType.FLOAT, DataType.DOUBLE);
    TrainingOps.requireSameShape(ctx, 0, 1);
    TrainingOps.requireSameShape(ctx, 2, 3);
    requireNormalizedScale(ctx, 1, 2);
    // ORT leaves X_grad's type T unbound (no inference); the kernel writes it in Y's type and shape.
    return List.of(ctx.input(1), ctx.input(2), ctx.input(3));
  }

  /**
   * Checks the axis against input {@code x} and that scale has the normalised shape x[axis:] (leading 1s
   * of that shape may be left out). The CPU kernels do not broadcast: they read one scale element per
   * normalised element and write scale_grad in scale's shape, so a smaller scale is read and written past
   * its end.
   */
  private static void requireNormalizedScale(InferenceContext ctx, int x, int scale) {
    Shape xs = ctx.shape(x);
    if (!xs.rankKnown()) {
      return;
    }
    int axis = Shapes.axis(ctx, ctx.intAttr("axis"), xs.rank());
    Shape normalized = Shape.of(xs.dims().subList(axis, xs.rank()));
    Shape s = ctx.shape(scale);
    if (!s.rankKnown()) {
      return;
    }
    boolean fits = s.rank() <= normalized.rank();
    for (int i = 0; fits && i < normalized.rank(); i++) {
      Dim n = normalized.dim(normalized.rank() - 1 - i);
      fits = i < s.rank() ? Shapes.compatible(s.dim(s.rank() - 1 - i), n) : Shapes.compatible(n, Dim.of(1));
    }
    if (!fits) {
      throw ctx.fail("scale %s must have the normalised shape %s (axis %d); the kernel does not broadcast it", s,
          normalized, ctx.intAttr("axis"));
    }
  }

  /**
   * The shape given by the int64 vector input {@code i}: its value when known, else a shape of the rank
   * its length gives, else an unknown rank.
   */
  private static Shape shapeFromInput(InferenceContext ctx, int i) {
    ctx.requireRank(i, 1);
    TensorData c = ctx.constant(i).orElse(null);
    if (c != null) {
      long[] v = c.toLongs();
      for (long d : v) {
        if (d < 0) {
          throw ctx.fail("input %d (%s) must hold dimensions >= 0, got %s", i, ctx.schema().inputName(i),
              java.util.Arrays.toString(v));
        }
      }
      return Shape.of(v);
    }
    Shape s = ctx.shape(i);
    return s.rankKnown() && s.dim(0).isFixed() ? Shapes.unknownDims((int) s.dim(0).size()) : Shape.unknownRank();
  }

  private static List<ValueType> gatherGrad(InferenceContext ctx) {
    ctx.requireType(0, INDICES);
    ctx.requireType(1, INDICES);
    ctx.requireType(2, FLOATS);
    Shape x = shapeFromInput(ctx, 0);
    Shape idx = ctx.shape(1);
    Shape dy = ctx.shape(2);
    if (x.rankKnown()) {
      int axis = Shapes.axis(ctx, ctx.intAttr("axis"), x.rank());
      if (idx.rankKnown() && dy.rankKnown()) {
        List<Dim> expected = new ArrayList<>(x.dims().subList(0, axis));
        expected.addAll(idx.dims());
        expected.addAll(x.dims().subList(axis + 1, x.rank()));
        if (!compatible(Shape.of(expected), dy)) {
          throw ctx.fail("dY %s is not the Gather output shape %s for data %s, indices %s and axis %d", dy,
              Shape.of(expected), x, idx, ctx.intAttr("axis"));
        }
      }
    }
    return List.of(ValueType.tensor(ctx.dtype(2), x));
  }

  private static List<ValueType> gatherElementsGrad(InferenceContext ctx) {
    ctx.requireType(0, FLOATS_NO_BF16);
    ctx.requireType(1, DataType.INT64);
    ctx.requireType(2, INDICES);
    TrainingOps.requireSameShape(ctx, 0, 2);
    Shape x = shapeFromInput(ctx, 1);
    Shape dy = ctx.shape(0);
    if (x.rankKnown()) {
      Shapes.axis(ctx, ctx.intAttr("axis"), x.rank());
      if (dy.rankKnown() && dy.rank() != x.rank()) {
        throw ctx.fail("dY %s must have the rank of the data shape %s", dy, x);
      }
    }
    return List.of(ValueType.tensor(ctx.dtype(0), x));
  }

  private static List<ValueType> sliceGrad(InferenceContext ctx) {
    ctx.requireType(1, DataType.INT64);
    ctx.requireType(2, INDICES);
    for (int i = 3; i <= 5; i++) {
      if (ctx.hasInput(i)) {
        ctx.requireSameType(2, i);
      }
    }
    Shape x = shapeFromInput(ctx, 1);
    Shape dy = ctx.shape(0);
    if (x.rankKnown() && dy.rankKnown() && dy.rank() != x.rank()) {
      throw ctx.fail("dY %s must have the rank of the data shape %s", dy, x);
    }
    return List.of(ValueType.tensor(ctx.dtype(0), x));
  }

  private static List<ValueType> reduceSumTraining(InferenceContext ctx) {
    ctx.requireType(0, REDUCIBLE);
    ctx.requireType(1, DataType.INT64);
    ctx.requireRank(1, 1);
    Shape in = ctx.shape(0);
    boolean keep = ctx.intAttr("keepdims") != 0;
    TensorData axes = ctx.constant(1).orElse(null);
    if (axes == null || !in.rankKnown()) {
      return List.of(ValueType.tensor(ctx.dtype(0),
          keep && in.rankKnown() ? Shapes.unknownDims(in.rank()) : Shape.unknownRank()));
    }
    return List.of(ValueType.tensor(ctx.dtype(0),
        Shapes.reduce(ctx, in, axes.toLongs(), keep, ctx.intAttr("noop_with_empty_axes") != 0)));
  }

  private static List<ValueType> broadcastGradientArgs(InferenceContext ctx) {
    ctx.requireType(0, DataType.INT64);
    ctx.requireType(1, DataType.INT64);
    ctx.requireRank(0, 1);
    ctx.requireRank(1, 1);
    TensorData a = ctx.constant(0).orElse(null);
    TensorData b = ctx.constant(1).orElse(null);
    Shape[] out = {Shapes.unknownDims(1), Shapes.unknownDims(1)};
    if (a != null && b != null) {
      long[][] axes = reductionAxes(ctx, a.toLongs(), b.toLongs());
      out[0] = Shape.of(axes[0].length);
      out[1] = Shape.of(axes[1].length);
    }
    List<ValueType> types = new ArrayList<>();
    for (int i = 0; i < ctx.outputCount(); i++) {
      types.add(ValueType.tensor(DataType.INT64, out[i]));
    }
    return types;
  }

  /** The axes (last to first) along which each operand's gradient is summed, as ORT's kernel finds them. */
  static long[][] reductionAxes(InferenceContext ctx, long[] a, long[] b) {
    List<Long> aAxes = new ArrayList<>();
    List<Long> bAxes = new ArrayList<>();
    int i = a.length - 1;
    int j = b.length - 1;
    int k = Math.max(a.length, b.length) - 1;
    for (; i >= 0 && j >= 0; i--, j--, k--) {
      if (a[i] != b[j]) {
        if (a[i] == 1) {
          aAxes.add((long) k);
        } else if (b[j] == 1) {
          bAxes.add((long) k);
        } else {
          throw ctx.fail("shapes %s and %s cannot be broadcast together", java.util.Arrays.toString(a),
              java.util.Arrays.toString(b));
        }
      }
    }
    for (; k >= 0; k--) {
      (i < 0 ? aAxes : bAxes).add((long) k);
    }
    return new long[][] {aAxes.stream().mapToLong(Long::longValue).toArray(),
        bAxes.stream().mapToLong(Long::longValue).toArray()};
  }

  private static String reduction(InferenceContext ctx) {
    String red = ctx.stringAttr("reduction");
    if (!REDUCTIONS.contains(red)) {
      throw ctx.fail("reduction '%s' is not none, sum or mean", red);
    }
    return red;
  }

  /** The {@code output_type} attribute as a float type, or {@code orElse}. */
  private static DataType outputType(InferenceContext ctx, DataType orElse) {
    if (ctx.attribute("output_type").isEmpty()) {
      return orElse;
    }
    long code = ctx.intAttr("output_type");
    DataType t;
    try {
      t = DataType.fromOnnxCode((int) code);
    } catch (IllegalArgumentException e) {
      throw ctx.fail("output_type %d is not an ONNX data type", code);
    }
    if (!List.of(FLOATS).contains(t)) {
      throw ctx.fail("output_type must be float16, float, double or bfloat16, got %s", t);
    }
    return t;
  }

  /** Checks scores [N,C,d...] against labels [N,d...]. */
  private static void requireLabelsMatch(InferenceContext ctx, Shape scores, Shape labels) {
    if (!scores.rankKnown() || !labels.rankKnown()) {
      return;
    }
    if (scores.rank() < 2 || labels.rank() != scores.rank() - 1) {
      throw ctx.fail("scores must be [N,C,d...] and labels [N,d...], got %s and %s", scores, labels);
    }
    List<Dim> expected = new ArrayList<>(scores.dims());
    expected.remove(1);
    if (!compatible(Shape.of(expected), labels)) {
      throw ctx.fail("labels %s do not match scores %s without the class axis", labels, scores);
    }
  }

  /** The kernels index the weights by label without a bounds check: one weight per class, C = scores[1]. */
  private static void requireClassWeights(InferenceContext ctx, int scores, int weights) {
    Shape s = ctx.shape(scores);
    Shape w = ctx.shape(weights);
    if (s.rankKnown() && s.rank() >= 2 && w.rankKnown() && w.rank() == 1
        && !Shapes.compatible(w.dim(0), s.dim(1))) {
      throw ctx.fail("weights %s must hold one weight per class; %s has %s classes", w, s, s.dim(1));
    }
  }

  private static List<ValueType> sceLossInternal(InferenceContext ctx) {
    ctx.requireType(0, FLOATS);
    ctx.requireType(1, INDICES);
    if (ctx.hasInput(2)) {
      ctx.requireSameType(0, 2);
      ctx.requireRank(2, 1);
    }
    if (ctx.hasInput(3)) {
      ctx.requireType(3, DataType.INT64);
      TrainingOps.requireOneElement(ctx, 3);
    }
    String red = reduction(ctx);
    requireLabelsMatch(ctx, ctx.shape(0), ctx.shape(1));
    if (ctx.hasInput(2)) {
      requireClassWeights(ctx, 0, 2);
    }
    DataType t = outputType(ctx, ctx.dtype(0));
    Shape loss = red.equals("none") ? ctx.shape(1) : Shape.scalar();
    return List.of(ValueType.tensor(t, loss), ValueType.tensor(t, ctx.shape(0)));
  }

  private static List<ValueType> sceLossGrad(InferenceContext ctx, boolean internal) {
    ctx.requireType(0, FLOATS);
    ctx.requireSameType(0, 1);
    ctx.requireType(2, INDICES);
    if (ctx.hasInput(3)) {
      ctx.requireSameType(0, 3);
      ctx.requireRank(3, 1);
    }
    String red = reduction(ctx);
    requireLabelsMatch(ctx, ctx.shape(1), ctx.shape(2));
    if (ctx.hasInput(3)) {
      requireClassWeights(ctx, 1, 3);
    }
    Shape dy = ctx.shape(0);
    if (red.equals("none") && !compatible(ctx.shape(2), dy)) {
      throw ctx.fail("dY %s must have the labels' shape %s for reduction 'none'", dy, ctx.shape(2));
    } else if (!red.equals("none")) {
      TrainingOps.requireOneElement(ctx, 0);
    }
    DataType t = internal ? outputType(ctx, ctx.dtype(1)) : ctx.dtype(1);
    if (internal && ctx.hasInput(4)) {
      ctx.requireType(4, DataType.INT64);
      TrainingOps.requireOneElement(ctx, 4);
    }
    if (internal && ctx.hasInput(5)) {
      if (ctx.dtype(5) != t) {
        throw ctx.fail("input 5 (bias) must be %s like d_logits, got %s", t, ctx.dtype(5));
      }
      TrainingOps.requireSameShape(ctx, 1, 5);
    }
    return List.of(ValueType.tensor(t, ctx.shape(1)));
  }

  private static List<ValueType> convGrad(InferenceContext ctx) {
    ctx.requireType(0, FLOATS_NO_BF16);
    ctx.requireSameType(0, 1);
    ctx.requireSameType(0, 2);
    Shape x = ctx.shape(1);
    Shape w = ctx.shape(2);
    Shape dy = ctx.shape(0);
    if (x.rankKnown() && w.rankKnown()) {
      if (x.rank() < 3 || w.rank() != x.rank()) {
        throw ctx.fail("X must be [N,C,spatial...] and W [M,C/group,kernel...] of the same rank, got %s and %s",
            x, w);
      }
      long group = ctx.intAttr("group");
      if (x.dim(1).isFixed() && w.dim(1).isFixed() && x.dim(1).size() != w.dim(1).size() * group) {
        throw ctx.fail("X has %d channels but W expects %d x group %d", x.dim(1).size(), w.dim(1).size(), group);
      }
      if (dy.rankKnown() && (dy.rank() != x.rank() || !Shapes.compatible(dy.dim(0), x.dim(0))
          || !Shapes.compatible(dy.dim(1), w.dim(0)))) {
        throw ctx.fail("dY %s must be [N,M,...] for X %s and W %s", dy, x, w);
      }
    }
    Shape bias = w.rankKnown() && w.rank() > 0 ? Shape.of(List.of(w.dim(0))) : Shapes.unknownDims(1);
    List<ValueType> all = List.of(ctx.input(1), ctx.input(2), ValueType.tensor(ctx.dtype(2), bias));
    return all.subList(0, ctx.outputCount());
  }

  private static List<ValueType> dropoutGrad(InferenceContext ctx) {
    ctx.requireType(0, FLOATS);
    ctx.requireType(1, DataType.BOOL);
    TrainingOps.requireSameShape(ctx, 0, 1);
    if (ctx.hasInput(2)) {
      ctx.requireType(2, FLOATS);
    }
    if (ctx.hasInput(3)) {
      ctx.requireType(3, DataType.BOOL);
    }
    return List.of(ctx.input(0));
  }

  /** FusedMatMul: transposes as ORT's FusedMatMulShapeInference does, then numpy matmul. */
  private static List<ValueType> fusedMatMul(InferenceContext ctx) {
    ctx.requireType(0, FLOATS);
    ctx.requireSameType(0, 1);
    Shape a = ctx.shape(0);
    Shape b = ctx.shape(1);
    if (!a.rankKnown() || !b.rankKnown()) {
      return List.of(ValueType.tensor(ctx.dtype(0), Shape.unknownRank()));
    }
    if (a.rank() == 0 || b.rank() == 0) {
      throw ctx.fail("FusedMatMul inputs must have rank >= 1, got %s and %s", a, b);
    }
    Shape ea = transposed(a, ctx.intAttr("transA") != 0, ctx.intAttr("transBatchA") != 0);
    Shape eb = transposed(b, ctx.intAttr("transB") != 0, ctx.intAttr("transBatchB") != 0);
    return List.of(ValueType.tensor(ctx.dtype(0), LinearAlgebraOps.matMulShape(ctx, ea, eb)));
  }

  /**
   * The operand as plain matmul sees it: transBatch moves the leading axis to the row position, trans swaps
   * the two matrix axes. Vectors stay as they are.
   */
  private static Shape transposed(Shape s, boolean trans, boolean transBatch) {
    int r = s.rank();
    if (r == 1) {
      return s;
    }
    List<Dim> out = new ArrayList<>(transBatch ? s.dims().subList(1, r - 1) : s.dims().subList(0, r - 2));
    Dim row = s.dim(transBatch ? 0 : r - 2);
    Dim col = s.dim(r - 1);
    out.add(trans ? col : row);
    out.add(trans ? row : col);
    return Shape.of(out);
  }

  /** True when the shapes may be equal: unknown rank, or same rank with no provably different dimension. */
  private static boolean compatible(Shape a, Shape b) {
    if (!a.rankKnown() || !b.rankKnown()) {
      return true;
    }
    if (a.rank() != b.rank()) {
      return false;
    }
    for (int i = 0; i < a.rank(); i++) {
      if (!Shapes.compatible(a.dim(i), b.dim(i))) {
        return false;
      }
    }
    return true;
  }
}
