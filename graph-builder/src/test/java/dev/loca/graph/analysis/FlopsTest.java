package dev.loca.graph.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlopsTest {

  @Test
  void countsProductsByHand() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3, 8, 8));
    Value w = b.parameter("w", Shape.of(5, 3, 4, 4), Init.zeros());
    Value y = b.node("Conv").inputs(x, w).ints("strides", 4, 4).build();
    Value t = b.op("Reshape", y, b.longs(2, 5, 4));
    Value m = b.op("MatMul", b.node("Transpose").inputs(t).ints("perm", 0, 2, 1).build(),
        b.parameter("m", Shape.of(5, 7), Init.zeros()));
    Value g = b.node("Gemm").inputs(b.op("Reshape", m, b.longs(8, 7)), b.parameter("g", Shape.of(6, 7), Init.zeros()))
        .attr("transB", 1L).build();
    b.output(g);
    // conv: output 2·5·2·2 elements, each 3·4·4 MACs; matmul: [2,4,7] outputs, K = 5; gemm: [8,6], K = 7
    assertEquals(Map.of("Conv", 2L * 40 * 48, "MatMul", 2L * 56 * 5, "Gemm", 2L * 48 * 7), Flops.byOp(b.build()));
    assertEquals(2L * 40 * 48 + 2L * 56 * 5 + 2L * 48 * 7, Flops.count(b.build()));
  }

  @Test
  void symbolicShapesAreRefused() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", 3));
    b.output(b.op("MatMul", x, b.parameter("w", Shape.of(3, 2), Init.zeros())));
    assertThrows(IllegalArgumentException.class, () -> Flops.count(b.build()));
  }
}
