package dev.loca.graph.ops;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code com.microsoft} ops that training artifacts need: accumulation, optimizers, clipping. Signatures
 * follow ONNX Runtime 1.24's {@code training_op_defs.cc}; all are since-version 1.
 *
 * <ul>
 *   <li>InPlaceAccumulatorV2: its {@code updated_flag} is {@code bool[1]}, as ORT infers it.
 *   <li>AdamWOptimizer: {@code updated_flag} is {@code bool}, and 1.24 rejects any other declared type.
 *       Its shape is that of {@code step}, which is what the kernel allocates ({@code [1]} in the artifact
 *       recipe).
 *   <li>SGDOptimizerV2: {@code update_completed} is {@code bool[]}, as ORT infers it. The kernel returns
 *       {@code [1]}, which ORT only warns about.
 * </ul>
 *
 * The optimizer ops take {@code seq(tensor)} inputs ({@link ValueType.Sequence}).
 */
final class TrainingOps {
  private TrainingOps() {}

  private static final String MS = OpsetId.MICROSOFT;

  /** float16, float, double, bfloat16: the T of the accumulators and norms. */
  static final DataType[] FLOATS = {DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE, DataType.BFLOAT16};

  /** Element types that the optimizers' sequence constraints allow: float16, float, double. */
  static final DataType[] SEQ_FLOATS = {DataType.FLOAT16, DataType.FLOAT, DataType.DOUBLE};

  static void register(OpCatalog.Registry r) {
    r.add(OpSchema.builder(MS, "InPlaceAccumulatorV2", 1)
        .io("accumulation_buffer, value, overwrite_flag?", "updated_flag, accumulation_buffer_out?")
        .infer(TrainingOps::inPlaceAccumulatorV2));
    r.add(OpSchema.builder(MS, "AdamWOptimizer", 1)
        .io("lr, step, weights, gradients, momentums_1, momentums_2, update_signal?",
            "updated_flag, updated_weights?, updated_momentums_1?, updated_momentums_2?")
        .attr("alpha", 0.9f).attr("beta", 0.999f).attr("epsilon", 1e-8f).attr("weight_decay", 1e-2f)
        .attr("correct_bias", 1L).attr("adam_mode", 0L)
        .infer(TrainingOps::adamW));
    r.add(OpSchema.builder(MS, "InplaceClipGradNorm", 1).io("gradients", "clipped_gradients")
        .attr("max_norm", 1.0f).attr("norm_type", "fro")
        .infer(ctx -> {
          requireSequence(ctx, 0, SEQ_FLOATS);
          if (!ctx.stringAttr("norm_type").equals("fro")) {
            throw ctx.fail("norm_type '%s' is not supported; the only norm is 'fro'", ctx.stringAttr("norm_type"));
          }
          return List.of(ctx.inputType(0));
        }));
    r.add(OpSchema.builder(MS, "SGDOptimizerV2", 1)
        .io("lr, weights, gradients, update_signal?", "update_completed, updated_weights?")
        .infer(TrainingOps::sgdV2));
    r.add(OpSchema.builder(MS, "ZeroGradient", 1).io("old_gradient, reset_signal", "zero_gradient")
        .infer(ctx -> {
          ctx.requireType(0, FLOATS);
          ctx.input(1);
          return List.of(ctx.input(0));
        }));
    r.add(OpSchema.builder(MS, "ReduceAllL2", 1).io("X...", "Y").infer(ctx -> {
      ctx.requireType(0, FLOATS);
      for (int i = 1; i < ctx.inputCount(); i++) {
        ctx.requireSameType(0, i);
      }
      // ORT fixes the shape to a scalar but leaves TOut to the declaration; the CPU kernel keeps the input type.
      return List.of(ValueType.tensor(ctx.dtype(0), Shape.scalar()));
    }));
  }

  private static List<ValueType> inPlaceAccumulatorV2(InferenceContext ctx) {
    ctx.requireType(0, FLOATS);
    ctx.requireType(1, FLOATS);
    requireSameShape(ctx, 0, 1);
    if (ctx.hasInput(2)) {
      ctx.requireType(2, DataType.BOOL);
    }
    List<ValueType> out = new ArrayList<>(List.of(ValueType.tensor(DataType.BOOL, Shape.of(1))));
    if (ctx.outputCount() > 1) {
      out.add(ctx.input(0));
    }
    return out;
  }

