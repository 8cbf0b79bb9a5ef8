package dev.loca.graph.ops;

import static dev.loca.graph.ir.Attribute.Kind.FLOAT;
import static dev.loca.graph.ir.Attribute.Kind.FLOATS;
import static dev.loca.graph.ir.Attribute.Kind.INT;
import static dev.loca.graph.ir.Attribute.Kind.INTS;
import static dev.loca.graph.ir.Attribute.Kind.TENSOR;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Ops that move, copy or describe data without arithmetic: Reshape, Transpose, Concat, Split, Squeeze,
 * Unsqueeze, Expand, Tile, Shape, Size, ConstantOfShape, Range, Constant, and the two sequence ops the
 * optimizer graphs need: SequenceConstruct (tensors to a {@code seq(tensor)}) and SequenceAt (one element
 * back out).
 */
final class ShapeOps {
  private ShapeOps() {}

  static void register(OpCatalog.Registry r) {
    r.add(OpSchema.builder("", "Reshape", 14).io("data, shape", "reshaped").attr("allowzero", 0L)
        .infer(ShapeOps::reshape));
    r.add(OpSchema.builder("", "Transpose", 13).io("data", "transposed").optional("perm", INTS)
        .infer(ShapeOps::transpose));
    r.add(OpSchema.builder("", "Concat", 13).io("inputs...", "concat_result").required("axis", INT)
        .infer(ShapeOps::concat));
    r.add(OpSchema.builder("", "Split", 13).io("input, split?", "outputs...").attr("axis", 0L)
        .infer(ShapeOps::split));
    r.add(OpSchema.builder("", "Squeeze", 13).io("data, axes?", "squeezed").infer(ShapeOps::squeeze));
    r.add(OpSchema.builder("", "Unsqueeze", 13).io("data, axes", "expanded").infer(ShapeOps::unsqueeze));
    r.add(OpSchema.builder("", "Expand", 13).io("input, shape", "output").infer(ctx -> {
      ctx.requireType(1, DataType.INT64);
      Shape target = shapeFromInput(ctx, 1);
      return List.of(ValueType.tensor(ctx.dtype(0), Shapes.broadcast(ctx, ctx.shape(0), target)));
    }));
    r.add(OpSchema.builder("", "Tile", 13).io("input, repeats", "output").infer(ShapeOps::tile));
    r.add(OpSchema.builder("", "Shape", 15).io("data", "shape").optional("start", INT).optional("end", INT)
        .infer(ctx -> {
          Shape s = ctx.shape(0);
          if (!s.rankKnown()) {
            return List.of(ValueType.tensor(DataType.INT64, Shape.of(List.of(Dim.UNKNOWN))));
          }
          int[] range = shapeRange(ctx, s.rank());
          return List.of(ValueType.tensor(DataType.INT64, Shape.of((long) (range[1] - range[0]))));
        }));
    r.add(OpSchema.builder("", "Size", 13).io("data", "size")
        .infer(ctx -> List.of(ValueType.tensor(DataType.INT64, Shape.scalar()))));
    r.add(OpSchema.builder("", "ConstantOfShape", 9).io("input", "output").optional("value", TENSOR)
        .infer(ctx -> {
          ctx.requireType(0, DataType.INT64);
          ctx.requireRank(0, 1);
          DataType t = ctx.tensorAttr("value").map(TensorData::dtype).orElse(DataType.FLOAT);
          return List.of(ValueType.tensor(t, shapeFromInput(ctx, 0)));
        }));
    r.add(OpSchema.builder("", "Range", 11).io("start, limit, delta", "output").infer(ShapeOps::range));
    r.add(OpSchema.builder("", "SequenceConstruct", 11).io("inputs...", "output_sequence")
        .infer(ShapeOps::sequenceConstruct));
    r.add(OpSchema.builder("", "SequenceAt", 11).io("input_sequence, position", "tensor").infer(ctx -> {
      ValueType t = ctx.inputType(0);
      if (!(t instanceof ValueType.Sequence s) || !(s.element() instanceof ValueType.Tensor e)) {
        throw ctx.fail("input 0 (input_sequence) must be a sequence of tensors, got %s", t);
      }
      ctx.requireType(1, DataType.INT32, DataType.INT64);
      ctx.requireRank(1, 0);
      return List.of(e);
    }));
    r.add(OpSchema.builder("", "Constant", 13).io("", "output").optional("value", TENSOR)
        .optional("value_float", FLOAT).optional("value_floats", FLOATS).optional("value_int", INT)
        .optional("value_ints", INTS).infer(ctx -> {
          TensorData t = constantValue(ctx);
          return List.of(ValueType.tensor(t.dtype(), t.shape()));
        }));
  }

