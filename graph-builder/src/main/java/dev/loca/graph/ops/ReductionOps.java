package dev.loca.graph.ops;

import static dev.loca.graph.ir.Attribute.Kind.INTS;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Reductions as of opset 17: ReduceSum takes its axes as an input (since 13), ReduceMean, ReduceMax and
 * ReduceL2 as an attribute (until 18); ArgMax; TopK (which sorts, when {@code k} is the whole axis).
 */
final class ReductionOps {
  private ReductionOps() {}

  private static final DataType[] NUMERIC = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16,
      DataType.BFLOAT16, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64};

  static void register(OpCatalog.Registry r) {
    r.add(OpSchema.builder("", "ReduceSum", 13).io("data, axes?", "reduced")
        .attr("keepdims", 1L).attr("noop_with_empty_axes", 0L).infer(ctx -> {
          ctx.requireType(0, NUMERIC);
          long[] axes = new long[0];
          if (ctx.hasInput(1)) {
            ctx.requireType(1, DataType.INT64);
            TensorData c = ctx.constant(1).orElse(null);
            if (c == null) {
              Shape s = ctx.shape(0);
              return List.of(ValueType.tensor(ctx.dtype(0), ctx.intAttr("keepdims") != 0 && s.rankKnown()
                  ? Shapes.unknownDims(s.rank()) : Shape.unknownRank()));
            }
            axes = c.toLongs();
          }
          return List.of(ValueType.tensor(ctx.dtype(0), Shapes.reduce(ctx, ctx.shape(0), axes,
              ctx.intAttr("keepdims") != 0, ctx.intAttr("noop_with_empty_axes") != 0)));
        }));
    for (String op : List.of("ReduceMean", "ReduceMax", "ReduceL2")) {
      r.add(OpSchema.builder("", op, 13).io("data", "reduced").optional("axes", INTS).attr("keepdims", 1L)
          .infer(ctx -> {
            ctx.requireType(0, NUMERIC);
            long[] axes = ctx.intsAttr("axes").orElse(new long[0]);
            return List.of(ValueType.tensor(ctx.dtype(0),
                Shapes.reduce(ctx, ctx.shape(0), axes, ctx.intAttr("keepdims") != 0, false)));
          }));
    }
    r.add(OpSchema.builder("", "ArgMax", 13).io("data", "reduced")
        .attr("axis", 0L).attr("keepdims", 1L).attr("select_last_index", 0L).infer(ctx -> {
          ctx.requireType(0, NUMERIC);
          Shape s = ctx.shape(0);
          Shape out = s.rankKnown() ? Shapes.reduce(ctx, s, new long[] {ctx.intAttr("axis")},
              ctx.intAttr("keepdims") != 0, false) : Shape.unknownRank();
          return List.of(ValueType.tensor(DataType.INT64, out));
        }));
    r.add(OpSchema.builder("", "TopK", 11).io("X, K", "Values, Indices")
        .attr("axis", -1L).attr("largest", 1L).attr("sorted", 1L).infer(ReductionOps::topK));
  }

  /** TopK: the input's shape with {@code K} (when constant, else an unknown size) along the axis. */
  private static List<ValueType> topK(InferenceContext ctx) {
    ctx.requireType(0, NUMERIC);
    ctx.requireType(1, DataType.INT64);
    ctx.requireRank(1, 1);
    Shape s = ctx.shape(0);
    Shape out = Shape.unknownRank();
    if (s.rankKnown()) {
      int axis = Shapes.axis(ctx, ctx.intAttr("axis"), s.rank());
      List<Dim> dims = new ArrayList<>(s.dims());
      dims.set(axis, ctx.constant(1).<Dim>map(k -> new Dim.Fixed(k.toLongs()[0])).orElse(Dim.UNKNOWN));
      out = Shape.of(dims);
    }
    return List.of(ValueType.tensor(ctx.dtype(0), out), ValueType.tensor(DataType.INT64, out));
  }
}
