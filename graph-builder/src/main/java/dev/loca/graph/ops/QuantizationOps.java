package dev.loca.graph.ops;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.ValueType;
import java.util.List;

/**
 * Integer quantisation for portable int8 models (dynamic quantisation of MatMuls): DynamicQuantizeLinear
 * (float → uint8 with a per-tensor scale and zero point computed from the data) and MatMulInteger (8-bit
 * operands minus their zero points, int32 products).
 */
final class QuantizationOps {
  private QuantizationOps() {}

  private static final DataType[] EIGHT_BIT = {DataType.UINT8, DataType.INT8};

  static void register(OpCatalog.Registry r) {
    r.add(OpSchema.builder("", "DynamicQuantizeLinear", 11).io("x", "y, y_scale, y_zero_point").infer(ctx -> {
      ctx.requireType(0, DataType.FLOAT);
      return List.of(ValueType.tensor(DataType.UINT8, ctx.shape(0)), ValueType.tensor(DataType.FLOAT, Shape.scalar()),
          ValueType.tensor(DataType.UINT8, Shape.scalar()));
    }));
    r.add(OpSchema.builder("", "MatMulInteger", 10).io("A, B, a_zero_point?, b_zero_point?", "Y").infer(ctx -> {
      ctx.requireType(0, EIGHT_BIT);
      ctx.requireType(1, EIGHT_BIT);
      if (ctx.hasInput(2)) {
        ctx.requireSameType(2, 0);
        zeroPointShape(ctx, 2, ctx.shape(0), 2);
      }
      if (ctx.hasInput(3)) {
        ctx.requireSameType(3, 1);
        zeroPointShape(ctx, 3, ctx.shape(1), 1);
      }
      return List.of(ValueType.tensor(DataType.INT32, LinearAlgebraOps.matMulShape(ctx, ctx.shape(0), ctx.shape(1))));
    }));
  }

  /** A zero point is a scalar or, per row of A / per column of B, a vector over that axis (counted from the end). */
  private static void zeroPointShape(InferenceContext ctx, int input, Shape operand, int axisFromEnd) {
    Shape z = ctx.shape(input);
    if (!z.rankKnown() || z.rank() == 0 || (z.rank() == 1 && z.dim(0).equals(new dev.loca.graph.ir.Dim.Fixed(1)))) {
      return;
    }
    if (z.rank() != 1 || !operand.rankKnown() || operand.rank() < axisFromEnd
        || !Shapes.compatible(z.dim(0), operand.dim(operand.rank() - axisFromEnd))) {
      throw ctx.fail("zero point %s must be a scalar or a vector of %s entries", z,
          operand.rankKnown() && operand.rank() >= axisFromEnd ? operand.dim(operand.rank() - axisFromEnd) : "?");
    }
  }
}
