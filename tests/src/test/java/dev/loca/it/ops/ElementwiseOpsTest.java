package dev.loca.it.ops;

import static dev.loca.it.ops.Rejections.assertMentions;
import static dev.loca.it.ops.Rejections.rejects;
import static dev.loca.it.ops.OrtOps.assertClose;
import static dev.loca.it.ops.OrtOps.assertExact;
import static dev.loca.it.ops.OrtOps.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ops.ShapeInferenceException;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/** Element-wise ops through ONNX Runtime against Java reference computations. */
class ElementwiseOpsTest {

  @Test
  @OpTest("Relu")
  void relu() {
    Nd x = Nd.uniform(1, -2, 2, 3, 4);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("Relu", c.in("x"))), feed("x", Shape.symbolic("n", 4), x));
    assertClose(x.map(v -> Math.max(v, 0)), out.get(0));
  }

  @Test
  @OpTest("Add")
  void addBroadcastsAgainstASymbolicBatch() {
    Nd a = Nd.uniform(2, -1, 1, 5, 3, 4);
    Nd b = Nd.uniform(3, -1, 1, 3, 1);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("Add", c.in("a"), c.in("b"))),
        feed("a", Shape.symbolic("batch", 3, 4), a), feed("b", b));
    assertClose(Nd.zip(a, b, DataType.FLOAT, Double::sum), out.get(0));
  }

  // ---- unary float math ----

  /** Runs a one-input op on {@code x} declared as {@code declared}; returns its output. */
  private static Nd unary(String op, Nd x, Shape declared) {
    return OrtOps.run(c -> List.of(c.b().op(op, c.in("x"))), feed("x", declared, x)).get(0);
  }

  /** {@code x} with its first values replaced by {@code specials} (float32-rounded). */
  private static Nd withSpecials(Nd x, double... specials) {
    double[] d = x.data.clone();
    for (int i = 0; i < specials.length; i++) {
      d[i] = (float) specials[i];
    }
    return new Nd(x.dtype, x.shape, d);
  }

  @Test
  @OpTest("Sqrt")
  void sqrt() {
    Nd x = withSpecials(Nd.uniform(10, 0, 9, 2, 3, 4), 0, 4, -1, Double.POSITIVE_INFINITY);
    assertClose(x.map(Math::sqrt), unary("Sqrt", x, Shape.symbolic("batch", 3, 4)));
  }

  @Test
  @OpTest("Reciprocal")
  void reciprocal() {
    // Keep values away from 0, then put 0 and -0 in on purpose: 1/±0 = ±inf.
    Nd x = withSpecials(Nd.uniform(11, 0.1, 3, 3, 5).map(v -> v > 1.5 ? 1.5 - v : v), 0, -0.0, 4, -0.25);
    assertClose(x.map(v -> 1 / v), unary("Reciprocal", x, Shape.symbolic("n", 5)));
  }

  @Test
  @OpTest("Exp")
  void exp() {
    Nd x = withSpecials(Nd.uniform(12, -6, 6, 4, 6), 0, Double.NEGATIVE_INFINITY);
    assertClose(x.map(Math::exp), unary("Exp", x, Shape.symbolic("batch", 6)));
  }

  @Test
  @OpTest("Log")
  void log() {
    Nd x = withSpecials(Nd.uniform(13, 0.01, 20, 2, 7), 1, 0, -1);
    assertClose(x.map(Math::log), unary("Log", x, Shape.of(2, 7)));
  }

  @Test
  @OpTest("Tanh")
  void tanh() {
    Nd x = withSpecials(Nd.uniform(14, -5, 5, 3, 2, 4), 0, 30, -30);
    assertClose(x.map(Math::tanh), unary("Tanh", x, Shape.symbolic("batch", 2, 4)));
  }

  @Test
  @OpTest("Erf")
  void erf() {
    // The reference below is accurate to ~1e-15; spot-check it against published values first.
    assertEquals(0.5204998778130465, erfReference(0.5), 1e-15);
    assertEquals(0.8427007929497149, erfReference(1), 1e-15);
    assertEquals(-0.9953222650189527, erfReference(-2), 1e-15);
    assertEquals(0.9999779095030014, erfReference(3), 1e-15);
    Nd x = withSpecials(Nd.uniform(15, -3.5, 3.5, 4, 8), 0, 6, -6, 1e-3);
    assertClose(x.map(ElementwiseOpsTest::erfReference), unary("Erf", x, Shape.symbolic("batch", 8)));
  }

  /**
   * erf(x) = 2/√π · e^(−x²) · Σ_{n≥0} 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): every term is positive, so the
   * partial sums lose no precision to cancellation (unlike the alternating Taylor series).
   */
  private static double erfReference(double x) {
    double ax = Math.abs(x);
    if (ax > 6) {
      return Math.signum(x); // 1 - erf(6) < 3e-17
    }
    double term = ax;
    double sum = ax;
    for (int n = 1; n < 400 && term > 1e-18 * sum; n++) {
      term *= 2 * ax * ax / (2 * n + 1);
      sum += term;
    }
    return Math.copySign(2 / Math.sqrt(Math.PI) * Math.exp(-ax * ax) * sum, x);
  }

  @Test
  @OpTest("Sigmoid")
  void sigmoid() {
    Nd x = withSpecials(Nd.uniform(16, -10, 10, 3, 5), 0, 100, -100);
    assertClose(x.map(v -> 1 / (1 + Math.exp(-v))), unary("Sigmoid", x, Shape.symbolic("n", 5)));
  }

  // ---- unary numeric and boolean ----

  @Test
  @OpTest("Neg")
  void negFloatAndInt64() {
    Nd xf = Nd.uniform(20, -3, 3, 2, 3);
    Nd xi = Nd.randomInts(21, DataType.INT64, -1000, 1000, 4);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("Neg", c.in("f")), c.b().op("Neg", c.in("i"))),
        feed("f", Shape.symbolic("batch", 3), xf), feed("i", xi));
    assertExact(xf.map(v -> -v), out.get(0));
    assertExact(xi.map(v -> -v), out.get(1));
  }

  @Test
  @OpTest("Abs")
  void absFloatAndInt64() {
    Nd xf = withSpecials(Nd.uniform(22, -3, 3, 2, 3), -0.0, Double.NEGATIVE_INFINITY);
    Nd xi = Nd.randomInts(23, DataType.INT64, -1000, 1000, 2, 2);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("Abs", c.in("f")), c.b().op("Abs", c.in("i"))),
        feed("f", Shape.symbolic("batch", 3), xf), feed("i", Shape.symbolic("batch", 2), xi));
    assertExact(xf.map(Math::abs), out.get(0));
    assertExact(xi.map(Math::abs), out.get(1));
  }

  @Test
  @OpTest("Identity")
  void identityOfFloatInt64AndBool() {
    Nd xf = Nd.uniform(24, -3, 3, 2, 3);
    Nd xi = Nd.randomInts(25, DataType.INT64, -5, 5, 3);
    Nd xb = Nd.randomInts(26, DataType.BOOL, 0, 2, 2, 2);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("Identity", c.in("f")), c.b().op("Identity", c.in("i")),
            c.b().op("Identity", c.in("b"))),
        feed("f", Shape.symbolic("batch", 3), xf), feed("i", xi), feed("b", Shape.symbolic("batch", "m"), xb));
    assertExact(xf, out.get(0));
    assertExact(xi, out.get(1));
    assertExact(xb, out.get(2));
  }

  @Test
  @OpTest("Not")
  void not() {
    Nd x = Nd.randomInts(27, DataType.BOOL, 0, 2, 3, 4);
    assertExact(x.map(v -> v != 0 ? 0 : 1), unary("Not", x, Shape.symbolic("batch", 4)));
  }

  @Test
  @OpTest("Cast")
  void castBetweenFloatInt64AndBool() {
    // Float → int64 truncates toward zero; int64 → float rounds to nearest (2^24 + 1 is not a float32);
    // float → bool is "not zero" (−0 is zero); bool → float is 0/1.
    Nd xf = Nd.floats(new long[] {2, 5}, 2.7, -2.7, 0.5, -0.5, -0.0, 1e-30, 123456.75, -99.99, 3, 0);
    Nd xi = Nd.longs(new long[] {5}, 0, -7, 16_777_217L, -16_777_219L, 1L << 40);
    Nd xb = Nd.bools(new long[] {2, 2}, true, false, false, true);
    List<Nd> out = OrtOps.run(c -> List.of(
            c.b().node("Cast").inputs(c.in("f")).attr("to", (long) DataType.INT64.onnxCode()).build(),
            c.b().node("Cast").inputs(c.in("i")).attr("to", (long) DataType.FLOAT.onnxCode()).build(),
            c.b().node("Cast").inputs(c.in("f")).attr("to", (long) DataType.BOOL.onnxCode()).build(),
            c.b().node("Cast").inputs(c.in("b")).attr("to", (long) DataType.FLOAT.onnxCode()).build()),
        feed("f", Shape.symbolic("batch", 5), xf), feed("i", Shape.symbolic("n"), xi), feed("b", xb));
    assertExact(xf.map(v -> (double) (long) v).withType(DataType.INT64), out.get(0));
    assertExact(xi.map(v -> (double) (float) (long) v).withType(DataType.FLOAT), out.get(1));
    assertExact(xf.map(v -> v != 0 ? 1 : 0).withType(DataType.BOOL), out.get(2));
    assertExact(xb.withType(DataType.FLOAT), out.get(3));
  }

  // ---- binary arithmetic ----

  /** Runs {@code op(a, b)}; {@code a} is declared as {@code declaredA}, {@code b} with its own shape. */
  private static Nd binary(String op, Nd a, Shape declaredA, Nd b) {
    return OrtOps.run(c -> List.of(c.b().op(op, c.in("a"), c.in("b"))), feed("a", declaredA, a), feed("b", b))
        .get(0);
  }

  @Test
  @OpTest("Sub")
  void subFloatAndInt64WithBroadcasting() {
    Nd a = Nd.uniform(30, -2, 2, 4, 1, 3);
    Nd b = Nd.uniform(31, -2, 2, 2, 1);
    assertClose(Nd.zip(a, b, DataType.FLOAT, (x, y) -> x - y), binary("Sub", a, Shape.symbolic("batch", 1, 3), b));
    Nd ia = Nd.randomInts(32, DataType.INT64, -50, 50, 3);
    Nd ib = Nd.randomInts(33, DataType.INT64, -50, 50, 2, 1);
    assertExact(Nd.zip(ia, ib, DataType.INT64, (x, y) -> x - y), binary("Sub", ia, Shape.symbolic("n"), ib));
  }

  @Test
  @OpTest("Mul")
  void mulFloatAndInt64WithBroadcasting() {
    Nd a = Nd.uniform(34, -2, 2, 3, 4);
    Nd s = Nd.floats(new long[0], -1.5);
    assertClose(Nd.zip(a, s, DataType.FLOAT, (x, y) -> x * y), binary("Mul", a, Shape.symbolic("batch", 4), s));
    Nd b = Nd.uniform(35, -2, 2, 2, 1, 4);
    assertClose(Nd.zip(a, b, DataType.FLOAT, (x, y) -> x * y), binary("Mul", a, Shape.symbolic("batch", 4), b));
    Nd ia = Nd.randomInts(36, DataType.INT64, -1000, 1000, 2, 3);
    Nd ib = Nd.randomInts(37, DataType.INT64, -1000, 1000, 3);
    assertExact(Nd.zip(ia, ib, DataType.INT64, (x, y) -> x * y), binary("Mul", ia, Shape.symbolic("batch", 3), ib));
  }

  @Test
  @OpTest("Div")
  void divFloatAndInt64() {
    Nd a = Nd.uniform(38, -4, 4, 2, 3, 4);
    Nd b = Nd.uniform(39, 0.25, 2, 3, 1).map(v -> v > 1.2 ? -v : v);
    assertClose(Nd.zip(a, b, DataType.FLOAT, (x, y) -> x / y), binary("Div", a, Shape.symbolic("batch", 3, 4), b));
    // Integer division in ORT is C++ '/': it truncates toward zero (−7 / 2 = −3), unlike floor division.
    Nd ia = Nd.longs(new long[] {2, 4}, -7, 7, -8, 9, 0, -1, 100, -100);
    Nd ib = Nd.longs(new long[] {4}, 2, -2, 3, -4);
    Nd expected = Nd.zip(ia, ib, DataType.INT64, (x, y) -> (double) ((long) x / (long) y));
    assertEquals(-3, expected.data[0]); // sanity check of the reference: truncation, not floor
    assertExact(expected, binary("Div", ia, Shape.symbolic("batch", 4), ib));
  }

  @Test
  @OpTest("Pow")
  void powWithFloatAndInt64Exponents() {
    Nd base = Nd.uniform(40, 0.1, 3, 2, 3, 4);
    Nd expF = Nd.uniform(41, -2.5, 2.5, 3, 1);
    Nd negBase = Nd.uniform(42, -3, 3, 3, 4);
    Nd expI = Nd.longs(new long[] {4}, 0, 1, 2, 3);
    Nd expIneg = Nd.longs(new long[0], -3);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("Pow", c.in("x"), c.in("yf")),
            c.b().op("Pow", c.in("n"), c.in("yi")), c.b().op("Pow", c.in("n"), c.in("yneg"))),
        feed("x", Shape.symbolic("batch", 3, 4), base), feed("yf", expF), feed("n", Shape.symbolic("m", 4), negBase),
        feed("yi", expI), feed("yneg", expIneg));
    assertClose(Nd.zip(base, expF, DataType.FLOAT, Math::pow), out.get(0));
    assertClose(Nd.zip(negBase, expI, DataType.FLOAT, Math::pow), out.get(1));
    assertClose(Nd.zip(negBase, expIneg, DataType.FLOAT, Math::pow), out.get(2));
  }

  // ---- variadic Max and Min ----

  private static void checkVariadic(String op, DoubleBinaryOperator f) {
    Nd a = Nd.uniform(50, -2, 2, 2, 1, 4);
    Nd b = Nd.uniform(51, -2, 2, 3, 1);
    Nd c3 = Nd.uniform(52, -2, 2, 4);
    Nd ia = Nd.randomInts(53, DataType.INT64, -9, 9, 3, 1);
    Nd ib = Nd.randomInts(54, DataType.INT64, -9, 9, 4);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op(op, c.in("a")), c.b().op(op, c.in("a"), c.in("b")),
            c.b().op(op, c.in("a"), c.in("b"), c.in("c")), c.b().op(op, c.in("ia"), c.in("ib"))),
        feed("a", Shape.symbolic("batch", 1, 4), a), feed("b", b), feed("c", c3), feed("ia", ia), feed("ib", ib));
    assertExact(a, out.get(0));
    Nd ab = Nd.zip(a, b, DataType.FLOAT, f);
    assertExact(ab, out.get(1));
    assertExact(Nd.zip(ab, c3, DataType.FLOAT, f), out.get(2));
    assertExact(Nd.zip(ia, ib, DataType.INT64, f), out.get(3));
  }

  @Test
  @OpTest("Max")
  void maxOfOneTwoAndThreeBroadcastInputs() {
    checkVariadic("Max", Math::max);
  }

  @Test
  @OpTest("Min")
  void minOfOneTwoAndThreeBroadcastInputs() {
    checkVariadic("Min", Math::min);
  }

  // ---- comparisons and logic ----

  private static void checkComparison(String op, DoubleBinaryOperator pred) {
    // Small integers (also as floats) so that ties occur.
    Nd fa = Nd.randomInts(60, DataType.FLOAT, -2, 3, 2, 3, 4);
    Nd fb = Nd.randomInts(61, DataType.FLOAT, -2, 3, 3, 1);
    Nd ia = Nd.randomInts(62, DataType.INT64, -2, 3, 4, 3);
    Nd ib = Nd.randomInts(63, DataType.INT64, -2, 3, 3);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op(op, c.in("fa"), c.in("fb")), c.b().op(op, c.in("ia"), c.in("ib"))),
        feed("fa", Shape.symbolic("batch", 3, 4), fa), feed("fb", fb), feed("ia", Shape.symbolic("n", 3), ia),
        feed("ib", ib));
    assertExact(Nd.zip(fa, fb, DataType.BOOL, pred), out.get(0));
    assertExact(Nd.zip(ia, ib, DataType.BOOL, pred), out.get(1));
    // Ties and both outcomes occur, so the check above is not vacuous.
    Nd ties = Nd.zip(fa, fb, DataType.BOOL, (x, y) -> x == y ? 1 : 0);
    assertTrue(Arrays.stream(ties.data).anyMatch(v -> v == 1));
    assertTrue(Arrays.stream(out.get(0).data).anyMatch(v -> v == 1));
    assertTrue(Arrays.stream(out.get(0).data).anyMatch(v -> v == 0));
  }

  @Test
  @OpTest("Equal")
  void equalFloatAndInt64() {
    checkComparison("Equal", (x, y) -> x == y ? 1 : 0);
  }

  @Test
  @OpTest("Less")
  void lessFloatAndInt64() {
    checkComparison("Less", (x, y) -> x < y ? 1 : 0);
  }

  @Test
  @OpTest("Greater")
  void greaterFloatAndInt64() {
    checkComparison("Greater", (x, y) -> x > y ? 1 : 0);
  }

  @Test
  @OpTest("And")
  void andWithBroadcasting() {
    Nd a = Nd.randomInts(64, DataType.BOOL, 0, 2, 2, 1, 3);
    Nd b = Nd.randomInts(65, DataType.BOOL, 0, 2, 4, 1);
    assertExact(Nd.zip(a, b, DataType.BOOL, (x, y) -> x != 0 && y != 0 ? 1 : 0),
        binary("And", a, Shape.symbolic("batch", 1, 3), b));
  }

  @Test
  @OpTest("Where")
  void whereBroadcastsAllThreeInputs() {
    Nd cond = Nd.randomInts(70, DataType.BOOL, 0, 2, 3, 1);
    Nd x = Nd.uniform(71, -1, 1, 1, 4);
    Nd y = Nd.uniform(72, 5, 6, 2, 1, 1);
    Nd icond = Nd.randomInts(73, DataType.BOOL, 0, 2, 3, 4);
    Nd ix = Nd.longs(new long[0], -1);
    Nd iy = Nd.randomInts(74, DataType.INT64, 0, 100, 4);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("Where", c.in("c"), c.in("x"), c.in("y")),
            c.b().op("Where", c.in("ic"), c.in("ix"), c.in("iy"))),
        feed("c", cond), feed("x", x), feed("y", Shape.symbolic("batch", 1, 1), y),
        feed("ic", Shape.symbolic("n", 4), icond), feed("ix", ix), feed("iy", iy));
    assertExact(where(cond, x, y), out.get(0));
    assertExact(where(icond, ix, iy), out.get(1));
  }

  private static Nd where(Nd cond, Nd x, Nd y) {
    long[] s = Nd.broadcastShape(cond.shape, x.shape, y.shape);
    Nd r = Nd.zeros(x.dtype, s);
    for (int i = 0; i < r.size(); i++) {
      long[] idx = Nd.unravel(i, s);
      r.data[i] = cond.broadcastGet(idx) != 0 ? x.broadcastGet(idx) : y.broadcastGet(idx);
    }
    return r;
  }

  @Test
  @OpTest("Clip")
  void clipWithoutBoundsWithMinWithBothAndWithMinLeftOut() {
    Nd x = Nd.uniform(80, -3, 3, 3, 5);
    Nd lo = Nd.floats(new long[0], -1.25);
    Nd hi = Nd.floats(new long[0], 0.5);
    Nd ix = Nd.randomInts(81, DataType.INT64, -20, 20, 6);
    List<Nd> out = OrtOps.run(c -> {
      Value in = c.in("x");
      return List.of(c.b().op("Clip", in),
          c.b().op("Clip", in, c.in("lo")),
          c.b().op("Clip", in, c.in("lo"), c.in("hi")),
          c.b().node("Clip").inputs(in, null, c.in("hi")).build(),
          c.b().op("Clip", c.in("ix"), c.b().constant(TensorData.scalar(-3L)), c.b().constant(TensorData.scalar(4L))));
    }, feed("x", Shape.symbolic("batch", 5), x), feed("lo", lo), feed("hi", hi), feed("ix", ix));
    double l = lo.data[0];
    double h = hi.data[0];
    assertExact(x, out.get(0));
    assertExact(x.map(v -> Math.max(v, l)), out.get(1));
    assertExact(x.map(v -> Math.min(Math.max(v, l), h)), out.get(2));
    assertExact(x.map(v -> Math.min(v, h)), out.get(3));
    assertExact(ix.map(v -> Math.min(Math.max(v, -3), 4)), out.get(4));
  }

  // ---- the builder rejects wrong uses when the node is added ----

  @Test
  void arithmeticRejectsShapesThatDoNotBroadcastAndMixedTypes() {
    String m = rejects(ShapeInferenceException.class, b -> b.node("Sub").name("diff")
        .inputs(b.input("a", DataType.FLOAT, Shape.symbolic("batch", 3, 4)), b.input("b", DataType.FLOAT, Shape.of(5)))
        .build());
    assertMentions(m, "'diff'", "(Sub)", "cannot be broadcast", "4 vs 5");
    m = rejects(ShapeInferenceException.class, b -> b.node("Div").name("ratio")
        .inputs(b.input("a", DataType.FLOAT, Shape.of(3)), b.input("b", DataType.INT64, Shape.of(3))).build());
    assertMentions(m, "'ratio'", "(Div)", "same element type", "float32", "int64");
    m = rejects(ShapeInferenceException.class, b -> b.node("Max").name("mx")
        .inputs(b.input("a", DataType.FLOAT, Shape.of(2, 1)), b.input("b", DataType.FLOAT, Shape.of(3)),
            b.input("c", DataType.FLOAT, Shape.of(4)))
        .build());
    assertMentions(m, "'mx'", "(Max)", "cannot be broadcast", "3 vs 4");
    m = rejects(IllegalArgumentException.class, b -> b.node("Min").name("mn").build());
    assertMentions(m, "'mn'", "(Min)", "takes 1 or more inputs, got 0");
  }

  @Test
  void unaryAndLogicRejectWrongElementTypes() {
    String m = rejects(ShapeInferenceException.class, b -> b.node("Sqrt").name("root")
        .inputs(b.input("x", DataType.INT64, Shape.of(3))).build());
    assertMentions(m, "'root'", "(Sqrt)", "must be one of", "got int64");
    m = rejects(ShapeInferenceException.class, b -> b.node("Not").name("neg")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(3))).build());
    assertMentions(m, "'neg'", "(Not)", "must be one of [bool]", "got float32");
    m = rejects(ShapeInferenceException.class, b -> b.node("Where").name("sel")
        .inputs(b.input("c", DataType.FLOAT, Shape.of(3)), b.input("x", DataType.FLOAT, Shape.of(3)),
            b.input("y", DataType.FLOAT, Shape.of(3)))
        .build());
    assertMentions(m, "'sel'", "(Where)", "condition", "got float32");
    m = rejects(ShapeInferenceException.class, b -> b.node("Equal").name("eq")
        .inputs(b.input("a", DataType.FLOAT, Shape.of(3)), b.input("b", DataType.INT64, Shape.of(3))).build());
    assertMentions(m, "'eq'", "(Equal)", "same element type");
  }

  @Test
  void castAndClipRejectBadAttributesAndBounds() {
    String m = rejects(ShapeInferenceException.class, b -> b.node("Cast").name("conv")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(3))).attr("to", 9999L).build());
    assertMentions(m, "'conv'", "(Cast)", "'to' = 9999", "not an ONNX data type");
    m = rejects(IllegalArgumentException.class, b -> b.node("Cast").name("conv")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(3))).build());
    assertMentions(m, "'conv'", "(Cast)", "attribute 'to'", "is required");
    m = rejects(ShapeInferenceException.class, b -> b.node("Clip").name("clamp")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(3)), b.constant(TensorData.vector(0f, 1f))).build());
    assertMentions(m, "'clamp'", "(Clip)", "input 1 (min) must be a scalar", "[2]");
    m = rejects(ShapeInferenceException.class, b -> b.node("Clip").name("clamp")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(3)), null, b.constant(TensorData.scalar(1L))).build());
    assertMentions(m, "'clamp'", "(Clip)", "same element type", "<none>");
  }
}
