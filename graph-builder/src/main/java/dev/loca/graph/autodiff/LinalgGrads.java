package dev.loca.graph.autodiff;

import static dev.loca.graph.autodiff.GradientRules.rule;

import dev.loca.graph.ir.Value;
import java.util.List;
import java.util.Map;

/** MatMul and Gemm. Batch broadcasting of MatMul is undone by the engine. */
final class LinalgGrads {
  private LinalgGrads() {}

  static void register(Map<String, GradientRules.Entry> m) {
    rule(m, "MatMul", LinalgGrads::matMul);
    rule(m, "Gemm", LinalgGrads::gemm);
  }

  /** Swaps the last two axes. */
  static Value transposeLast2(GradContext c, Value v) {
    int r = v.shape().rank();
    long[] perm = new long[r];
    for (int i = 0; i < r; i++) {
      perm[i] = i;
    }
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    return c.node("Transpose").inputs(v).ints("perm", perm).build();
  }

  private static List<Value> matMul(GradContext c) {
    Value a = c.x(0);
    Value b = c.x(1);
    Value dy = c.dy(0);
    for (Value v : List.of(a, b)) {
      if (!v.shape().rankKnown()) {
        throw new IllegalArgumentException("cannot differentiate MatMul node '" + c.node().name() + "': input '"
            + v.name() + "' has unknown rank (the gradient depends on whether an operand is a vector and on "
            + "which batch axes were broadcast)");
      }
    }
    boolean aVec = a.shape().rank() == 1;
    boolean bVec = b.shape().rank() == 1;
    Value a2 = aVec ? c.node("Unsqueeze").inputs(a, c.longs(0)).build() : a;
    Value b2 = bVec ? c.node("Unsqueeze").inputs(b, c.longs(1)).build() : b;
    // put back the axes a vector operand dropped from the output: N's axis last first, so that a
    // vector-times-vector scalar becomes [1] and then [1, 1]
    Value dy2 = dy;
    if (bVec) {
      dy2 = c.node("Unsqueeze").inputs(dy2, c.longs(-1)).build();
    }
    if (aVec) {
      dy2 = c.node("Unsqueeze").inputs(dy2, c.longs(-2)).build();
    }
    List<Value> g = c.none();
    if (c.needs(0)) {
      Value da = c.op("MatMul", dy2, transposeLast2(c, b2));
      g.set(0, aVec ? c.op("Reshape", sumLeading(c, da, 1), c.shapeOf(a)) : da);
    }
    if (c.needs(1)) {
      Value shared = sharedMatrixGradient(c, a, b, dy);
      if (shared != null) {
        g.set(1, shared);
      } else {
        Value db = c.op("MatMul", transposeLast2(c, a2), dy2);
        g.set(1, bVec ? c.op("Reshape", sumLeading(c, db, 1), c.shapeOf(b)) : db);
      }
    }
    return g;
  }

  /**
   * dB of a batched A {@code [..., M, K]} times one matrix B {@code [K, N]} (a dense layer's weight): all rows
   * at once, {@code reshape(A, [-1, K])ᵀ · reshape(dY, [-1, N])}, one {@code [K, N]} product. The general rule
   * would make a {@code [..., K, N]} product per batch entry for the engine to sum: as many weight-sized
   * tensors as there are batch entries. Null where B is not a matrix of static size or A has no batch axes.
   */
  private static Value sharedMatrixGradient(GradContext c, Value a, Value b, Value dy) {
    if (a.shape().rank() < 3 || b.shape().rank() != 2 || !b.shape().isStatic()) {
      return null;
    }
    long[] kn = b.shape().sizes();
    Value rows = c.op("Reshape", a, c.longs(-1, kn[0]));
    Value dyRows = c.op("Reshape", dy, c.longs(-1, kn[1]));
    return c.op("MatMul", transposeLast2(c, rows), dyRows);
  }

  /** Sums all axes but the last {@code keep + 1} (a vector operand's batch copies). */
  private static Value sumLeading(GradContext c, Value v, int keep) {
    int r = v.shape().rank();
    int n = r - keep - 1;
    if (n <= 0) {
      return v;
    }
    long[] axes = new long[n];
    for (int i = 0; i < n; i++) {
      axes[i] = i;
    }
    return c.node("ReduceSum").inputs(v, c.longs(axes)).attr("keepdims", 0L).build();
  }

  private static List<Value> gemm(GradContext c) {
    boolean ta = c.attrs().intAttr("transA") != 0;
    boolean tb = c.attrs().intAttr("transB") != 0;
    float alpha = c.attrs().floatAttr("alpha");
    float beta = c.attrs().floatAttr("beta");
    Value a = c.x(0);
    Value b = c.x(1);
    Value dy = alpha == 1f ? c.dy(0) : c.op("Mul", c.dy(0), c.scalar(c.dy(0), alpha));
    List<Value> g = c.none();
    if (c.needs(0)) {
      // A' = op(A): dA' = dy · op(B)^T; dA = dA' or its transpose
      g.set(0, ta ? gemm(c, b, dy, tb, true) : gemm(c, dy, b, false, !tb));
    }
    if (c.needs(1)) {
      g.set(1, tb ? gemm(c, dy, a, true, ta) : gemm(c, a, dy, !ta, false));
    }
    if (c.hasX(2) && c.needs(2)) {
      g.set(2, beta == 1f ? c.dy(0) : c.op("Mul", c.dy(0), c.scalar(c.dy(0), beta)));
    }
    return g;
  }

  private static Value gemm(GradContext c, Value x, Value y, boolean tx, boolean ty) {
    return c.node("Gemm").inputs(x, y).attr("transA", tx ? 1L : 0L).attr("transB", ty ? 1L : 0L).build();
  }
}
