package dev.loca.graph.autodiff;

import static dev.loca.graph.autodiff.ElementwiseGrads.one;
import static dev.loca.graph.autodiff.GradientRules.rule;

import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.Map;

/** Reductions: the gradient is spread back over the reduced axes. */
final class ReduceGrads {
  private ReduceGrads() {}

  static void register(Map<String, GradientRules.Entry> m) {
    rule(m, "ReduceSum", c -> one(c, expandBack(c, axesOf(c))));
    rule(m, "ReduceMean", c -> {
      Value g = expandBack(c, axesOf(c));
      return one(c, c.op("Div", g, count(c, g)));
    });
    rule(m, "ReduceMax", c -> {
      long[] axes = axesOf(c);
      Value g = expandBack(c, axes);
      Value yb = c.op("Expand", keepDims(c, c.y(0), axes), c.shapeOf(c.x(0)));
      return one(c, c.op("Where", c.op("Equal", c.x(0), yb), g, c.scalar(g, 0)));
    });
    rule(m, "ReduceL2", c -> {
      long[] axes = axesOf(c);
      Value g = expandBack(c, axes);
      Value yb = c.op("Expand", keepDims(c, c.y(0), axes), c.shapeOf(c.x(0)));
      return one(c, c.op("Div", c.op("Mul", g, c.x(0)), yb));
    });
  }

  /** The reduced axes, normalised; all axes when none are given. */
  static long[] axesOf(GradContext c) {
    int rank = c.x(0).shape().rank();
    long[] axes;
    if (c.node().opType().equals("ReduceSum")) {
      if (!c.hasX(1)) {
        axes = new long[0];
      } else {
        axes = c.attrs().constant(1).map(TensorData::toLongs).orElseThrow(() -> new IllegalArgumentException(
            "gradient of '" + c.node().name() + "' needs its axes as a constant"));
      }
      if (axes.length == 0 && c.attrs().intAttr("noop_with_empty_axes") != 0) {
        return axes;
      }
    } else {
      axes = c.attrs().intsAttr("axes").orElse(new long[0]);
    }
    if (axes.length == 0) {
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    long[] out = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      out[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
    }
    java.util.Arrays.sort(out);
    return out;
  }

  /** {@code v} with the reduced axes put back as size 1, when the node dropped them. */
  static Value keepDims(GradContext c, Value v, long[] axes) {
    if (c.attrs().intAttr("keepdims") != 0 || axes.length == 0) {
      return v;
    }
    return c.node("Unsqueeze").inputs(v, c.longs(axes)).build();
  }

  /** The output gradient broadcast back to the input's shape. */
  static Value expandBack(GradContext c, long[] axes) {
    return c.op("Expand", keepDims(c, c.dy(0), axes), c.shapeOf(c.x(0)));
  }

  /** Number of elements reduced into each output, as a scalar of the gradient's type. */
  private static Value count(GradContext c, Value like) {
    Value nIn = c.op("Size", c.x(0));
    Value nOut = c.op("Size", c.y(0));
    Value ratio = c.op("Div", nIn, nOut);
    return c.node("Cast").inputs(ratio).attr("to", (long) like.dtype().onnxCode()).build();
  }
}