  private static List<ValueType> adamW(InferenceContext ctx) {
    ctx.requireType(0, DataType.FLOAT);
    ctx.requireType(1, DataType.INT64);
    requireOneElement(ctx, 0);
    requireOneElement(ctx, 1);
    ValueType.Tensor[] elems = new ValueType.Tensor[6];
    for (int i = 2; i <= 5; i++) {
      elems[i] = requireSequence(ctx, i, SEQ_FLOATS);
    }
    if (ctx.hasInput(6)) {
      ctx.requireType(6, DataType.BOOL);
    }
    long mode = ctx.intAttr("adam_mode");
    if (mode != 0 && mode != 1) {
      throw ctx.fail("adam_mode must be 0 (torch AdamW) or 1 (Hugging Face AdamW), got %d", mode);
    }
    long correctBias = ctx.intAttr("correct_bias");
    if (correctBias != 0 && correctBias != 1) {
      throw ctx.fail("correct_bias must be 0 or 1, got %d", correctBias);
    }
    List<ValueType> out = new ArrayList<>(List.of(ValueType.tensor(DataType.BOOL, ctx.shape(1))));
    // ORT gives all sequence outputs the first known element shape among the sequences it maps from.
    int[] source = {0, 2, 4, 5};
    Shape shared = null;
    for (int o = 1; o < ctx.outputCount(); o++) {
      if (shared == null && elems[source[o]].shape().rankKnown()) {
        shared = elems[source[o]].shape();
      }
    }
    for (int o = 1; o < ctx.outputCount(); o++) {
      ValueType.Tensor e = elems[source[o]];
      out.add(ValueType.sequence(ValueType.tensor(e.dtype(), shared == null ? e.shape() : shared)));
    }
    return out;
  }

  private static List<ValueType> sgdV2(InferenceContext ctx) {
    ctx.requireType(0, DataType.FLOAT);
    requireOneElement(ctx, 0);
    requireSequence(ctx, 1, SEQ_FLOATS);
    requireSequence(ctx, 2, SEQ_FLOATS);
    if (ctx.hasInput(3)) {
      ctx.requireType(3, DataType.BOOL);
    }
    List<ValueType> out = new ArrayList<>(List.of(ValueType.tensor(DataType.BOOL, Shape.scalar())));
    if (ctx.outputCount() > 1) {
      out.add(ctx.inputType(1));
    }
    return out;
  }

  /** The element type of sequence input {@code i}, which must be a sequence of tensors of an allowed type. */
  static ValueType.Tensor requireSequence(InferenceContext ctx, int i, DataType... allowed) {
    ValueType t = ctx.inputType(i);
    if (!(t instanceof ValueType.Sequence s) || !(s.element() instanceof ValueType.Tensor e)) {
      throw ctx.fail("input %d (%s) must be a sequence of tensors, got %s", i, ctx.schema().inputName(i), t);
    }
    if (!Arrays.asList(allowed).contains(e.dtype())) {
      throw ctx.fail("input %d (%s) must be a sequence of %s tensors, got %s", i, ctx.schema().inputName(i),
          Arrays.toString(allowed), t);
    }
    return e;
  }

  /** Fails when input {@code i} provably holds other than one element (the kernels read element 0). */
  static void requireOneElement(InferenceContext ctx, int i) {
    Shape s = ctx.shape(i);
    if (s.rankKnown() && (s.rank() > 1 || (s.rank() == 1 && s.dim(0).isFixed() && s.dim(0).size() != 1))) {
      throw ctx.fail("input %d (%s) must be a scalar or a one-element vector, got %s", i,
          ctx.schema().inputName(i), s);
    }
  }

  /** Fails when the shapes of inputs {@code i} and {@code j} provably differ. */
  static void requireSameShape(InferenceContext ctx, int i, int j) {
    Shape a = ctx.shape(i);
    Shape b = ctx.shape(j);
    if (!a.rankKnown() || !b.rankKnown()) {
      return;
    }
    boolean same = a.rank() == b.rank();
    for (int k = 0; same && k < a.rank(); k++) {
      Dim x = a.dim(k);
      same = Shapes.compatible(x, b.dim(k));
    }
    if (!same) {
      throw ctx.fail("inputs %d (%s) and %d (%s) must have the same shape, got %s and %s", i,
          ctx.schema().inputName(i), j, ctx.schema().inputName(j), a, b);
    }
  }
}
