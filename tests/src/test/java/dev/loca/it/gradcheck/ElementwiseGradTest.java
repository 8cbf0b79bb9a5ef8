package dev.loca.it.gradcheck;

import static dev.loca.it.gradcheck.GradCheck.awayFrom;
import static dev.loca.it.gradcheck.GradCheck.check;
import static dev.loca.it.gradcheck.GradCheck.fixed;
import static dev.loca.it.gradcheck.GradCheck.wrt;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.autodiff.Backprop;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.it.ops.Nd;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of element-wise rules, both flavours, with broadcasting. */
class ElementwiseGradTest {

  private static final double[] ZERO = {0};

  @Test
  @GradTest({"Add", "Mul"})
  void addAndMulWithBroadcasting() {
    check(c -> List.of(c.b().op("Mul", c.b().op("Add", c.in("a"), c.in("b")), c.in("c"))),
        wrt("a", Shape.symbolic("batch", 3), Nd.uniform(1, -1, 1, 2, 3)),
        wrt("b", Nd.uniform(2, -1, 1, 3)),
        wrt("c", Nd.uniform(3, -1, 1, 2, 1)));
  }

  @Test
  @GradTest("Relu")
  void relu() {
    check(c -> List.of(c.b().op("Relu", c.in("x"))),
        wrt("x", awayFrom(4, -2, 2, 0.05, ZERO, 3, 4)));
  }

  @Test
  @GradTest("Sub")
  void subWithBroadcastingAndSymbolicBatch() {
    check(c -> List.of(c.b().op("Sub", c.in("a"), c.in("b")), c.b().op("Sub", c.in("b"), c.in("c"))),
        wrt("a", Shape.symbolic("batch", 3), Nd.uniform(5, -1, 1, 2, 3)),
        wrt("b", Nd.uniform(6, -1, 1, 3)),
        wrt("c", Nd.uniform(7, -1, 1, 2, 1)));
  }

  @Test
  @GradTest("Sub")
  void subWithOneSideFixed() {
    check(c -> List.of(c.b().op("Sub", c.in("a"), c.in("b"))),
        fixed("a", Nd.uniform(8, -1, 1, 2, 3)),
        wrt("b", Nd.uniform(9, -1, 1, 2, 1)));
  }

  @Test
  @GradTest("Div")
  void divBothInputsWithBroadcasting() {
    // numerator broadcast into the denominator's shape and the other way round; denominators away from 0
    check(c -> List.of(c.b().op("Div", c.in("a"), c.in("b")), c.b().op("Div", c.in("n"), c.in("a"))),
        wrt("a", Shape.symbolic("batch", 3), awayFrom(10, -1.5, 1.5, 0.4, ZERO, 2, 3)),
        wrt("b", awayFrom(11, -1.5, 1.5, 0.5, ZERO, 2, 1)),
        wrt("n", Nd.uniform(12, -1, 1, 3)));
  }

  @Test
  @GradTest("Div")
  void divWithFixedDenominator() {
    check(c -> List.of(c.b().op("Div", c.in("a"), c.in("b"))),
        wrt("a", Nd.uniform(13, -1, 1, 2, 3)),
        fixed("b", Nd.uniform(14, 0.5, 1.5, 3)));
  }

  @Test
  @GradTest({"Neg", "Identity"})
  void negAndIdentity() {
    check(c -> List.of(c.b().op("Mul", c.b().op("Neg", c.in("x")), c.b().op("Identity", c.in("x")))),
        wrt("x", Nd.uniform(15, -1, 1, 2, 3)));
  }

  @Test
  @GradTest("Pow")
  void powBaseAndFloatExponentWithBroadcasting() {
    check(c -> List.of(c.b().op("Pow", c.in("x"), c.in("p"))),
        wrt("x", Nd.uniform(16, 0.5, 2, 2, 3)),
        wrt("p", Nd.uniform(17, -1.5, 2.5, 3)));
  }

  @Test
  @GradTest("Pow")
  void powFloatExponentBroadcastAgainstScalarBase() {
    check(c -> List.of(c.b().op("Pow", c.in("x"), c.in("p"))),
        wrt("x", Nd.uniform(18, 0.5, 2, 3)),
        wrt("p", Nd.uniform(19, -1, 2, 2, 3)));
  }

  @Test
  @GradTest("Pow")
  void powExponentOnlyWithFixedBase() {
    check(c -> List.of(c.b().op("Pow", c.in("x"), c.in("p"))),
        fixed("x", Nd.uniform(47, 0.5, 2, 2, 1)),
        wrt("p", Nd.uniform(48, -1.5, 2, 2, 3)));
  }

