package dev.loca.it.gradcheck;

import static dev.loca.it.gradcheck.GradCheck.check;
import static dev.loca.it.gradcheck.GradCheck.wrt;

import dev.loca.graph.ir.Shape;
import dev.loca.it.ops.Nd;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of element-wise rules, both flavours, with broadcasting. */
class ElementwiseGradTest {

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
        wrt("x", GradCheck.awayFrom(4, -2, 2, 0.05, new double[] {0}, 3, 4)));
  }
}
