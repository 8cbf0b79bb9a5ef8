package dev.loca.it.gradcheck;

import static dev.loca.it.gradcheck.GradCheck.check;
import static dev.loca.it.gradcheck.GradCheck.fixed;
import static dev.loca.it.gradcheck.GradCheck.wrt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.autodiff.Backprop;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.NodeBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.it.ops.Nd;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of the rules of the com.microsoft forward ops Gelu, FastGelu, BiasGelu and
 * FusedMatMul, both flavours: the fused one through ORT's GeluGrad, FastGeluGrad, BiasGeluGrad_dX,
 * BiasFastGeluGrad_dX and FusedMatMul kernels, the portable one in plain ai.onnx ops.
 */
class ContribGradTest {

  private static final String MS = OpsetId.MICROSOFT;

  private static NodeBuilder ms(GradCheck.Ctx c, String op) {
    return c.b().node(MS, op);
  }

  @Test
  @GradTest("com.microsoft::Gelu")
  void geluWithSymbolicBatch() {
    check(c -> List.of(ms(c, "Gelu").inputs(c.in("x")).build()),
        wrt("x", Shape.symbolic("batch", 3, 4), Nd.uniform(1, -3, 3, 2, 3, 4)));
  }

  @Test
  @GradTest("com.microsoft::Gelu")
  void geluOfAScaledInputAndReusedOutput() {
    // the gradient reaches x through Mul before and fans out after the Gelu
    check(c -> {
      Value y = ms(c, "Gelu").inputs(c.b().op("Mul", c.in("x"), c.in("s"))).build();
      return List.of(c.b().op("Mul", y, y));
    }, wrt("x", Nd.uniform(2, -2, 2, 4, 5)), wrt("s", Nd.uniform(3, 0.5, 1.5, 5)));
  }

  @Test
  @GradTest("com.microsoft::FastGelu")
  void fastGeluWithoutBiasSymbolicBatch() {
    check(c -> List.of(ms(c, "FastGelu").inputs(c.in("x")).build()),
        wrt("x", Shape.symbolic("batch", 3, 4), Nd.uniform(4, -3, 3, 2, 3, 4)));
  }

  @Test
  @GradTest("com.microsoft::FastGelu")
  void fastGeluWithBiasBothDifferentiated() {
    // the bias gradient is dX summed over the batch and sequence axes (done by the engine)
    check(c -> List.of(ms(c, "FastGelu").inputs(c.in("x"), c.in("bias")).build()),
        wrt("x", Shape.symbolic("batch", 3, 4), Nd.uniform(5, -3, 3, 2, 3, 4)),
        wrt("bias", Nd.uniform(6, -1, 1, 4)));
  }

  @Test
  @GradTest("com.microsoft::FastGelu")
  void fastGeluWithFixedBias() {
    check(c -> List.of(ms(c, "FastGelu").inputs(c.in("x"), c.in("bias")).build()),
        wrt("x", Nd.uniform(7, -3, 3, 3, 5)),
        fixed("bias", Nd.uniform(8, -1, 1, 5)));
  }

  @Test
  @GradTest("com.microsoft::FastGelu")
  void fastGeluBiasOnlyWithFixedInput() {
    check(c -> List.of(ms(c, "FastGelu").inputs(c.in("x"), c.in("bias")).build()),
        fixed("x", Nd.uniform(9, -3, 3, 2, 2, 3)),
        wrt("bias", Nd.uniform(10, -1, 1, 3)));
  }

  @Test
  @GradTest("com.microsoft::BiasGelu")
  void biasGeluBothDifferentiatedSymbolicBatch() {
    check(c -> List.of(ms(c, "BiasGelu").inputs(c.in("a"), c.in("b")).build()),
        wrt("a", Shape.symbolic("batch", 2, 5), Nd.uniform(11, -2, 2, 3, 2, 5)),
        wrt("b", Nd.uniform(12, -1, 1, 5)));
  }

  @Test
  @GradTest("com.microsoft::BiasGelu")
  void biasGeluWithOneSideFixed() {
    check(c -> List.of(ms(c, "BiasGelu").inputs(c.in("a"), c.in("b")).build()),
        wrt("a", Nd.uniform(13, -2, 2, 4, 3)),
        fixed("b", Nd.uniform(14, -1, 1, 3)));
    check(c -> List.of(ms(c, "BiasGelu").inputs(c.in("a"), c.in("b")).build()),
        fixed("a", Nd.uniform(15, -2, 2, 4, 3)),
        wrt("b", Nd.uniform(16, -1, 1, 3)));
  }

