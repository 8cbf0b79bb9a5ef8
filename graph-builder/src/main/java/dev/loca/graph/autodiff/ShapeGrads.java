package dev.loca.graph.autodiff;

import static dev.loca.graph.autodiff.ElementwiseGrads.one;
import static dev.loca.graph.autodiff.GradientRules.rule;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ops.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Ops that move data: the gradient moves back the same way. */
final class ShapeGrads {
  private ShapeGrads() {}

  static void register(Map<String, GradientRules.Entry> m) {
    for (String op : List.of("Reshape", "Squeeze", "Unsqueeze")) {
      rule(m, op, c -> one(c, c.op("Reshape", c.dy(0), c.shapeOf(c.x(0)))));
    }
    rule(m, "Expand", c -> one(c, c.dy(0)));
    rule(m, "Transpose", c -> {
      int r = c.x(0).shape().rank();
      long[] perm = c.attrs().intsAttr("perm").orElse(null);
      long[] inv = new long[r];
      for (int i = 0; i < r; i++) {
        inv[perm == null ? r - 1 - i : (int) perm[i]] = i;
      }
      return one(c, c.node("Transpose").inputs(c.dy(0)).ints("perm", inv).build());
    });
    rule(m, "Concat", ShapeGrads::concat);
    rule(m, "Split", c -> {
      int axis = (int) c.attrs().intAttr("axis");
      List<Value> parts = new ArrayList<>();
      for (int i = 0; i < c.node().outputs().size(); i++) {
        parts.add(c.dyOrZeros(i));
      }
      return one(c, c.node("Concat").inputs(parts).attr("axis", (long) axis).build());
    });
    rule(m, "Tile", ShapeGrads::tile);
    rule(m, "Slice", ShapeGrads::slicePortable, ShapeGrads::sliceFused);
    rule(m, "Gather", ShapeGrads::gatherPortable, c -> one(c, c.msNode("GatherGrad")
        .inputs(c.shapeOf(c.x(0)), c.x(1), c.dy(0)).attr("axis", c.attrs().intAttr("axis")).build()));
    rule(m, "GatherElements", c -> one(c, c.node("ScatterElements")
        .inputs(c.zerosLike(c.x(0)), c.x(1), c.dy(0)).attr("axis", c.attrs().intAttr("axis"))
        .attr("reduction", "add").build()),
        c -> one(c, c.msNode("GatherElementsGrad").inputs(c.dy(0), c.shapeOf(c.x(0)), c.x(1))
            .attr("axis", c.attrs().intAttr("axis")).build()));
  }

