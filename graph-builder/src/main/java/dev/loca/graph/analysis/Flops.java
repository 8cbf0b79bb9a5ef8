package dev.loca.graph.analysis;

import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Analytic floating-point operation counts of a graph's matrix products (MatMul, Gemm, FusedMatMul, Conv),
 * the only ops whose cost grows with the product of three dimensions; element-wise ops, norms and softmax
 * are left out (a few percent in a ViT). A multiply-add counts as 2. Needs static shapes on those nodes.
 */
public final class Flops {
  private Flops() {}

  /** Total FLOPs of the graph's products. */
  public static long count(Graph g) {
    return byOp(g).values().stream().mapToLong(Long::longValue).sum();
  }

  /** FLOPs per op type. */
  public static Map<String, Long> byOp(Graph g) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Node n : g.nodes()) {
      long f = switch (n.opType()) {
        case "MatMul", "FusedMatMul" -> matMul(n);
        case "Gemm" -> gemm(n);
        case "Conv" -> conv(n);
        default -> 0;
      };
      if (f > 0) {
        out.merge(n.opType(), f, Long::sum);
      }
    }
    return out;
  }

  private static long[] sizes(Node n, Shape s) {
    if (!s.isStatic()) {
      throw new IllegalArgumentException("FLOPs of node '" + n.name() + "' need static shapes, got " + s);
    }
    return s.sizes();
  }

  /** 2 · (output elements) · (contracted length). */
  private static long matMul(Node n) {
    long[] a = sizes(n, n.input(0).orElseThrow().shape());
    long[] y = sizes(n, n.output(0).shape());
    boolean transA = n.attribute("transA").map(v -> ((dev.loca.graph.ir.Attribute.Int) v).value() != 0).orElse(false);
    long k = a.length == 1 ? a[0] : transA ? a[a.length - 2] : a[a.length - 1];
    return 2 * product(y) * k;
  }

  private static long gemm(Node n) {
    long[] a = sizes(n, n.input(0).orElseThrow().shape());
    long[] y = sizes(n, n.output(0).shape());
    boolean transA = n.attribute("transA").map(v -> ((dev.loca.graph.ir.Attribute.Int) v).value() != 0).orElse(false);
    return 2 * product(y) * (transA ? a[0] : a[1]);
  }

  /** 2 · (output elements) · (input channels per group) · (kernel elements). */
  private static long conv(Node n) {
    long[] w = sizes(n, n.input(1).orElseThrow().shape());
    long[] y = sizes(n, n.output(0).shape());
    long perOutput = 1;
    for (int i = 1; i < w.length; i++) {
      perOutput *= w[i];
    }
    return 2 * product(y) * perOutput;
  }

  private static long product(long[] d) {
    long p = 1;
    for (long v : d) {
      p *= v;
    }
    return p;
  }
}
