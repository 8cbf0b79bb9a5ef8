package dev.loca.graph.ops;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Ops that read or write by index: Gather, GatherElements, ScatterElements, ScatterND, Slice, OneHot. */
final class IndexingOps {
  private IndexingOps() {}

  private static final Set<String> REDUCTIONS = Set.of("none", "add", "mul");

  static void register(OpCatalog.Registry r) {
    r.add(OpSchema.builder("", "Gather", 13).io("data, indices", "output").attr("axis", 0L).infer(ctx -> {
      ctx.requireType(1, DataType.INT32, DataType.INT64);
      Shape d = ctx.shape(0);
      Shape idx = ctx.shape(1);
      if (!d.rankKnown() || !idx.rankKnown()) {
        return List.of(ValueType.tensor(ctx.dtype(0), Shape.unknownRank()));
      }
      int axis = Shapes.axis(ctx, ctx.intAttr("axis"), d.rank());
      List<Dim> out = new ArrayList<>(d.dims().subList(0, axis));
      out.addAll(idx.dims());
      out.addAll(d.dims().subList(axis + 1, d.rank()));
      return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(out)));
    }));
    r.add(OpSchema.builder("", "GatherElements", 13).io("data, indices", "output").attr("axis", 0L)
        .infer(ctx -> {
          ctx.requireType(1, DataType.INT32, DataType.INT64);
          requireSameRank(ctx, 0, 1);
          if (ctx.shape(0).rankKnown()) {
            Shapes.axis(ctx, ctx.intAttr("axis"), ctx.shape(0).rank());
          }
          return List.of(ValueType.tensor(ctx.dtype(0), ctx.shape(1)));
        }));
    r.add(OpSchema.builder("", "ScatterElements", 16).io("data, indices, updates", "output")
        .attr("axis", 0L).attr("reduction", "none").infer(ctx -> {
          ctx.requireType(1, DataType.INT32, DataType.INT64);
          ctx.requireSameType(0, 2);
          requireSameRank(ctx, 0, 1);
          requireReduction(ctx);
          if (!ctx.shape(1).equals(ctx.shape(2)) && ctx.shape(1).isStatic() && ctx.shape(2).isStatic()) {
            throw ctx.fail("indices %s and updates %s must have the same shape", ctx.shape(1), ctx.shape(2));
          }
          return List.of(ctx.input(0));
        }));
    r.add(OpSchema.builder("", "ScatterND", 16).io("data, indices, updates", "output")
        .attr("reduction", "none").infer(ctx -> {
          ctx.requireType(1, DataType.INT64);
          ctx.requireSameType(0, 2);
          requireReduction(ctx);
          return List.of(ctx.input(0));
        }));
    r.add(OpSchema.builder("", "Slice", 13).io("data, starts, ends, axes?, steps?", "output")
        .infer(IndexingOps::slice));
    r.add(OpSchema.builder("", "OneHot", 11).io("indices, depth, values", "output").attr("axis", -1L)
        .infer(ctx -> {
          Shape idx = ctx.shape(0);
          if (ctx.shape(2).rankKnown() && !(ctx.shape(2).rank() == 1 && Shapes.compatible(ctx.shape(2).dim(0),
              Dim.of(2)))) {
            throw ctx.fail("values must be a 2-element vector [off, on], got %s", ctx.shape(2));
          }
          if (!idx.rankKnown()) {
            return List.of(ValueType.tensor(ctx.dtype(2), Shape.unknownRank()));
          }
          int axis = Shapes.axis(ctx, ctx.intAttr("axis"), idx.rank() + 1);
          Dim depth = ctx.constant(1).map(t -> (Dim) Dim.of((long) t.toDoublesWidened()[0])).orElse(Dim.UNKNOWN);
          List<Dim> out = new ArrayList<>(idx.dims());
          out.add(axis, depth);
          return List.of(ValueType.tensor(ctx.dtype(2), Shape.of(out)));
        }));
  }

  private static void requireSameRank(InferenceContext ctx, int i, int j) {
    Shape a = ctx.shape(i);
    Shape b = ctx.shape(j);
    if (a.rankKnown() && b.rankKnown() && a.rank() != b.rank()) {
      throw ctx.fail("inputs %d and %d must have the same rank, got %s and %s", i, j, a, b);
    }
  }

  private static void requireReduction(InferenceContext ctx) {
    String red = ctx.stringAttr("reduction");
    if (!REDUCTIONS.contains(red)) {
      throw ctx.fail("reduction '%s' is not one of %s", red, REDUCTIONS);
    }
  }

  private static List<ValueType> slice(InferenceContext ctx) {
    Shape in = ctx.shape(0);
    for (int i = 1; i < 5; i++) {
      if (ctx.hasInput(i)) {
        ctx.requireType(i, DataType.INT32, DataType.INT64);
      }
    }
    if (!in.rankKnown()) {
      return List.of(ctx.input(0));
    }
    int rank = in.rank();
    long[] starts = ctx.constant(1).map(TensorData::toLongs).orElse(null);
    long[] ends = ctx.constant(2).map(TensorData::toLongs).orElse(null);
    long[] axes = ctx.hasInput(3) ? ctx.constant(3).map(TensorData::toLongs).orElse(null) : defaultAxes(starts);
    long[] steps = ctx.hasInput(4) ? ctx.constant(4).map(TensorData::toLongs).orElse(null) : null;
    if (axes == null) {
      return List.of(ValueType.tensor(ctx.dtype(0), Shapes.unknownDims(rank)));
    }
    List<Dim> out = new ArrayList<>(in.dims());
    for (int k = 0; k < axes.length; k++) {
      int axis = Shapes.axis(ctx, axes[k], rank);
      Dim d = in.dim(axis);
      if (starts == null || ends == null || (ctx.hasInput(4) && steps == null) || !d.isFixed()) {
        out.set(axis, Dim.UNKNOWN);
        continue;
      }
      if (starts.length != axes.length || ends.length != axes.length || (steps != null
          && steps.length != axes.length)) {
        throw ctx.fail("starts, ends, axes and steps must have the same length");
      }
      long step = steps == null ? 1 : steps[k];
      if (step == 0) {
        throw ctx.fail("step must not be 0");
      }
      out.set(axis, Dim.of(Shapes.sliceLength(d.size(), starts[k], ends[k], step)));
    }
    return List.of(ValueType.tensor(ctx.dtype(0), Shape.of(out)));
  }

  private static long[] defaultAxes(long[] starts) {
    if (starts == null) {
      return null;
    }
    long[] a = new long[starts.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    return a;
  }
}