  @Test
  @GradTest("com.microsoft::FusedMatMul")
  void fusedMatMulAllTransposeFlagsWithAlpha() {
    // A' = [3, 4], B' = [4, 2] in each of the four layouts
    Nd a = Nd.uniform(17, -1, 1, 3, 4);
    Nd at = Nd.uniform(18, -1, 1, 4, 3);
    Nd b = Nd.uniform(19, -1, 1, 4, 2);
    Nd bt = Nd.uniform(20, -1, 1, 2, 4);
    for (int ta = 0; ta < 2; ta++) {
      for (int tb = 0; tb < 2; tb++) {
        long fa = ta;
        long fb = tb;
        check(c -> List.of(ms(c, "FusedMatMul").inputs(c.in("a"), c.in("b")).attr("alpha", 0.75f)
                .attr("transA", fa).attr("transB", fb).build()),
            wrt("a", fa == 1 ? at : a), wrt("b", fb == 1 ? bt : b));
      }
    }
  }

  @Test
  @GradTest("com.microsoft::FusedMatMul")
  void fusedMatMulBatchedAgainstSharedWeightSymbolicBatch() {
    // A [batch, 3, 4] transposed per batch, B [2, 4] shared and transposed: dB sums over the batch
    check(c -> List.of(ms(c, "FusedMatMul").inputs(c.in("a"), c.in("b")).attr("transA", 1L).attr("transB", 1L)
            .attr("alpha", -1.5f).build()),
        wrt("a", Shape.symbolic("batch", 4, 3), Nd.uniform(21, -1, 1, 2, 4, 3)),
        wrt("b", Nd.uniform(22, -1, 1, 2, 4)));
  }

  @Test
  @GradTest("com.microsoft::FusedMatMul")
  void fusedMatMulBroadcastBatchAxesAndDefaults() {
    // A [2, 1, 3, 4] against B [3, 4, 5]: batch [2, 3], both operands reduced back by the engine
    check(c -> List.of(ms(c, "FusedMatMul").inputs(c.in("a"), c.in("b")).build()),
        wrt("a", Nd.uniform(23, -1, 1, 2, 1, 3, 4)),
        wrt("b", Nd.uniform(24, -1, 1, 3, 4, 5)));
  }

  @Test
  @GradTest("com.microsoft::FusedMatMul")
  void fusedMatMulWithAFixedOperand() {
    check(c -> List.of(ms(c, "FusedMatMul").inputs(c.in("a"), c.in("b")).attr("transB", 1L).build()),
        fixed("a", Nd.uniform(25, -1, 1, 2, 3, 4)),
        wrt("b", Nd.uniform(26, -1, 1, 5, 4)));
    check(c -> List.of(ms(c, "FusedMatMul").inputs(c.in("a"), c.in("b")).attr("transA", 1L).build()),
        wrt("a", Nd.uniform(27, -1, 1, 4, 3)),
        fixed("b", Nd.uniform(28, -1, 1, 2, 4, 5)));
  }

  @Test
  @GradTest("com.microsoft::FusedMatMul")
  void fusedMatMulWithVectorOperands() {
    // ORT ignores transA / transB on a 1-D operand; the other operand's flag still applies
    check(c -> List.of(ms(c, "FusedMatMul").inputs(c.in("v"), c.in("b")).attr("transA", 1L).attr("transB", 1L)
            .attr("alpha", 2f).build()),
        wrt("v", Nd.uniform(29, -1, 1, 4)),
        wrt("b", Nd.uniform(30, -1, 1, 2, 3, 4)));
    check(c -> List.of(ms(c, "FusedMatMul").inputs(c.in("a"), c.in("v")).attr("alpha", 0.5f).build()),
        wrt("a", Shape.symbolic("batch", 3, 4), Nd.uniform(31, -1, 1, 2, 3, 4)),
        wrt("v", Nd.uniform(32, -1, 1, 4)));
  }

