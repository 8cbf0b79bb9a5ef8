package dev.loca.it.gradcheck;

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
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the MatMul and Gemm rules, both flavours. */
class LinalgGradTest {

  private static Value matMul(GradCheck.Ctx c) {
    return c.b().op("MatMul", c.in("a"), c.in("b"));
  }

  @Test
  @GradTest("MatMul")
  void matMul2d() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(1, -1, 1, 3, 4)),
        wrt("b", Nd.uniform(2, -1, 1, 4, 5)));
  }

  @Test
  @GradTest("MatMul")
  void matMul2dWithOneOperandFixed() {
    check(c -> List.of(matMul(c)),
        fixed("a", Nd.uniform(3, -1, 1, 3, 4)),
        wrt("b", Nd.uniform(4, -1, 1, 4, 5)));
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(5, -1, 1, 3, 4)),
        fixed("b", Nd.uniform(6, -1, 1, 4, 5)));
  }

  @Test
  @GradTest("MatMul")
  void matMulBatchedTimesMatrix() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(7, -1, 1, 2, 3, 4)),
        wrt("b", Nd.uniform(8, -1, 1, 4, 5)));
  }

  @Test
  @GradTest("MatMul")
  void matMulRank4BatchedTimesMatrix() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(41, -1, 1, 2, 2, 3, 4)),
        wrt("b", Nd.uniform(42, -1, 1, 4, 5)));
    check(c -> List.of(matMul(c)),
        fixed("a", Nd.uniform(43, -1, 1, 3, 1, 4)),
        wrt("b", Nd.uniform(44, -1, 1, 4, 2)));
  }

  @Test
  @GradTest("MatMul")
  void matMulMatrixTimesBatched() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(9, -1, 1, 3, 4)),
        wrt("b", Nd.uniform(10, -1, 1, 2, 4, 5)));
  }

  @Test
  @GradTest("MatMul")
  void matMulBroadcastBatchDims() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(11, -1, 1, 1, 3, 4)),
        wrt("b", Nd.uniform(12, -1, 1, 2, 4, 5)));
  }

  @Test
  @GradTest("MatMul")
  void matMulRank4WithBroadcastOnBothSides() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(13, -1, 1, 2, 1, 2, 3)),
        wrt("b", Nd.uniform(14, -1, 1, 1, 2, 3, 2)));
  }

  @Test
  @GradTest("MatMul")
  void matMulVectorOnTheLeft() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(15, -1, 1, 4)),
        wrt("b", Nd.uniform(16, -1, 1, 4, 5)));
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(17, -1, 1, 4)),
        wrt("b", Nd.uniform(18, -1, 1, 2, 4, 3)));
  }

  @Test
  @GradTest("MatMul")
  void matMulVectorOnTheRight() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(19, -1, 1, 3, 4)),
        wrt("b", Nd.uniform(20, -1, 1, 4)));
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(21, -1, 1, 2, 3, 4)),
        wrt("b", Nd.uniform(22, -1, 1, 4)));
  }

  @Test
  @GradTest("MatMul")
  void matMulVectorTimesVector() {
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(23, -1, 1, 4)),
        wrt("b", Nd.uniform(24, -1, 1, 4)));
  }

  @Test
  @GradTest("MatMul")
  void matMulSymbolicBatch() {
    check(c -> List.of(matMul(c)),
        wrt("a", Shape.symbolic("batch", 3, 4), Nd.uniform(25, -1, 1, 2, 3, 4)),
        wrt("b", Nd.uniform(26, -1, 1, 4, 5)));
    check(c -> List.of(matMul(c)),
        wrt("a", Shape.symbolic("batch", 3, 4), Nd.uniform(27, -1, 1, 2, 3, 4)),
        wrt("b", Shape.symbolic("batch", 4, 5), Nd.uniform(28, -1, 1, 2, 4, 5)));
  }

  @Test
  @GradTest("MatMul")
  void matMulSymbolicBatchAgainstBroadcastBatch() {
    check(c -> List.of(matMul(c)),
        wrt("a", Shape.symbolic("batch", 3, 4), Nd.uniform(29, -1, 1, 2, 3, 4)),
        wrt("b", Nd.uniform(30, -1, 1, 1, 4, 5)));
    check(c -> List.of(matMul(c)),
        wrt("a", Nd.uniform(31, -1, 1, 4)),
        wrt("b", Shape.symbolic("batch", 4, 5), Nd.uniform(32, -1, 1, 2, 4, 5)));
  }

  @Test
  @GradTest("Gemm")
  void gemmAllTranspositionsWithAlphaBeta() {
    long m = 3;
    long k = 4;
    long n = 2;
    int seed = 40;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        check(c -> List.of(gemm(c, ta, tb, 0.7f, -1.3f)),
            wrt("a", Nd.uniform(seed++, -1, 1, ta ? new long[] {k, m} : new long[] {m, k})),
            wrt("b", Nd.uniform(seed++, -1, 1, tb ? new long[] {n, k} : new long[] {k, n})),
            wrt("c", Nd.uniform(seed++, -1, 1, m, n)));
      }
    }
  }

  @Test
  @GradTest("Gemm")
  void gemmWithRowVectorBias() {
    check(c -> List.of(gemm(c, false, true, 1.5f, 0.5f)),
        wrt("a", Nd.uniform(50, -1, 1, 3, 4)),
        wrt("b", Nd.uniform(51, -1, 1, 2, 4)),
        wrt("c", Nd.uniform(52, -1, 1, 2)));
  }

  @Test
  @GradTest("Gemm")
  void gemmWithColumnBias() {
    check(c -> List.of(gemm(c, true, false, -0.8f, 2f)),
        wrt("a", Nd.uniform(53, -1, 1, 4, 3)),
        wrt("b", Nd.uniform(54, -1, 1, 4, 2)),
        wrt("c", Nd.uniform(55, -1, 1, 3, 1)));
  }

  @Test
  @GradTest("Gemm")
  void gemmWithScalarBias() {
    check(c -> List.of(gemm(c, false, false, 1f, 0.25f)),
        wrt("a", Nd.uniform(56, -1, 1, 3, 4)),
        wrt("b", Nd.uniform(57, -1, 1, 4, 2)),
        wrt("c", Nd.floats(new long[0], 0.3)));
  }

  @Test
  @GradTest("Gemm")
  void gemmWithFixedBias() {
    check(c -> List.of(gemm(c, true, true, 0.5f, 3f)),
        wrt("a", Nd.uniform(58, -1, 1, 4, 3)),
        wrt("b", Nd.uniform(59, -1, 1, 2, 4)),
        fixed("c", Nd.uniform(60, -1, 1, 3, 2)));
  }

  @Test
  @GradTest("Gemm")
  void gemmWithoutBias() {
    for (boolean ta : new boolean[] {false, true}) {
      check(c -> List.of(c.b().node("Gemm").inputs(c.in("a"), c.in("b")).attr("transA", ta ? 1L : 0L)
              .attr("alpha", 2.5f).build()),
          wrt("a", Nd.uniform(61, -1, 1, ta ? new long[] {4, 3} : new long[] {3, 4})),
          wrt("b", Nd.uniform(62, -1, 1, 4, 2)));
    }
  }

  @Test
  @GradTest("Gemm")
  void gemmWithOneOperandFixed() {
    check(c -> List.of(gemm(c, false, true, 0.7f, 1f)),
        fixed("a", Nd.uniform(63, -1, 1, 3, 4)),
        wrt("b", Nd.uniform(64, -1, 1, 2, 4)),
        wrt("c", Nd.uniform(65, -1, 1, 2)));
    check(c -> List.of(gemm(c, true, false, 0.7f, 1f)),
        wrt("a", Nd.uniform(66, -1, 1, 4, 3)),
        fixed("b", Nd.uniform(67, -1, 1, 4, 2)),
        wrt("c", Nd.uniform(68, -1, 1, 3, 2)));
  }

  @Test
  void matMulOfUnknownRankFailsClearly() {
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value a = b.input("a", DataType.FLOAT, Shape.unknownRank());
    Value w = b.input("w", DataType.FLOAT, Shape.of(4, 5));
    Value y = b.op("Reshape", b.op("MatMul", a, w), b.longs(-1));
    b.output("loss", b.node("ReduceSum").inputs(y).attr("keepdims", 0L).build());
    Graph g = b.build();
    for (Flavour f : Flavour.values()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Backprop.differentiate(g, g.outputs().get(0), List.of(w), f));
      assertTrue(e.getMessage().contains("MatMul") && e.getMessage().contains("unknown rank"), e.getMessage());
    }
  }

  private static Value gemm(GradCheck.Ctx c, boolean ta, boolean tb, float alpha, float beta) {
    return c.b().node("Gemm").inputs(c.in("a"), c.in("b"), c.in("c")).attr("alpha", alpha).attr("beta", beta)
        .attr("transA", ta ? 1L : 0L).attr("transB", tb ? 1L : 0L).build();
  }
}
