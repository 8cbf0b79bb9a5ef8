package dev.loca.it.ops;

import static dev.loca.it.ops.OrtOps.assertClose;
import static dev.loca.it.ops.OrtOps.feed;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import java.util.List;
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
}