  /**
   * Concat gradient: split the output gradient at the inputs' sizes along the axis; constant sizes when all
   * are fixed, otherwise read from the inputs' shapes at run time (e.g. concatenating along the batch axis).
   */
  private static List<Value> concat(GradContext c) {
    int n = c.node().inputs().size();
    int rank = c.x(0).shape().rank();
    long axis = c.attrs().intAttr("axis");
    int ax = (int) (axis < 0 ? axis + rank : axis);
    long[] sizes = new long[n];
    boolean fixed = true;
    for (int i = 0; i < n && fixed; i++) {
      Shape s = c.x(i).shape();
      fixed = s.dim(ax).isFixed();
      sizes[i] = fixed ? s.dim(ax).size() : -1;
    }
    Value split;
    if (fixed) {
      split = c.longs(sizes);
    } else {
      List<Value> dims = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        dims.add(c.node("Shape").inputs(c.x(i)).attr("start", (long) ax).attr("end", (long) ax + 1).build());
      }
      split = c.node("Concat").inputs(dims).attr("axis", 0L).build();
    }
    List<Value> parts = c.node("Split").inputs(c.dy(0), split).attr("axis", (long) ax).build(n);
    List<Value> g = c.none();
    for (int i = 0; i < n; i++) {
      g.set(i, c.needs(i) ? parts.get(i) : null);
    }
    return g;
  }

  /**
   * Tile: view the gradient as {@code [r0, d0, r1, d1, ...]} and sum the repeat axes. The split shape is a
   * constant when the input shape is static, else it is assembled from the input's run-time shape.
   */
  private static List<Value> tile(GradContext c) {
    Shape s = c.x(0).shape();
    long[] reps = c.attrs().constant(1).map(TensorData::toLongs).orElseThrow(() -> new IllegalArgumentException(
        "gradient of '" + c.node().name() + "' needs constant repeats"));
    if (!s.rankKnown()) {
      throw new IllegalArgumentException("gradient of '" + c.node().name() + "' needs an input of known rank");
    }
    int rank = s.rank();
    long[] axes = new long[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = 2L * i;
    }
    Value split;
    if (s.isStatic()) {
      long[] dims = s.sizes();
      long[] parts = new long[2 * rank];
      for (int i = 0; i < rank; i++) {
        parts[2 * i] = reps[i];
        parts[2 * i + 1] = dims[i];
      }
      split = c.longs(parts);
    } else {
      Value shape = c.shapeOf(c.x(0));
      List<Value> parts = new ArrayList<>();
      for (int i = 0; i < rank; i++) {
        parts.add(c.longs(reps[i]));
        parts.add(c.op("Slice", shape, c.longs(i), c.longs(i + 1)));
      }
      split = c.node("Concat").inputs(parts).attr("axis", 0L).build();
    }
    Value r = c.op("Reshape", c.dy(0), split);
    Value sum = c.node("ReduceSum").inputs(r, c.longs(axes)).attr("keepdims", 0L).build();
    return one(c, s.isStatic() ? sum : c.op("Reshape", sum, c.shapeOf(c.x(0))));
  }


  /**
   * Fused Slice gradient: SliceGrad(dY, shape(x), starts, ends, axes?, steps?). ORT's CPU SliceGrad fails
   * ("narrowing_error") when the innermost axis it iterates over has a negative step. So when a step may be
   * negative (a negative constant, or steps computed at run time), the slice is differentiated as one of a
   * tensor with an extra trailing axis of size 2 (never sliced, so the innermost step is 1) and that axis is
   * dropped afterwards.
   */
  private static List<Value> sliceFused(GradContext c) {
    Value x = c.x(0);
    Value axes = c.hasX(3) ? c.x(3) : null;
    Value steps = c.hasX(4) ? c.x(4) : null;
    long[] constSteps = steps == null ? new long[0] : c.attrs().constant(4).map(TensorData::toLongs).orElse(null);
    boolean forward = constSteps != null && java.util.Arrays.stream(constSteps).allMatch(s -> s > 0);
    if (forward) {
      return one(c, c.msNode("SliceGrad").inputs(c.dy(0), c.shapeOf(x), c.x(1), c.x(2), axes, steps).build());
    }
    Value dy = c.node("Unsqueeze").inputs(c.dy(0), c.longs(-1)).build();
    dy = c.node("Concat").inputs(dy, dy).attr("axis", -1L).build();
    Value shape = c.node("Concat").inputs(c.shapeOf(x), c.longs(2)).attr("axis", 0L).build();
    if (axes != null) {
      // a negative axis counts from the end, which is now one further away
      Value zero = c.b().constant(TensorData.filled(axes.dtype(), Shape.scalar(), 0));
      Value one = c.b().constant(TensorData.filled(axes.dtype(), Shape.scalar(), 1));
      axes = c.op("Where", c.op("Less", axes, zero), c.op("Sub", axes, one), axes);
    }
    Value g = c.msNode("SliceGrad").inputs(dy, shape, c.x(1), c.x(2), axes, steps).build();
    return one(c, c.node("Gather").inputs(g, c.b().constant(TensorData.scalar(0L))).attr("axis", -1L).build());
  }

  /** Portable Slice gradient: scatter the output gradient into zeros at the positions the slice read. */
  private static List<Value> slicePortable(GradContext c) {
    Shape s = c.x(0).shape();
    if (!s.isStatic()) {
      throw new IllegalArgumentException("portable gradient of '" + c.node().name() + "' needs a static input shape, "
          + "got " + s + "; use the fused flavour");
    }
    long[] dims = s.sizes();
    int rank = dims.length;
    long[] starts = constant(c, 1);
    long[] ends = constant(c, 2);
    long[] axes = c.hasX(3) ? constant(c, 3) : null;
    long[] steps = c.hasX(4) ? constant(c, 4) : null;
    long[] from = new long[rank];
    long[] step = new long[rank];
    long[] count = dims.clone();
    java.util.Arrays.fill(step, 1);
    for (int k = 0; k < starts.length; k++) {
      int a = (int) (axes == null ? k : axes[k] < 0 ? axes[k] + rank : axes[k]);
      long st = steps == null ? 1 : steps[k];
      long n = dims[a];
      long b = starts[k] < 0 ? starts[k] + n : starts[k];
      // the first position read: ONNX (and ORT) clamp starts to [0, n] for positive and [0, n - 1] for negative steps
      b = st > 0 ? Math.max(0, Math.min(n, b)) : Math.max(0, Math.min(n - 1, b));
      from[a] = b;
      step[a] = st;
      count[a] = Shapes.sliceLength(n, starts[k], ends[k], st);
    }
    int total = 1;
    for (long n : count) {
      total *= (int) n;
    }
    long[] idx = new long[total * rank];
    for (int i = 0; i < total; i++) {
      long rem = i;
      for (int d = rank - 1; d >= 0; d--) {
        long pos = count[d] == 0 ? 0 : rem % count[d];
        rem = count[d] == 0 ? 0 : rem / count[d];
        idx[i * rank + d] = from[d] + pos * step[d];
      }
    }
    long[] idxShape = new long[rank + 1];
    System.arraycopy(count, 0, idxShape, 0, rank);
    idxShape[rank] = rank;
    Value indices = c.b().constant(TensorData.ofLongs(idxShape, idx));
    return one(c, c.node("ScatterND").inputs(c.zerosLike(c.x(0)), indices, c.dy(0)).build());
  }

  private static long[] constant(GradContext c, int i) {
    return c.attrs().constant(i).map(TensorData::toLongs).orElseThrow(() -> new IllegalArgumentException(
        "portable gradient of '" + c.node().name() + "' needs input " + i + " as a constant; use the fused flavour"));
  }

  /** Portable Gather gradient: move the gathered axis first, scatter-add, move it back. */
  private static List<Value> gatherPortable(GradContext c) {
    Value x = c.x(0);
    Value ind = c.x(1);
    int r = x.shape().rank();
    int q = ind.shape().rank();
    long a = c.attrs().intAttr("axis");
    int axis = (int) (a < 0 ? a + r : a);
    Value dim = c.op("Gather", c.shapeOf(x), c.b().constant(TensorData.scalar((long) axis)));
    Value idx = ind.dtype() == DataType.INT64 ? ind : c.node("Cast").inputs(ind).attr("to", 7L).build();
    idx = c.op("Where", c.op("Less", idx, c.b().constant(TensorData.scalar(0L))), c.op("Add", idx, dim), idx);
    idx = c.node("Unsqueeze").inputs(idx, c.longs(q)).build();
    Value dy = c.dy(0);
    Value zeros = c.zerosLike(x);
    if (axis == 0) {
      return one(c, c.node("ScatterND").inputs(zeros, idx, dy).attr("reduction", "add").build());
    }
    long[] dyPerm = new long[r - 1 + q];
    int k = 0;
    for (int i = 0; i < q; i++) {
      dyPerm[k++] = axis + i;
    }
    for (int i = 0; i < axis; i++) {
      dyPerm[k++] = i;
    }
    for (int i = axis + q; i < r - 1 + q; i++) {
      dyPerm[k++] = i;
    }
    long[] xPerm = new long[r];
    long[] back = new long[r];
    xPerm[0] = axis;
    for (int i = 0, j = 1; i < r; i++) {
      if (i != axis) {
        xPerm[j++] = i;
      }
    }
    for (int i = 0; i < r; i++) {
      back[(int) xPerm[i]] = i;
    }
    Value dyT = c.node("Transpose").inputs(dy).ints("perm", dyPerm).build();
    Value zT = c.node("Transpose").inputs(zeros).ints("perm", xPerm).build();
    Value s = c.node("ScatterND").inputs(zT, idx, dyT).attr("reduction", "add").build();
    return one(c, c.node("Transpose").inputs(s).ints("perm", back).build());
  }
}