  @Test
  void fusedMatMulWithTransAAndAVectorBIsRefusedClearly() {
    // ORT's CPU kernel computes reshape(A, [..., M, K]) · B here, not A^T · B: no rule can match the op
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value a = b.input("a", DataType.FLOAT, Shape.symbolic("batch", 4, 3));
    Value v = b.input("v", DataType.FLOAT, Shape.of(4));
    Value y = b.node(MS, "FusedMatMul").name("fmm").inputs(a, v).attr("transA", 1L).build();
    b.output("loss", b.node("ReduceSum").inputs(y).attr("keepdims", 0L).build());
    Graph g = b.build();
    for (Flavour f : Flavour.values()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Backprop.differentiate(g, g.outputs().get(0), List.of(a, v), f));
      assertTrue(e.getMessage().contains("'fmm'") && e.getMessage().contains("transA=1 with a 1-D B"),
          e.getMessage());
    }
  }

  @Test
  @GradTest({"com.microsoft::FusedMatMul", "com.microsoft::FastGelu", "com.microsoft::BiasGelu"})
  void vitMlpBlockOfContribOps() {
    // x [batch, 3, 4] -> FusedMatMul(w1^T) + FastGelu(bias) -> FusedMatMul(w2^T) -> BiasGelu
    check(c -> {
      Value h = ms(c, "FusedMatMul").inputs(c.in("x"), c.in("w1")).attr("transB", 1L).build();
      Value a = ms(c, "FastGelu").inputs(h, c.in("b1")).build();
      Value o = ms(c, "FusedMatMul").inputs(a, c.in("w2")).attr("transB", 1L).build();
      return List.of(ms(c, "BiasGelu").inputs(o, c.in("b2")).build());
    },
        wrt("x", Shape.symbolic("batch", 3, 4), Nd.uniform(33, -1, 1, 2, 3, 4)),
        wrt("w1", Nd.uniform(34, -1, 1, 6, 4)),
        wrt("b1", Nd.uniform(35, -0.5, 0.5, 6)),
        wrt("w2", Nd.uniform(36, -1, 1, 4, 6)),
        wrt("b2", Nd.uniform(37, -0.5, 0.5, 4)));
  }

  @Test
  void fusedFlavourUsesOrtKernelsAndPortableOnlyOnnx() {
    GraphBuilder b = new GraphBuilder("mlp", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", 3, 4));
    Value w = b.input("w", DataType.FLOAT, Shape.of(4, 4));
    Value bias = b.input("bias", DataType.FLOAT, Shape.of(4));
    Value h = b.node(MS, "FusedMatMul").inputs(x, w).attr("transB", 1L).build();
    Value y = b.op("Add", b.op("Add", b.node(MS, "Gelu").inputs(h).build(),
        b.node(MS, "FastGelu").inputs(h).build()), b.op("Add", b.node(MS, "FastGelu").inputs(h, bias).build(),
        b.node(MS, "BiasGelu").inputs(h, bias).build()));
    b.output("loss", b.node("ReduceSum").inputs(y).attr("keepdims", 0L).build());
    Graph g = b.build();
    int forward = g.nodes().size();
    assertEquals(Set.of("com.microsoft::BiasFastGeluGrad_dX", "com.microsoft::BiasGeluGrad_dX",
            "com.microsoft::FastGeluGrad", "com.microsoft::FusedMatMul", "com.microsoft::GeluGrad"),
        backwardContribOps(g, forward, Flavour.FUSED, List.of(x, w, bias)));
    assertEquals(Set.of(), backwardContribOps(g, forward, Flavour.PORTABLE, List.of(x, w, bias)));
  }

  private static Set<String> backwardContribOps(Graph g, int forward, Flavour f, List<Value> wrt) {
    List<Node> nodes = Backprop.differentiate(g, g.outputs().get(0), wrt, f).graph().nodes();
    Set<String> ops = new TreeSet<>();
    nodes.subList(forward, nodes.size()).stream().filter(n -> !n.domain().equals(OpsetId.ONNX))
        .forEach(n -> ops.add(n.qualifiedOp()));
    return ops;
  }

  @Test
  void fusedMatMulWithTransBatchIsRefusedClearly() {
    for (String attr : List.of("transBatchA", "transBatchB")) {
      // transBatchA reads A [M, batch, K] as [batch, M, K]; transBatchB reads B [K, batch, N] as [batch, K, N]
      boolean onA = attr.equals("transBatchA");
      GraphBuilder b = new GraphBuilder("bad", 1);
      Value a = b.input("a", DataType.FLOAT, onA ? Shape.of(3, 2, 4) : Shape.of(2, 3, 4));
      Value w = b.input("w", DataType.FLOAT, onA ? Shape.of(2, 4, 5) : Shape.of(4, 2, 5));
      Value y = b.node(MS, "FusedMatMul").name("fmm").inputs(a, w).attr(attr, 1L).build();
      b.output("loss", b.node("ReduceSum").inputs(y).attr("keepdims", 0L).build());
      Graph g = b.build();
      for (Flavour f : Flavour.values()) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Backprop.differentiate(g, g.outputs().get(0), List.of(a, w), f));
        assertTrue(e.getMessage().contains("'fmm'") && e.getMessage().contains(attr + "=1")
            && e.getMessage().contains("not supported"), e.getMessage());
      }
    }
  }

  @Test
  void fusedMatMulOfUnknownRankIsRefusedClearly() {
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value a = b.input("a", DataType.FLOAT, Shape.unknownRank());
    Value w = b.input("w", DataType.FLOAT, Shape.of(4, 5));
    Value y = b.node(MS, "FusedMatMul").name("fmm").inputs(a, w).build();
    // flattened first, so that the only rule that meets the unknown rank is FusedMatMul's
    b.output("loss", b.node("ReduceSum").inputs(b.op("Reshape", y, b.longs(-1))).attr("keepdims", 0L).build());
    Graph g = b.build();
    for (Flavour f : Flavour.values()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Backprop.differentiate(g, g.outputs().get(0), List.of(w), f));
      assertTrue(e.getMessage().contains("'fmm'") && e.getMessage().contains("unknown rank"), e.getMessage());
    }
  }
}
