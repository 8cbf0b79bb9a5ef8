package dev.loca.graph.ops;

import static dev.loca.graph.ir.Attribute.Kind.FLOAT;
import static dev.loca.graph.ir.Attribute.Kind.INT;
import static dev.loca.graph.ir.Attribute.Kind.INTS;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Neural-network ops: Softmax, LogSoftmax, LayerNormalization (opset 17, with mean and inverse-std
 * outputs), Conv, Resize, Dropout (with mask), SoftmaxCrossEntropyLoss.
 */
final class NeuralNetOps {
  private NeuralNetOps() {}

  private static final DataType[] FLOATS = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16,
      DataType.BFLOAT16};

  static void register(OpCatalog.Registry r) {
    for (String op : List.of("Softmax", "LogSoftmax")) {
      r.add(OpSchema.builder("", op, 13).io("input", "output").attr("axis", -1L).infer(ctx -> {
        ctx.requireType(0, FLOATS);
        if (ctx.shape(0).rankKnown()) {
          Shapes.axis(ctx, ctx.intAttr("axis"), ctx.shape(0).rank());
        }
        return List.of(ctx.input(0));
      }));
    }
    r.add(OpSchema.builder("", "LayerNormalization", 17).io("X, Scale, B?", "Y, Mean?, InvStdDev?")
        .attr("axis", -1L).attr("epsilon", 1e-5f).attr("stash_type", 1L).infer(NeuralNetOps::layerNorm));
    r.add(OpSchema.builder("", "Conv", 11).io("X, W, B?", "Y").attr("auto_pad", "NOTSET")
        .optional("dilations", INTS).attr("group", 1L).optional("kernel_shape", INTS).optional("pads", INTS)
        .optional("strides", INTS).infer(NeuralNetOps::conv));
    r.add(OpSchema.builder("", "Resize", 13).io("X, roi?, scales?, sizes?", "Y")
        .attr("coordinate_transformation_mode", "half_pixel").attr("cubic_coeff_a", -0.75f)
        .attr("exclude_outside", 0L).attr("extrapolation_value", 0f).attr("mode", "nearest")
        .attr("nearest_mode", "round_prefer_floor").infer(NeuralNetOps::resize));
    r.add(OpSchema.builder("", "Dropout", 13).io("data, ratio?, training_mode?", "output, mask?")
        .optional("seed", INT).infer(ctx -> {
          ctx.requireType(0, FLOATS);
          if (ctx.hasInput(2)) {
            ctx.requireType(2, DataType.BOOL);
          }
          List<ValueType> out = new ArrayList<>(List.of(ctx.input(0)));
          if (ctx.outputCount() > 1) {
            out.add(ValueType.tensor(DataType.BOOL, ctx.shape(0)));
          }
          return out;
        }));
    r.add(OpSchema.builder("", "SoftmaxCrossEntropyLoss", 13).io("scores, labels, weights?", "output, log_prob?")
        .optional("ignore_index", INT).attr("reduction", "mean").infer(NeuralNetOps::softmaxCrossEntropy));
  }

  private static List<ValueType> layerNorm(InferenceContext ctx) {
    ctx.requireType(0, FLOATS);
    ctx.requireSameType(0, 1);
    Shape x = ctx.shape(0);
    List<ValueType> out = new ArrayList<>(List.of(ctx.input(0)));
    DataType stash = ctx.intAttr("stash_type") == 1 ? DataType.FLOAT : ctx.dtype(0);
    Shape stats = Shape.unknownRank();
    if (x.rankKnown()) {
      int axis = Shapes.axis(ctx, ctx.intAttr("axis"), x.rank());
      List<Dim> d = new ArrayList<>(x.dims());
      for (int i = axis; i < d.size(); i++) {
        d.set(i, Dim.of(1));
      }
      stats = Shape.of(d);
      Shape normalized = Shape.of(x.dims().subList(axis, x.rank()));
      Shape scale = ctx.shape(1);
      if (scale.rankKnown() && !Shapes.broadcast(ctx, normalized, scale).equals(normalized)) {
        throw ctx.fail("Scale %s must broadcast to the normalised shape %s", scale, normalized);
      }
    }
    for (int i = 1; i < ctx.outputCount(); i++) {
      out.add(ValueType.tensor(stash, stats));
    }
    return out;
  }

  private static List<ValueType> conv(InferenceContext ctx) {
    ctx.requireType(0, FLOATS);
    ctx.requireSameType(0, 1);
    Shape x = ctx.shape(0);
    Shape w = ctx.shape(1);
    if (!x.rankKnown() || !w.rankKnown()) {
      return List.of(ValueType.tensor(ctx.dtype(0), Shape.unknownRank()));
    }
    if (x.rank() < 3 || w.rank() != x.rank()) {
      throw ctx.fail("X must be [N,C,spatial...] and W [M,C/group,kernel...] of the same rank");
    }
    int spatial = x.rank() - 2;
    long group = ctx.intAttr("group");
    if (x.dim(1).isFixed() && w.dim(1).isFixed() && x.dim(1).size() != w.dim(1).size() * group) {
      throw ctx.fail("X has %d channels but W expects %d x group %d", x.dim(1).size(), w.dim(1).size(), group);
    }
    long[] kernel = ctx.intsAttr("kernel_shape").orElse(null);
    if (kernel == null) {
      kernel = new long[spatial];
      for (int i = 0; i < spatial; i++) {
        kernel[i] = w.dim(i + 2).isFixed() ? w.dim(i + 2).size() : -1;
      }
    }
    long[] strides = ctx.intsAttr("strides").orElse(filled(spatial, 1));
    long[] dil = ctx.intsAttr("dilations").orElse(filled(spatial, 1));
    long[] pads = ctx.intsAttr("pads").orElse(filled(2 * spatial, 0));
    if (kernel.length != spatial || strides.length != spatial || dil.length != spatial
        || pads.length != 2 * spatial) {
      throw ctx.fail("kernel_shape, strides, dilations need %d entries and pads %d", spatial, 2 * spatial);
    }
    String autoPad = ctx.stringAttr("auto_pad");
    if (!Set.of("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID").contains(autoPad)) {
      throw ctx.fail("auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", autoPad);
    }
    List<Dim> out = new ArrayList<>(List.of(x.dim(0), w.dim(0)));
    for (int i = 0; i < spatial; i++) {
      Dim in = x.dim(i + 2);
      if (!in.isFixed() || kernel[i] < 0) {
        out.add(Dim.UNKNOWN);
        continue;
      }
      long n = in.size();
      long eff = dil[i] * (kernel[i] - 1) + 1;
      long size = switch (autoPad) {
        case "SAME_UPPER", "SAME_LOWER" -> (n + strides[i] - 1) / strides[i];
        case "VALID" -> (n - eff) / strides[i] + 1;
        default -> (n + pads[i] + pads[i + spatial] - eff) / strides[i] + 1;
      };
      if (size <= 0) {
        throw ctx.fail("spatial dimension %d of size %d is smaller than the kernel extent %d", i, n, eff);
      }
      out.add(Dim.of(size));
    }
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(out)));
  }

  private static long[] filled(int n, long v) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static List<ValueType> resize(InferenceContext ctx) {
    Shape x = ctx.shape(0);
    String mode = ctx.stringAttr("mode");
    if (!Set.of("nearest", "linear", "cubic").contains(mode)) {
      throw ctx.fail("mode '%s' is not nearest, linear or cubic", mode);
    }
    boolean hasScales = ctx.hasInput(2) && !isEmpty(ctx.shape(2));
    boolean hasSizes = ctx.hasInput(3) && !isEmpty(ctx.shape(3));
    if (hasScales == hasSizes) {
      throw ctx.fail("exactly one of scales and sizes must be given");
    }
    if (!x.rankKnown()) {
      return List.of(ctx.input(0));
    }
    List<Dim> out = new ArrayList<>();
    if (hasSizes) {
      ctx.requireType(3, DataType.INT64);
      TensorData sizes = ctx.constant(3).orElse(null);
      if (sizes == null) {
        return List.of(ValueType.tensor(ctx.dtype(0), Shapes.unknownDims(x.rank())));
      }
      for (long s : sizes.toLongs()) {
        out.add(Dim.of(s));
      }
    } else {
      ctx.requireType(2, DataType.FLOAT);
      TensorData scales = ctx.constant(2).orElse(null);
      if (scales == null) {
        return List.of(ValueType.tensor(ctx.dtype(0), Shapes.unknownDims(x.rank())));
      }
      float[] s = scales.toFloats();
      if (s.length != x.rank()) {
        throw ctx.fail("scales or sizes must have %d entries, got %d", x.rank(), s.length);
      }
      for (int i = 0; i < s.length; i++) {
        Dim d = x.dim(i);
        out.add(s[i] == 1f ? d : d.isFixed() ? Dim.of((long) Math.floor(d.size() * (double) s[i])) : Dim.UNKNOWN);
      }
    }
    if (out.size() != x.rank()) {
      throw ctx.fail("scales or sizes must have %d entries, got %d", x.rank(), out.size());
    }
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(out)));
  }

  private static boolean isEmpty(Shape s) {
    return s.rankKnown() && s.rank() == 1 && s.dim(0).isFixed() && s.dim(0).size() == 0;
  }

  private static List<ValueType> softmaxCrossEntropy(InferenceContext ctx) {
    ctx.requireType(0, FLOATS);
    ctx.requireType(1, DataType.INT32, DataType.INT64);
    Shape scores = ctx.shape(0);
    Shape labels = ctx.shape(1);
    String reduction = ctx.stringAttr("reduction");
    if (!Set.of("none", "sum", "mean").contains(reduction)) {
      throw ctx.fail("reduction '%s' is not none, sum or mean", reduction);
    }
    Shape loss = Shape.scalar();
    if (reduction.equals("none")) {
      loss = labels;
    }
    if (scores.rankKnown() && labels.rankKnown()) {
      if (scores.rank() < 2 || labels.rank() != scores.rank() - 1) {
        throw ctx.fail("scores must be [N,C,d...] and labels [N,d...], got %s and %s", scores, labels);
      }
      List<Dim> expected = new ArrayList<>(scores.dims());
      expected.remove(1);
      for (int i = 0; i < expected.size(); i++) {
        if (!Shapes.compatible(expected.get(i), labels.dim(i))) {
          throw ctx.fail("labels %s do not match scores %s without the class axis", labels, scores);
        }
      }
    }
    List<ValueType> out = new ArrayList<>(List.of(ValueType.tensor(ctx.dtype(0), loss)));
    if (ctx.outputCount() > 1) {
      out.add(ctx.input(0));
    }
    return out;
  }
}
