package dev.loca.graph.autodiff;

import static dev.loca.graph.autodiff.GradientRules.msRule;

import dev.loca.graph.ir.Value;
import java.util.List;
import java.util.Map;

/**
 * The {@code com.microsoft} forward contrib ops of the fused model flavour: Gelu (exact erf form), FastGelu
 * (tanh approximation, optional bias), BiasGelu (A + B, then exact Gelu) and FusedMatMul. The fused rules
 * use ORT's gradient kernels GeluGrad, FastGeluGrad, BiasGeluGrad_dX, BiasFastGeluGrad_dX and FusedMatMul;
 * the portable rules use only ai.onnx ops, so the backward part of a graph is plain ONNX even where its
 * forward part is not.
 */
final class ContribGrads {
  private ContribGrads() {}

  /** sqrt(2/pi), the scale inside FastGelu's tanh (ORT's kAlpha = M_2_SQRTPI * M_SQRT1_2). */
  private static final double ALPHA = Math.sqrt(2 / Math.PI);
  /** The cubic coefficient of FastGelu (ORT's kGamma). */
  private static final double GAMMA = 0.044715;

  static void register(Map<String, GradientRules.Entry> m) {
    msRule(m, "Gelu",
        c -> same(c, c.op("Mul", c.dy(0), geluDerivative(c, c.x(0)))),
        c -> same(c, c.msNode("GeluGrad").inputs(c.dy(0), c.x(0)).build()));
    msRule(m, "BiasGelu",
        c -> same(c, c.op("Mul", c.dy(0), geluDerivative(c, c.op("Add", c.x(0), c.x(1))))),
        c -> same(c, c.msNode("BiasGeluGrad_dX").inputs(c.dy(0), c.x(0), c.x(1)).build()));
    msRule(m, "FastGelu",
        c -> same(c, c.op("Mul", c.dy(0), fastGeluDerivative(c, c.hasX(1) ? c.op("Add", c.x(0), c.x(1)) : c.x(0)))),
        c -> same(c, c.hasX(1)
            ? c.msNode("BiasFastGeluGrad_dX").inputs(c.dy(0), c.x(0), c.x(1)).build()
            : c.msNode("FastGeluGrad").inputs(c.dy(0), c.x(0)).build()));
    msRule(m, "FusedMatMul", c -> fusedMatMul(c, false), c -> fusedMatMul(c, true));
  }

  /**
   * The activations act on u = X (+ bias), so every input gets the same gradient dY * f'(u); the engine sums
   * the 1-D bias's copy over the leading axes.
   */
  private static List<Value> same(GradContext c, Value g) {
    List<Value> out = c.none();
    for (int i = 0; i < out.size(); i++) {
      out.set(i, c.hasX(i) && c.needs(i) ? g : null);
    }
    return out;
  }

  /** d/du [u Phi(u)] = Phi(u) + u phi(u), with Phi(u) = (1 + erf(u / sqrt 2)) / 2, phi(u) = exp(-u^2/2) / sqrt(2 pi). */
  private static Value geluDerivative(GradContext c, Value u) {
    Value cdf = c.op("Mul", c.scalar(u, 0.5),
        c.op("Add", c.scalar(u, 1), c.op("Erf", c.op("Mul", u, c.scalar(u, Math.sqrt(0.5))))));
    Value pdf = c.op("Mul", c.op("Exp", c.op("Mul", c.op("Mul", u, u), c.scalar(u, -0.5))),
        c.scalar(u, 1 / Math.sqrt(2 * Math.PI)));
    return c.op("Add", cdf, c.op("Mul", u, pdf));
  }

  /**
   * d/du of 0.5 u (1 + tanh(a (u + g u^3))), a = sqrt(2/pi), g = 0.044715:
   * 0.5 (1 + t) + 0.5 u (1 - t^2) a (1 + 3 g u^2), t = tanh(a (u + g u^3)).
   */
  private static Value fastGeluDerivative(GradContext c, Value u) {
    Value u2 = c.op("Mul", u, u);
    Value t = c.op("Tanh", c.op("Mul", u, c.op("Add", c.scalar(u, ALPHA), c.op("Mul", u2, c.scalar(u, ALPHA * GAMMA)))));
    Value dInner = c.op("Add", c.scalar(u, ALPHA), c.op("Mul", u2, c.scalar(u, 3 * ALPHA * GAMMA)));
    Value half = c.scalar(u, 0.5);
    Value sech2 = c.op("Sub", c.scalar(u, 1), c.op("Mul", t, t));
    Value left = c.op("Mul", half, c.op("Add", c.scalar(u, 1), t));
    Value right = c.op("Mul", c.op("Mul", half, u), c.op("Mul", sech2, dInner));
    return c.op("Add", left, right);
  }

