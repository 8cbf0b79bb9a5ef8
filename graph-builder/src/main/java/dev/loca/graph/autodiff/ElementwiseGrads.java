package dev.loca.graph.autodiff;

import static dev.loca.graph.autodiff.GradientRules.rule;

import dev.loca.graph.ir.Value;
import java.util.List;
import java.util.Map;

/** Local derivatives of element-wise ops; broadcast inputs are reduced by the engine. */
final class ElementwiseGrads {
  private ElementwiseGrads() {}

  static void register(Map<String, GradientRules.Entry> m) {
    rule(m, "Add", c -> both(c, c.dy(0), c.dy(0)));
    rule(m, "Sub", c -> both(c, c.dy(0), c.needs(1) ? c.op("Neg", c.dy(0)) : null));
    rule(m, "Mul", c -> both(c, c.needs(0) ? c.op("Mul", c.dy(0), c.x(1)) : null,
        c.needs(1) ? c.op("Mul", c.dy(0), c.x(0)) : null));
    rule(m, "Div", c -> both(c, c.needs(0) ? c.op("Div", c.dy(0), c.x(1)) : null,
        c.needs(1) ? c.op("Neg", c.op("Div", c.op("Mul", c.dy(0), c.y(0)), c.x(1))) : null));
    rule(m, "Neg", c -> one(c, c.op("Neg", c.dy(0))));
    rule(m, "Identity", c -> one(c, c.dy(0)));
    rule(m, "Pow", ElementwiseGrads::pow);
    rule(m, "Sqrt", c -> one(c, c.op("Div", c.op("Mul", c.dy(0), c.scalar(c.y(0), 0.5)), c.y(0))));
    rule(m, "Reciprocal", c -> one(c, c.op("Neg", c.op("Mul", c.dy(0), c.op("Mul", c.y(0), c.y(0))))));
    rule(m, "Exp", c -> one(c, c.op("Mul", c.dy(0), c.y(0))));
    rule(m, "Log", c -> one(c, c.op("Div", c.dy(0), c.x(0))));
    rule(m, "Tanh",
        c -> one(c, c.op("Mul", c.dy(0), c.op("Sub", c.scalar(c.y(0), 1), c.op("Mul", c.y(0), c.y(0))))),
        c -> one(c, c.msNode("TanhGrad").inputs(c.dy(0), c.y(0)).build()));
    rule(m, "Sigmoid",
        c -> one(c, c.op("Mul", c.dy(0), c.op("Mul", c.y(0), c.op("Sub", c.scalar(c.y(0), 1), c.y(0))))),
        c -> one(c, c.msNode("SigmoidGrad").inputs(c.dy(0), c.y(0)).build()));
    rule(m, "Relu",
        c -> one(c, c.op("Where", c.op("Greater", c.x(0), c.scalar(c.x(0), 0)), c.dy(0), c.scalar(c.dy(0), 0))),
        c -> one(c, c.msNode("ReluGrad").inputs(c.dy(0), c.x(0)).build()));
    rule(m, "Abs", c -> one(c, c.op("Where", c.op("Less", c.x(0), c.scalar(c.x(0), 0)), c.op("Neg", c.dy(0)),
        c.dy(0))));
    rule(m, "Erf", c -> {
      Value x = c.x(0);
      Value e = c.op("Exp", c.op("Neg", c.op("Mul", x, x)));
      return one(c, c.op("Mul", c.dy(0), c.op("Mul", e, c.scalar(x, 2 / Math.sqrt(Math.PI)))));
    });
    rule(m, "Cast", c -> c.x(0).dtype().isFloatingPoint()
        ? one(c, c.node("Cast").inputs(c.dy(0)).attr("to", (long) c.x(0).dtype().onnxCode()).build())
        : c.none());
    rule(m, "Where", c -> {
      List<Value> g = c.none();
      Value zero = c.scalar(c.dy(0), 0);
      if (c.needs(1)) {
        g.set(1, c.op("Where", c.x(0), c.dy(0), zero));
      }
      if (c.needs(2)) {
        g.set(2, c.op("Where", c.x(0), zero, c.dy(0)));
      }
      return g;
    });
    rule(m, "Clip", ElementwiseGrads::clip);
    rule(m, "Max", ElementwiseGrads::extremum);
    rule(m, "Min", ElementwiseGrads::extremum);
  }

  static List<Value> one(GradContext c, Value g) {
    List<Value> out = c.none();
    out.set(0, g);
    return out;
  }

  static List<Value> both(GradContext c, Value g0, Value g1) {
    List<Value> out = c.none();
    out.set(0, c.needs(0) ? g0 : null);
    out.set(1, c.needs(1) ? g1 : null);
    return out;
  }

  private static List<Value> pow(GradContext c) {
    Value x = c.x(0);
    Value p = c.x(1);
    List<Value> g = c.none();
    if (c.needs(0)) {
      Value pf = p.dtype() == x.dtype() ? p : c.node("Cast").inputs(p).attr("to", (long) x.dtype().onnxCode()).build();
      Value xpm1 = c.op("Pow", x, c.op("Sub", pf, c.scalar(x, 1)));
      g.set(0, c.op("Mul", c.dy(0), c.op("Mul", pf, xpm1)));
    }
    if (c.needs(1)) {
      g.set(1, c.op("Mul", c.dy(0), c.op("Mul", c.y(0), c.op("Log", x))));
    }
    return g;
  }

  /**
   * Clip: x gets the gradient where it lies within [min, max]; a bound gets the gradient of the elements
   * it clipped to itself (summed over them by the engine, as the bounds are scalars). Assumes min <= max.
   */
  private static List<Value> clip(GradContext c) {
    Value x = c.x(0);
    Value dy = c.dy(0);
    Value zero = c.scalar(dy, 0);
    List<Value> g = c.none();
    Value below = c.hasX(1) ? c.op("Less", x, c.x(1)) : null;
    Value above = c.hasX(2) ? c.op("Greater", x, c.x(2)) : null;
    if (c.needs(0)) {
      Value keep = below == null ? null : c.op("Not", below);
      if (above != null) {
        Value le = c.op("Not", above);
        keep = keep == null ? le : c.op("And", keep, le);
      }
      g.set(0, keep == null ? dy : c.op("Where", keep, dy, zero));
    }
    if (c.needs(1)) {
      g.set(1, c.op("Where", below, dy, zero));
    }
    if (c.needs(2)) {
      g.set(2, c.op("Where", above, dy, zero));
    }
    return g;
  }

  /** Max/Min: each input gets the gradient where it equals the result (ties share it in full). */
  private static List<Value> extremum(GradContext c) {
    List<Value> g = c.none();
    for (int i = 0; i < g.size(); i++) {
      if (c.needs(i)) {
        g.set(i, c.op("Where", c.op("Equal", c.x(i), c.y(0)), c.dy(0), c.scalar(c.dy(0), 0)));
      }
    }
    return g;
  }
}
