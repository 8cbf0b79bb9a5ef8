package dev.loca.graph.ops;

import static dev.loca.graph.ir.Attribute.Kind.INT;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.ValueType;
import java.util.List;

/** Element-wise ops of ai.onnx: unary math, binary arithmetic with broadcasting, comparisons, logic. */
final class ElementwiseOps {
  private ElementwiseOps() {}

  private static final DataType[] FLOATS = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16,
      DataType.BFLOAT16};
  private static final DataType[] NUMERIC = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16,
      DataType.BFLOAT16, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64, DataType.UINT8,
      DataType.UINT16, DataType.UINT32, DataType.UINT64};

  static void register(OpCatalog.Registry r) {
    for (String op : List.of("Sqrt", "Reciprocal", "Exp", "Log", "Tanh", "Erf", "Sigmoid")) {
      r.add(OpSchema.builder("", op, 13).io("X", "Y").infer(sameAs(FLOATS)));
    }
    for (String op : List.of("Neg", "Abs", "Relu")) {
      r.add(OpSchema.builder("", op, op.equals("Relu") ? 14 : 13).io("X", "Y").infer(sameAs(NUMERIC)));
    }
    r.add(OpSchema.builder("", "Identity", 16).io("input", "output").infer(ctx -> List.of(ctx.inputType(0))));
    r.add(OpSchema.builder("", "Not", 1).io("X", "Y").infer(sameAs(DataType.BOOL)));
    r.add(OpSchema.builder("", "Cast", 13).io("input", "output").required("to", INT).infer(ctx -> {
      DataType to;
      try {
        to = DataType.fromOnnxCode((int) ctx.intAttr("to"));
      } catch (IllegalArgumentException e) {
        throw ctx.fail("attribute 'to' = %d is not an ONNX data type", ctx.intAttr("to"));
      }
      return List.of(ValueType.tensor(to, ctx.shape(0)));
    }));
    for (String op : List.of("Add", "Sub", "Mul", "Div")) {
      r.add(OpSchema.builder("", op, 14).io("A, B", "C").infer(ElementwiseOps::arithmetic));
    }
    r.add(OpSchema.builder("", "Pow", 15).io("X, Y", "Z").infer(ctx -> {
      ctx.requireType(0, NUMERIC);
      ctx.requireType(1, NUMERIC);
      return List.of(ValueType.tensor(ctx.dtype(0), Shapes.broadcast(ctx, ctx.shape(0), ctx.shape(1))));
    }));
    for (String op : List.of("Max", "Min")) {
      r.add(OpSchema.builder("", op, 13).io("data_0...", op.toLowerCase(java.util.Locale.ROOT))
          .infer(ElementwiseOps::variadicSameType));
    }
    for (String op : List.of("Equal", "Less", "Greater")) {
      r.add(OpSchema.builder("", op, 13).io("A, B", "C").infer(ctx -> {
        ctx.requireSameType(0, 1);
        return List.of(ValueType.tensor(DataType.BOOL, Shapes.broadcast(ctx, ctx.shape(0), ctx.shape(1))));
      }));
    }
    r.add(OpSchema.builder("", "And", 7).io("A, B", "C").infer(ctx -> {
      ctx.requireType(0, DataType.BOOL);
      ctx.requireType(1, DataType.BOOL);
      return List.of(ValueType.tensor(DataType.BOOL, Shapes.broadcast(ctx, ctx.shape(0), ctx.shape(1))));
    }));
    r.add(OpSchema.builder("", "Where", 16).io("condition, X, Y", "output").infer(ctx -> {
      ctx.requireType(0, DataType.BOOL);
      ctx.requireSameType(1, 2);
      return List.of(ValueType.tensor(ctx.dtype(1),
          Shapes.broadcast(ctx, ctx.shape(0), ctx.shape(1), ctx.shape(2))));
    }));
    r.add(OpSchema.builder("", "Clip", 13).io("input, min?, max?", "output").infer(ctx -> {
      ctx.requireType(0, NUMERIC);
      for (int i = 1; i <= 2; i++) {
        if (ctx.hasInput(i)) {
          ctx.requireSameType(0, i);
          if (ctx.shape(i).rankKnown() && ctx.shape(i).rank() != 0) {
            throw ctx.fail("input %d (%s) must be a scalar, got %s", i, ctx.schema().inputName(i), ctx.shape(i));
          }
        }
      }
      return List.of(ctx.input(0));
    }));
  }

  private static TypeInference sameAs(DataType... allowed) {
    return ctx -> {
      ctx.requireType(0, allowed);
      return List.of(ctx.input(0));
    };
  }

  private static List<ValueType> arithmetic(InferenceContext ctx) {
    ctx.requireType(0, NUMERIC);
    ctx.requireSameType(0, 1);
    return List.of(ValueType.tensor(ctx.dtype(0), Shapes.broadcast(ctx, ctx.shape(0), ctx.shape(1))));
  }

  private static List<ValueType> variadicSameType(InferenceContext ctx) {
    Shape[] shapes = new Shape[ctx.inputCount()];
    for (int i = 0; i < shapes.length; i++) {
      ctx.requireSameType(0, i);
      shapes[i] = ctx.shape(i);
    }
    ctx.requireType(0, NUMERIC);
    return List.of(ValueType.tensor(ctx.dtype(0), Shapes.broadcast(ctx, shapes)));
  }
}