  @Test
  @GradTest("Pow")
  void powWithFixedIntegerExponentOnNegativeBase() {
    check(c -> List.of(c.b().op("Pow", c.in("x"), c.in("p"))),
        wrt("x", awayFrom(20, -2, 2, 0.2, ZERO, 2, 3)),
        fixed("p", Nd.longs(new long[] {3}, 2, 3, 1)));
  }

  @Test
  @GradTest("Pow")
  void powWithConstantFloatExponent() {
    check(c -> List.of(c.b().op("Pow", c.in("x"), c.b().scalar(-1.5f))),
        wrt("x", Nd.uniform(21, 0.5, 2, 2, 3)));
  }

  @Test
  @GradTest({"Sqrt", "Reciprocal", "Log"})
  void sqrtReciprocalLogOnPositiveValues() {
    check(c -> List.of(c.b().op("Sqrt", c.in("x")), c.b().op("Reciprocal", c.in("x")), c.b().op("Log", c.in("x"))),
        wrt("x", Nd.uniform(22, 0.5, 2, 2, 3)));
  }

  @Test
  @GradTest("Reciprocal")
  void reciprocalOnNegativeValues() {
    check(c -> List.of(c.b().op("Reciprocal", c.in("x"))),
        wrt("x", Nd.uniform(23, -2, -0.5, 2, 3)));
  }

  @Test
  @GradTest({"Exp", "Tanh", "Sigmoid", "Erf"})
  void smoothUnaryOps() {
    check(c -> List.of(c.b().op("Exp", c.in("x")), c.b().op("Tanh", c.in("x")), c.b().op("Sigmoid", c.in("x")),
            c.b().op("Erf", c.in("x"))),
        wrt("x", Nd.uniform(24, -2, 2, 2, 3)));
  }

  @Test
  @GradTest({"Tanh", "Sigmoid"})
  void tanhAndSigmoidWithSymbolicBatch() {
    // the fused flavour's TanhGrad/SigmoidGrad take (dY, Y); a swapped order would give y(1-y^2)-like values
    check(c -> List.of(c.b().op("Tanh", c.b().op("Sigmoid", c.in("x")))),
        wrt("x", Shape.symbolic("batch", 3), Nd.uniform(25, -3, 3, 2, 3)));
  }

  @Test
  @GradTest("Abs")
  void absAwayFromZero() {
    check(c -> List.of(c.b().op("Abs", c.in("x"))),
        wrt("x", awayFrom(26, -2, 2, 0.05, ZERO, 3, 4)));
  }

  @Test
  @GradTest("Cast")
  void castFloatToDoubleAndBack() {
    check(c -> {
      GraphBuilder b = c.b();
      Value d = b.node("Cast").inputs(c.in("x")).attr("to", (long) DataType.DOUBLE.onnxCode()).build();
      Value e = b.op("Exp", d);
      return List.of(b.node("Cast").inputs(e).attr("to", (long) DataType.FLOAT.onnxCode()).build());
    }, wrt("x", Nd.uniform(27, -1, 1, 2, 3)));
  }

  @Test
  @GradTest("Cast")
  void castFloatToFloat() {
    check(c -> List.of(c.b().op("Mul",
            c.b().node("Cast").inputs(c.in("x")).attr("to", (long) DataType.FLOAT.onnxCode()).build(), c.in("x"))),
        wrt("x", Nd.uniform(28, -1, 1, 2, 3)));
  }

  @Test
  @GradTest("Cast")
  void castThroughIntegerCarriesNoGradient() {
    // y = float(int64(x)) * x: the path through int64 is piecewise constant, so dy/dx = trunc(x) (x away
    // from integers); the int64 value gets no gradient
    check(c -> {
      GraphBuilder b = c.b();
      Value i = b.node("Cast").inputs(c.in("x")).attr("to", (long) DataType.INT64.onnxCode()).build();
      Value f = b.node("Cast").inputs(i).attr("to", (long) DataType.FLOAT.onnxCode()).build();
      return List.of(b.op("Mul", f, c.in("x")));
    }, wrt("x", awayFrom(29, -2.5, 2.5, 0.1, new double[] {-2, -1, 0, 1, 2}, 2, 3)));
  }

  @Test
  @GradTest("Cast")
  void castOfFixedIntegerInput() {
    check(c -> List.of(c.b().op("Mul",
            c.b().node("Cast").inputs(c.in("n")).attr("to", (long) DataType.FLOAT.onnxCode()).build(), c.in("x"))),
        wrt("x", Nd.uniform(30, -1, 1, 2, 3)),
        fixed("n", Nd.randomInts(31, DataType.INT64, -3, 4, 3)));
  }