  /**
   * SequenceConstruct: all inputs are tensors of one element type; the element shape is what they share
   * (a dimension that differs between inputs becomes unknown, as does the rank when ranks differ).
   */
  private static List<ValueType> sequenceConstruct(InferenceContext ctx) {
    Shape shared = ctx.shape(0);
    for (int i = 1; i < ctx.inputCount(); i++) {
      ctx.requireSameType(0, i);
      Shape s = ctx.shape(i);
      if (!shared.rankKnown() || !s.rankKnown() || shared.rank() != s.rank()) {
        shared = Shape.unknownRank();
        continue;
      }
      List<Dim> dims = new ArrayList<>();
      for (int d = 0; d < s.rank(); d++) {
        dims.add(shared.dim(d).equals(s.dim(d)) ? s.dim(d) : Dim.UNKNOWN);
      }
      shared = Shape.of(dims);
    }
    return List.of(ValueType.sequence(ValueType.tensor(ctx.dtype(0), shared)));
  }

  /** The value a Constant node produces, from whichever one of its value attributes is set. */
  static TensorData constantValue(InferenceContext ctx) {
    List<TensorData> set = new ArrayList<>();
    ctx.tensorAttr("value").ifPresent(set::add);
    ctx.attribute("value_float").ifPresent(a -> set.add(TensorData.scalar(ctx.floatAttr("value_float"))));
    ctx.attribute("value_int").ifPresent(a -> set.add(TensorData.scalar(ctx.intAttr("value_int"))));
    ctx.attribute("value_ints").ifPresent(a -> set.add(TensorData.vector(ctx.intsAttr("value_ints").get())));
    ctx.attribute("value_floats").ifPresent(a -> set.add(
        TensorData.vector(((dev.loca.graph.ir.Attribute.Floats) a).toArray())));
    if (set.size() != 1) {
      throw ctx.fail("exactly one of value, value_float, value_floats, value_int, value_ints must be set, got %d",
          set.size());
    }
    return set.get(0);
  }

  /** The shape described by a 1-D int64 input: exact when constant, otherwise unknown dimensions. */
  private static Shape shapeFromInput(InferenceContext ctx, int i) {
    if (ctx.constant(i).isPresent()) {
      return Shape.of(ctx.constant(i).get().toLongs());
    }
    Shape s = ctx.shape(i);
    if (s.rankKnown() && s.rank() == 1 && s.dim(0).isFixed()) {
      return Shapes.unknownDims((int) s.dim(0).size());
    }
    return Shape.unknownRank();
  }

  private static List<ValueType> reshape(InferenceContext ctx) {
    ctx.requireType(1, DataType.INT64);
    ctx.requireRank(1, 1);
    DataType t = ctx.dtype(0);
    if (ctx.constant(1).isEmpty()) {
      return List.of(ValueType.tensor(t, shapeFromInput(ctx, 1)));
    }
    long[] target = ctx.constant(1).get().toLongs();
    Shape in = ctx.shape(0);
    boolean allowZero = ctx.intAttr("allowzero") != 0;
    List<Dim> out = new ArrayList<>();
    List<Dim> rest = in.rankKnown() ? new ArrayList<>(in.dims()) : null;
    int inferred = -1;
    long explicit = 1;
    for (int i = 0; i < target.length; i++) {
      long v = target[i];
      if (v == 0 && !allowZero) {
        if (in.rankKnown() && i >= in.rank()) {
          throw ctx.fail("shape entry %d is 0 (copy) but the input %s has only %d dimensions", i, in, in.rank());
        }
        Dim d = in.rankKnown() ? in.dim(i) : Dim.UNKNOWN;
        out.add(d);
        if (rest != null) {
          rest.set(i, null);
        }
      } else if (v == -1) {
        if (inferred >= 0) {
          throw ctx.fail("shape %s has more than one -1", java.util.Arrays.toString(target));
        }
        inferred = i;
        out.add(Dim.UNKNOWN);
      } else if (v < 0) {
        throw ctx.fail("shape entry %d is %d; entries must be >= -1", i, v);
      } else {
        out.add(Dim.of(v));
        explicit *= v;
      }
    }
    if (rest != null) {
      rest.removeIf(d -> d == null);
      long restFixed = 1;
      List<Dim> symbolic = new ArrayList<>();
      for (Dim d : rest) {
        if (d.isFixed()) {
          restFixed *= d.size();
        } else {
          symbolic.add(d);
        }
      }
      if (inferred >= 0) {
        if (symbolic.isEmpty()) {
          if (explicit == 0 || restFixed % explicit != 0) {
            throw ctx.fail("cannot reshape %s to %s", in, java.util.Arrays.toString(target));
          }
          out.set(inferred, Dim.of(restFixed / explicit));
        } else if (symbolic.size() == 1 && symbolic.get(0) instanceof Dim.Symbolic && restFixed == explicit) {
          out.set(inferred, symbolic.get(0));
        }
      } else if (symbolic.isEmpty() && restFixed != explicit) {
        throw ctx.fail("cannot reshape %s (%d elements) to %s (%d elements)", in, restFixed,
            java.util.Arrays.toString(target), explicit);
      }
    }
    return List.of(ValueType.tensor(t, Shape.of(out)));
  }