  /**
   * FusedMatMul: Y = alpha op(A) op(B), op a swap of the last two axes where transA / transB is set. With
   * A' = op(A), B' = op(B): dA' = alpha dY B'^T and dB' = alpha A'^T dY, transposed back where the operand
   * was. The transposes are folded into the flags of one matrix product per input, as for Gemm:
   * <ul>
   *   <li>dA = transA ? {@code mm(B, dY, transB, true)} : {@code mm(dY, B, false, !transB)};
   *   <li>dB = transB ? {@code mm(dY, A, true, transA)} : {@code mm(A, dY, !transA, false)},
   * </ul>
   * with {@code mm(x, y, tx, ty) = alpha op_tx(x) op_ty(y)}.
   * The fused flavour emits each product as one FusedMatMul with those flags and alpha (ORT's kernel); the
   * portable flavour as MatMul of Transposes of the last two axes, with dY scaled by alpha once. Batch axes
   * broadcast by the forward product are summed back by the engine. A 1-D operand is handled as MatMul does
   * (ORT ignores transA / transB on vectors): it is made a 1-row / 1-column matrix and its gradient is summed
   * over the batch copies. Refused: transBatchA / transBatchB (the leading axis moved to the row position),
   * and transA with a 1-D B, where ORT's CPU kernel (MatMulComputeHelper: M = 1, A's rows taken as batch
   * offsets) multiplies A's memory reinterpreted as [..., M, K] rather than its transpose (verified: A = [[1,
   * 2, 3], [4, 5, 6]], B = [1, 10] gives [21, 43, 65], not A^T B = [41, 52, 63]).
   */
  private static List<Value> fusedMatMul(GradContext c, boolean fused) {
    String name = c.node().name();
    for (String attr : List.of("transBatchA", "transBatchB")) {
      if (c.attrs().intAttr(attr) != 0) {
        throw new IllegalArgumentException("cannot differentiate FusedMatMul node '" + name + "': " + attr
            + "=1 is not supported by its gradient rule; transpose the operand with a Transpose node instead");
      }
    }
    Value a = c.x(0);
    Value b = c.x(1);
    for (Value v : List.of(a, b)) {
      if (!v.shape().rankKnown()) {
        throw new IllegalArgumentException("cannot differentiate FusedMatMul node '" + name + "': input '"
            + v.name() + "' has unknown rank (the gradient depends on whether an operand is a vector and on "
            + "which batch axes were broadcast)");
      }
    }
    boolean aVec = a.shape().rank() == 1;
    boolean bVec = b.shape().rank() == 1;
    if (bVec && !aVec && c.attrs().intAttr("transA") != 0) {
      throw new IllegalArgumentException("cannot differentiate FusedMatMul node '" + name + "': transA=1 with a 1-D "
          + "B is not supported: ORT's CPU kernel then reads A's memory as [..., M, K] instead of transposing it, "
          + "so the node does not compute op(A)·B; transpose A with a Transpose node or make B a [K, 1] matrix");
    }
    boolean ta = !aVec && c.attrs().intAttr("transA") != 0;
    boolean tb = !bVec && c.attrs().intAttr("transB") != 0;
    float alpha = c.attrs().floatAttr("alpha");
    Value a2 = aVec ? c.node("Unsqueeze").inputs(a, c.longs(0)).build() : a;
    Value b2 = bVec ? c.node("Unsqueeze").inputs(b, c.longs(1)).build() : b;
    Value dy = c.dy(0);
    // put back the axes a vector operand dropped from the output (N's axis first, as for MatMul)
    if (bVec) {
      dy = c.node("Unsqueeze").inputs(dy, c.longs(-1)).build();
    }
    if (aVec) {
      dy = c.node("Unsqueeze").inputs(dy, c.longs(-2)).build();
    }
    if (!fused && alpha != 1f) {
      dy = c.op("Mul", dy, c.scalar(dy, alpha));
    }
    List<Value> g = c.none();
    if (c.needs(0)) {
      Value da = ta ? product(c, fused, alpha, b2, dy, tb, true) : product(c, fused, alpha, dy, b2, false, !tb);
      g.set(0, aVec ? vectorGrad(c, da, a) : da);
    }
    if (c.needs(1)) {
      Value db = tb ? product(c, fused, alpha, dy, a2, true, ta) : product(c, fused, alpha, a2, dy, !ta, false);
      g.set(1, bVec ? vectorGrad(c, db, b) : db);
    }
    return g;
  }

  /** op(x) op(y): one FusedMatMul (fused, carrying alpha) or MatMul of transposes (portable, alpha already in dY). */
  private static Value product(GradContext c, boolean fused, float alpha, Value x, Value y, boolean tx, boolean ty) {
    if (fused) {
      return c.msNode("FusedMatMul").inputs(x, y).attr("alpha", alpha).attr("transA", tx ? 1L : 0L)
          .attr("transB", ty ? 1L : 0L).build();
    }
    return c.op("MatMul", tx ? LinalgGrads.transposeLast2(c, x) : x, ty ? LinalgGrads.transposeLast2(c, y) : y);
  }

  /** The gradient of a vector operand from that of its 1-row / 1-column matrix: batch copies summed, reshaped. */
  private static Value vectorGrad(GradContext c, Value g, Value vector) {
    int r = g.shape().rank();
    if (r > 2) {
      long[] axes = new long[r - 2];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
      g = c.node("ReduceSum").inputs(g, c.longs(axes)).attr("keepdims", 0L).build();
    }
    return c.op("Reshape", g, c.shapeOf(vector));
  }
}