  @Test
  @GradTest("Where")
  void whereWithBroadcasting() {
    check(c -> List.of(c.b().op("Where", c.in("cond"), c.in("x"), c.in("y"))),
        fixed("cond", Nd.bools(new long[] {2, 3}, true, false, true, false, false, true)),
        wrt("x", Nd.uniform(32, -1, 1, 3)),
        wrt("y", Nd.uniform(33, -1, 1, 2, 1)));
  }

  @Test
  @GradTest("Where")
  void whereWithBroadcastConditionAndSymbolicBatch() {
    check(c -> List.of(c.b().op("Where", c.in("cond"), c.in("x"), c.in("y"))),
        fixed("cond", Nd.bools(new long[] {3}, false, true, true)),
        wrt("x", Shape.symbolic("batch", 3), Nd.uniform(34, -1, 1, 2, 3)),
        wrt("y", Nd.uniform(35, -1, 1, 2, 3)));
  }

  @Test
  @GradTest("Clip")
  void clipWithConstantMinOnly() {
    check(c -> List.of(c.b().node("Clip").inputs(c.in("x"), c.b().scalar(-0.5f)).build()),
        wrt("x", awayFrom(36, -2, 2, 0.05, new double[] {-0.5}, 3, 4)));
  }

  @Test
  @GradTest("Clip")
  void clipWithConstantMinAndMax() {
    check(c -> List.of(c.b().node("Clip").inputs(c.in("x"), c.b().scalar(-0.5f), c.b().scalar(0.7f)).build()),
        wrt("x", awayFrom(37, -2, 2, 0.05, new double[] {-0.5, 0.7}, 3, 4)));
  }

  @Test
  @GradTest("Clip")
  void clipWithConstantMaxOnly() {
    check(c -> List.of(c.b().node("Clip").inputs(c.in("x"), null, c.b().scalar(0.3f)).build()),
        wrt("x", awayFrom(38, -2, 2, 0.05, new double[] {0.3}, 3, 4)));
  }

  @Test
  @GradTest("Clip")
  void clipWithDifferentiatedBounds() {
    // the bounds get the gradient of the elements they clip
    check(c -> List.of(c.b().node("Clip").inputs(c.in("x"), c.in("lo"), c.in("hi")).build()),
        wrt("x", awayFrom(39, -2, 2, 0.05, new double[] {-0.5, 0.7}, 3, 4)),
        wrt("lo", Nd.floats(new long[0], -0.5)),
        wrt("hi", Nd.floats(new long[0], 0.7)));
  }

  @Test
  @GradTest({"Max", "Min"})
  void maxAndMinOfTwoWithBroadcasting() {
    check(c -> List.of(c.b().op("Max", c.in("a"), c.in("b")), c.b().op("Min", c.in("a"), c.in("b"))),
        wrt("a", apart(40, 0, 2, 3)),
        wrt("b", apart(41, 1, 3)));
  }

  @Test
  @GradTest({"Max", "Min"})
  void maxAndMinOfThreeWithBroadcasting() {
    check(c -> List.of(c.b().op("Max", c.in("a"), c.in("b"), c.in("c")),
            c.b().op("Min", c.in("a"), c.in("b"), c.in("c"))),
        wrt("a", Shape.symbolic("batch", 3), apart(42, 0, 2, 3)),
        wrt("b", apart(43, 1, 3)),
        wrt("c", apart(44, 2, 2, 1)));
  }

  @Test
  @GradTest("Max")
  void maxWithAFixedInput() {
    check(c -> List.of(c.b().op("Max", c.in("a"), c.in("b"))),
        fixed("a", apart(45, 0, 2, 3)),
        wrt("b", apart(46, 1, 2, 1)));
  }

  @Test
  void unknownRankBroadcastFailsClearly() {
    // the engine cannot tell which axes to sum when an input of a broadcasting op has unknown rank
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.unknownRank());
    Value w = b.input("w", DataType.FLOAT, Shape.of(3));
    Value y = b.op("Reshape", b.op("Mul", x, w), b.longs(-1));
    Value loss = b.node("ReduceSum").inputs(y).attr("keepdims", 0L).build();
    b.output("loss", loss);
    Graph g = b.build();
    for (Flavour f : Flavour.values()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> Backprop.differentiate(g, g.outputs().get(0), List.of(w), f));
      assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("ranks unknown"), e.getMessage());
    }
  }

  /**
   * Floats on the grid {@code 0.3 k + 0.1 offset}, k in [-5, 5): inputs made with different offsets
   * differ by at least 0.1 everywhere, far more than the finite-difference step, so Max/Min have no ties.
   */
  private static Nd apart(long seed, int offset, long... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[(int) Nd.count(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = 0.3 * r.nextInt(-5, 5) + 0.1 * offset;
    }
    return Nd.floats(shape, d);
  }
}