  private static List<ValueType> transpose(InferenceContext ctx) {
    Shape in = ctx.shape(0);
    if (!in.rankKnown()) {
      return List.of(ctx.input(0));
    }
    int rank = in.rank();
    long[] perm = ctx.intsAttr("perm").orElse(null);
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    if (perm.length != rank) {
      throw ctx.fail("perm %s must have %d entries", java.util.Arrays.toString(perm), rank);
    }
    boolean[] seen = new boolean[rank];
    List<Dim> out = new ArrayList<>();
    for (long p : perm) {
      int a = Shapes.axis(ctx, p, rank);
      if (seen[a]) {
        throw ctx.fail("perm %s is not a permutation", java.util.Arrays.toString(perm));
      }
      seen[a] = true;
      out.add(in.dim(a));
    }
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(out)));
  }

  private static List<ValueType> concat(InferenceContext ctx) {
    Shape first = ctx.shape(0);
    for (int i = 1; i < ctx.inputCount(); i++) {
      ctx.requireSameType(0, i);
    }
    if (!first.rankKnown()) {
      return List.of(ctx.input(0));
    }
    int rank = first.rank();
    int axis = Shapes.axis(ctx, ctx.intAttr("axis"), rank);
    List<Dim> out = new ArrayList<>(first.dims());
    long sum = 0;
    for (int i = 0; i < ctx.inputCount(); i++) {
      Shape s = ctx.shape(i);
      if (s.rank() != rank) {
        throw ctx.fail("all inputs must have rank %d; input %d is %s", rank, i, s);
      }
      for (int d = 0; d < rank; d++) {
        if (d != axis && !Shapes.compatible(out.get(d), s.dim(d))) {
          throw ctx.fail("inputs differ in dimension %d outside the concat axis %d (%s vs %s)", d, axis, first, s);
        }
      }
      sum = sum < 0 || !s.dim(axis).isFixed() ? -1 : sum + s.dim(axis).size();
    }
    out.set(axis, sum >= 0 ? Dim.of(sum) : (ctx.inputCount() == 1 ? first.dim(axis) : Dim.UNKNOWN));
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(out)));
  }

  private static List<ValueType> split(InferenceContext ctx) {
    Shape in = ctx.shape(0);
    int n = ctx.outputCount();
    List<ValueType> outs = new ArrayList<>();
    if (!in.rankKnown()) {
      for (int i = 0; i < n; i++) {
        outs.add(ctx.input(0));
      }
      return outs;
    }
    int axis = Shapes.axis(ctx, ctx.intAttr("axis"), in.rank());
    Dim d = in.dim(axis);
    long[] sizes = null;
    if (ctx.hasInput(1)) {
      ctx.requireType(1, DataType.INT64);
      sizes = ctx.constant(1).map(TensorData::toLongs).orElse(null);
      if (sizes != null && sizes.length != n) {
        throw ctx.fail("split has %d sizes but the node has %d outputs", sizes.length, n);
      }
      if (sizes != null && d.isFixed() && java.util.Arrays.stream(sizes).sum() != d.size()) {
        throw ctx.fail("split sizes %s do not add up to dimension %d of size %d",
            java.util.Arrays.toString(sizes), axis, d.size());
      }
    } else if (d.isFixed()) {
      if (d.size() % n != 0) {
        throw ctx.fail("dimension %d of size %d cannot be split into %d equal parts", axis, d.size(), n);
      }
      sizes = new long[n];
      java.util.Arrays.fill(sizes, d.size() / n);
    }
    for (int i = 0; i < n; i++) {
      List<Dim> o = new ArrayList<>(in.dims());
      o.set(axis, sizes == null ? Dim.UNKNOWN : Dim.of(sizes[i]));
      outs.add(ValueType.tensor(ctx.dtype(0), Shape.of(o)));
    }
    return outs;
  }

  private static long[] constantAxes(InferenceContext ctx, int i) {
    ctx.requireType(i, DataType.INT64);
    return ctx.constant(i).map(TensorData::toLongs).orElse(null);
  }

  private static List<ValueType> squeeze(InferenceContext ctx) {
    Shape in = ctx.shape(0);
    long[] axes = ctx.hasInput(1) ? constantAxes(ctx, 1) : new long[0];
    if (!in.rankKnown() || axes == null) {
      return List.of(ValueType.tensor(ctx.dtype(0), Shape.unknownRank()));
    }
    boolean[] drop = new boolean[in.rank()];
    if (axes.length == 0) {
      for (int i = 0; i < in.rank(); i++) {
        if (!in.dim(i).isFixed()) {
          return List.of(ValueType.tensor(ctx.dtype(0), Shape.unknownRank()));
        }
        drop[i] = in.dim(i).size() == 1;
      }
    }
    for (long a : axes) {
      int ax = Shapes.axis(ctx, a, in.rank());
      if (in.dim(ax).isFixed() && in.dim(ax).size() != 1) {
        throw ctx.fail("cannot squeeze axis %d of size %d", ax, in.dim(ax).size());
      }
      drop[ax] = true;
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < in.rank(); i++) {
      if (!drop[i]) {
        out.add(in.dim(i));
      }
    }
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(out)));
  }

  private static List<ValueType> unsqueeze(InferenceContext ctx) {
    Shape in = ctx.shape(0);
    long[] axes = constantAxes(ctx, 1);
    if (!in.rankKnown() || axes == null) {
      return List.of(ValueType.tensor(ctx.dtype(0), Shape.unknownRank()));
    }
    int rank = in.rank() + axes.length;
    Dim[] out = new Dim[rank];
    for (long a : axes) {
      int ax = Shapes.axis(ctx, a, rank);
      if (out[ax] != null) {
        throw ctx.fail("axes %s repeat an axis", java.util.Arrays.toString(axes));
      }
      out[ax] = Dim.of(1);
    }
    int j = 0;
    for (int i = 0; i < rank; i++) {
      if (out[i] == null) {
        out[i] = in.dim(j++);
      }
    }
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(List.of(out))));
  }

  private static List<ValueType> tile(InferenceContext ctx) {
    ctx.requireType(1, DataType.INT64);
    Shape in = ctx.shape(0);
    long[] reps = ctx.constant(1).map(TensorData::toLongs).orElse(null);
    if (!in.rankKnown() || reps == null) {
      return List.of(ValueType.tensor(ctx.dtype(0), in.rankKnown() ? Shapes.unknownDims(in.rank()) : in));
    }
    if (reps.length != in.rank()) {
      throw ctx.fail("repeats has %d entries; the input has rank %d", reps.length, in.rank());
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < reps.length; i++) {
      Dim d = in.dim(i);
      out.add(reps[i] == 1 ? d : d.isFixed() ? Dim.of(d.size() * reps[i]) : Dim.UNKNOWN);
    }
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(out)));
  }

  /** The [start, end) range of a Shape node, clamped as the spec says. */
  static int[] shapeRange(InferenceContext ctx, int rank) {
    long start = ctx.intAttr("start", 0);
    long end = ctx.intAttr("end", rank);
    start = start < 0 ? start + rank : start;
    end = end < 0 ? end + rank : end;
    int s = (int) Math.max(0, Math.min(rank, start));
    int e = (int) Math.max(0, Math.min(rank, end));
    return new int[] {s, Math.max(s, e)};
  }

  private static List<ValueType> range(InferenceContext ctx) {
    ctx.requireType(0, DataType.FLOAT, DataType.DOUBLE, DataType.INT16, DataType.INT32, DataType.INT64);
    ctx.requireSameType(0, 1);
    ctx.requireSameType(0, 2);
    for (int i = 0; i < 3; i++) {
      if (ctx.shape(i).rankKnown() && ctx.shape(i).rank() != 0) {
        throw ctx.fail("input %d (%s) must be a scalar, got %s", i, ctx.schema().inputName(i), ctx.shape(i));
      }
    }
    if (ctx.constant(0).isPresent() && ctx.constant(1).isPresent() && ctx.constant(2).isPresent()) {
      double start = ctx.constant(0).get().toDoublesWidened()[0];
      double limit = ctx.constant(1).get().toDoublesWidened()[0];
      double delta = ctx.constant(2).get().toDoublesWidened()[0];
      if (delta == 0) {
        throw ctx.fail("delta must not be 0");
      }
      long n = Math.max((long) Math.ceil((limit - start) / delta), 0);
      return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(n)));
    }
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(List.of(Dim.UNKNOWN))));
  }
}
