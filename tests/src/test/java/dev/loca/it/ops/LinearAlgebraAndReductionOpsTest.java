package dev.loca.it.ops;

import static dev.loca.it.ops.Rejections.assertMentions;
import static dev.loca.it.ops.Rejections.rejects;
import static dev.loca.it.ops.OrtOps.assertClose;
import static dev.loca.it.ops.OrtOps.assertExact;
import static dev.loca.it.ops.OrtOps.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ops.ShapeInferenceException;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/** MatMul, Gemm, reductions and ArgMax through ONNX Runtime against Java reference computations. */
class LinearAlgebraAndReductionOpsTest {

  /**
   * Products and sums accumulate in float32 in ORT (in an order of its choosing) but in double here: allow
   * a few float32 ulps of the partial sums on top of the default tolerance.
   */
  private static void assertCloseAccumulated(Nd expected, Nd actual) {
    assertClose(expected, actual, 1e-5, 1e-5);
  }

  // ---- MatMul ----

  /** Numpy matmul: 1-D operands are promoted to a row (a) or column (b) and the extra axis dropped. */
  private static Nd matMul(Nd a, Nd b) {
    long[] as = a.rank() == 1 ? new long[] {1, a.shape[0]} : a.shape;
    long[] bs = b.rank() == 1 ? new long[] {b.shape[0], 1} : b.shape;
    int ar = as.length;
    int br = bs.length;
    long m = as[ar - 2];
    long k = as[ar - 1];
    long n = bs[br - 1];
    assertEquals(k, bs[br - 2], "reference matmul: inner dimensions");
    long[] batch = Nd.broadcastShape(Arrays.copyOf(as, ar - 2), Arrays.copyOf(bs, br - 2));
    Nd a2 = new Nd(a.dtype, as, a.data);
    Nd b2 = new Nd(b.dtype, bs, b.data);
    long[] full = Arrays.copyOf(batch, batch.length + 2);
    full[batch.length] = m;
    full[batch.length + 1] = n;
    Nd y = Nd.zeros(a.dtype, full);
    for (int i = 0; i < y.size(); i++) {
      long[] idx = Nd.unravel(i, full);
      long[] ai = Arrays.copyOf(idx, idx.length);
      long[] bi = Arrays.copyOf(idx, idx.length);
      double s = 0;
      for (long kk = 0; kk < k; kk++) {
        ai[ai.length - 1] = kk;
        bi[bi.length - 2] = kk;
        s += a2.broadcastGet(ai) * b2.broadcastGet(bi);
      }
      y.data[i] = s;
    }
    long[] outShape = Arrays.copyOf(batch, batch.length);
    if (a.rank() > 1) {
      outShape = append(outShape, m);
    }
    if (b.rank() > 1) {
      outShape = append(outShape, n);
    }
    return new Nd(a.dtype, outShape, y.data);
  }

  private static long[] append(long[] s, long v) {
    long[] r = Arrays.copyOf(s, s.length + 1);
    r[s.length] = v;
    return r;
  }

  @Test
  @OpTest("MatMul")
  void matMul2dAndBatchedWithBroadcastBatchDims() {
    Nd a = Nd.uniform(1, -1, 1, 3, 4);
    Nd b = Nd.uniform(2, -1, 1, 4, 5);
    Nd ba = Nd.uniform(3, -1, 1, 2, 1, 3, 4);
    Nd bb = Nd.uniform(4, -1, 1, 3, 4, 2);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("MatMul", c.in("a"), c.in("b")),
            c.b().op("MatMul", c.in("ba"), c.in("bb"))),
        feed("a", a), feed("b", b), feed("ba", ba), feed("bb", bb));
    assertCloseAccumulated(matMul(a, b), out.get(0));
    assertEquals(List.of(2L, 3L, 3L, 2L), Arrays.stream(out.get(1).shape).boxed().toList());
    assertCloseAccumulated(matMul(ba, bb), out.get(1));
  }

  @Test
  @OpTest("MatMul")
  void matMulWithVectors() {
    Nd v = Nd.uniform(5, -1, 1, 4);
    Nd w = Nd.uniform(6, -1, 1, 4);
    Nd m = Nd.uniform(7, -1, 1, 4, 3);
    Nd mt = Nd.uniform(8, -1, 1, 2, 4);
    Nd batched = Nd.uniform(9, -1, 1, 2, 3, 4);
    List<Nd> out = OrtOps.run(c -> List.of(
            c.b().op("MatMul", c.in("v"), c.in("m")), // [4] x [4,3] -> [3]
            c.b().op("MatMul", c.in("mt"), c.in("v")), // [2,4] x [4] -> [2]
            c.b().op("MatMul", c.in("v"), c.in("w")), // [4] x [4] -> []
            c.b().op("MatMul", c.in("bt"), c.in("w")), // [batch,3,4] x [4] -> [batch,3]
            c.b().op("MatMul", c.in("v"), c.in("bm"))), // [4] x [2,4,3] -> [2,3]
        feed("v", Shape.symbolic("k"), v), feed("w", w), feed("m", m), feed("mt", mt),
        feed("bt", Shape.symbolic("batch", 3, 4), batched),
        feed("bm", Nd.uniform(10, -1, 1, 2, 4, 3)));
    assertCloseAccumulated(matMul(v, m), out.get(0));
    assertCloseAccumulated(matMul(mt, v), out.get(1));
    assertEquals(0, out.get(2).rank());
    assertCloseAccumulated(matMul(v, w), out.get(2));
    assertCloseAccumulated(matMul(batched, w), out.get(3));
    assertCloseAccumulated(matMul(v, Nd.uniform(10, -1, 1, 2, 4, 3)), out.get(4));
  }

  @Test
  @OpTest("MatMul")
  void matMulWithASymbolicBatchAndInt64() {
    Nd x = Nd.uniform(11, -1, 1, 5, 3, 4);
    Nd w = Nd.uniform(12, -1, 1, 4, 6);
    Nd ia = Nd.randomInts(13, DataType.INT64, -9, 10, 2, 2, 3);
    Nd ib = Nd.randomInts(14, DataType.INT64, -9, 10, 2, 3, 2);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("MatMul", c.in("x"), c.in("w")),
            c.b().op("MatMul", c.in("ia"), c.in("ib"))),
        feed("x", Shape.symbolic("batch", "seq", 4), x), feed("w", w),
        feed("ia", Shape.symbolic("pairs", 2, "k"), ia), feed("ib", Shape.symbolic("pairs", "k", 2), ib));
    assertCloseAccumulated(matMul(x, w), out.get(0));
    assertExact(matMul(ia, ib), out.get(1));
  }

  // ---- Gemm ----

  private static Nd transpose2d(Nd x) {
    Nd t = Nd.zeros(x.dtype, x.shape[1], x.shape[0]);
    for (long i = 0; i < x.shape[0]; i++) {
      for (long j = 0; j < x.shape[1]; j++) {
        t.set(x.get(i, j), j, i);
      }
    }
    return t;
  }

  /** alpha · A' · B' + beta · C, C (if any) broadcast to [M, N]. */
  private static Nd gemm(Nd a, Nd b, Nd cOrNull, boolean ta, boolean tb, double alpha, double beta) {
    Nd ab = matMul(ta ? transpose2d(a) : a, tb ? transpose2d(b) : b).map(v -> alpha * v);
    return cOrNull == null ? ab : Nd.zip(ab, cOrNull, ab.dtype, (y, cv) -> y + beta * cv);
  }

  @Test
  @OpTest("Gemm")
  void gemmTransposesScalesAndBroadcastsC() {
    Nd a = Nd.uniform(20, -1, 1, 3, 4); // M=3, K=4
    Nd aT = Nd.uniform(21, -1, 1, 4, 3);
    Nd b = Nd.uniform(22, -1, 1, 4, 5); // N=5
    Nd bT = Nd.uniform(23, -1, 1, 5, 4);
    Nd cN = Nd.uniform(24, -1, 1, 5);
    Nd cM1 = Nd.uniform(25, -1, 1, 3, 1);
    Nd cMN = Nd.uniform(26, -1, 1, 3, 5);
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder g = c.b();
      return List.of(
          g.op("Gemm", c.in("a"), c.in("b")),
          g.node("Gemm").inputs(c.in("aT"), c.in("b"), c.in("cN")).attr("transA", 1L).attr("alpha", 0.5f).build(),
          g.node("Gemm").inputs(c.in("a"), c.in("bT"), c.in("cM1")).attr("transB", 1L).attr("beta", -2f).build(),
          g.node("Gemm").inputs(c.in("aT"), c.in("bT"), c.in("cMN")).attr("transA", 1L).attr("transB", 1L)
              .attr("alpha", -1.5f).attr("beta", 0.25f).build(),
          g.node("Gemm").inputs(c.in("a"), c.in("b"), null).attr("beta", 3f).build());
    }, feed("a", a), feed("aT", aT), feed("b", b), feed("bT", bT), feed("cN", cN), feed("cM1", cM1),
        feed("cMN", cMN));
    assertCloseAccumulated(gemm(a, b, null, false, false, 1, 1), out.get(0));
    assertCloseAccumulated(gemm(aT, b, cN, true, false, 0.5, 1), out.get(1));
    assertCloseAccumulated(gemm(a, bT, cM1, false, true, 1, -2), out.get(2));
    assertCloseAccumulated(gemm(aT, bT, cMN, true, true, -1.5, 0.25), out.get(3));
    assertCloseAccumulated(gemm(a, b, null, false, false, 1, 3), out.get(4));
  }

  @Test
  @OpTest("Gemm")
  void gemmWithASymbolicRowCount() {
    Nd x = Nd.uniform(27, -1, 1, 6, 4);
    Nd xT = Nd.uniform(28, -1, 1, 4, 6);
    Nd w = Nd.uniform(29, -1, 1, 3, 4);
    Nd bias = Nd.uniform(30, -1, 1, 3);
    Nd s = Nd.floats(new long[0], 0.75);
    List<Nd> out = OrtOps.run(c -> List.of(
            c.b().node("Gemm").inputs(c.in("x"), c.in("w"), c.in("bias")).attr("transB", 1L).build(),
            c.b().node("Gemm").inputs(c.in("xT"), c.in("w"), c.in("s")).attr("transA", 1L).attr("transB", 1L)
                .build()),
        feed("x", Shape.symbolic("batch", 4), x), feed("xT", Shape.symbolic(4, "batch"), xT), feed("w", w),
        feed("bias", bias), feed("s", s));
    assertCloseAccumulated(gemm(x, w, bias, false, true, 1, 1), out.get(0));
    assertCloseAccumulated(gemm(xT, w, s, true, true, 1, 1), out.get(1));
  }

  // ---- reductions ----

  /** How a reduction folds its values: start, step, and a finish that also sees the count. */
  private record Fold(double init, DoubleBinaryOperator step, DoubleBinaryOperator finish) {}

  private static final Fold SUM = new Fold(0, Double::sum, (s, n) -> s);
  private static final Fold MEAN = new Fold(0, Double::sum, (s, n) -> s / n);
  private static final Fold MAX = new Fold(Double.NEGATIVE_INFINITY, Math::max, (s, n) -> s);
  private static final Fold L2 = new Fold(0, (s, v) -> s + v * v, (s, n) -> Math.sqrt(s));

  /** Reduces {@code axes} of {@code x} (all when empty, none when empty and {@code noop}). */
  private static Nd reduce(Nd x, long[] axes, boolean keepDims, boolean noop, Fold f) {
    if (axes.length == 0 && noop) {
      return x;
    }
    int r = x.rank();
    boolean[] red = new boolean[r];
    if (axes.length == 0) {
      Arrays.fill(red, true);
    }
    for (long a : axes) {
      red[(int) (a < 0 ? a + r : a)] = true;
    }
    long[] kept = x.shape.clone();
    long[] dropped = new long[0];
    long count = 1;
    for (int i = 0; i < r; i++) {
      if (red[i]) {
        count *= kept[i];
        kept[i] = 1;
      } else {
        dropped = append(dropped, x.shape[i]);
      }
    }
    double[] acc = new double[(int) Nd.count(kept)];
    Arrays.fill(acc, f.init());
    Nd accNd = new Nd(x.dtype, kept, acc);
    for (int i = 0; i < x.size(); i++) {
      long[] idx = Nd.unravel(i, x.shape);
      for (int d = 0; d < r; d++) {
        if (red[d]) {
          idx[d] = 0;
        }
      }
      int o = (int) accNd.offset(idx);
      acc[o] = f.step().applyAsDouble(acc[o], x.data[i]);
    }
    for (int i = 0; i < acc.length; i++) {
      acc[i] = f.finish().applyAsDouble(acc[i], count);
    }
    return new Nd(x.dtype, keepDims ? kept : dropped, acc);
  }

  @Test
  @OpTest("ReduceSum")
  void reduceSumWithConstantAxesKeepDimsAndNegativeAxes() {
    Nd x = Nd.uniform(40, -1, 1, 2, 3, 4);
    Nd ix = Nd.randomInts(41, DataType.INT64, -100, 100, 2, 3, 4);
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder g = c.b();
      return List.of(
          g.op("ReduceSum", c.in("x"), g.longs(1)), // keepdims defaults to 1
          g.node("ReduceSum").inputs(c.in("x"), g.longs(-1, 0)).attr("keepdims", 0L).build(),
          g.node("ReduceSum").inputs(c.in("ix"), g.longs(-2)).attr("keepdims", 0L).build());
    }, feed("x", Shape.symbolic("batch", 3, 4), x), feed("ix", Shape.symbolic("batch", 3, 4), ix));
    assertCloseAccumulated(reduce(x, new long[] {1}, true, false, SUM), out.get(0));
    assertCloseAccumulated(reduce(x, new long[] {-1, 0}, false, false, SUM), out.get(1));
    assertExact(reduce(ix, new long[] {-2}, false, false, SUM), out.get(2));
  }

  @Test
  @OpTest("ReduceSum")
  void reduceSumWithoutAxesAndWithEmptyAxes() {
    Nd x = Nd.uniform(42, -1, 1, 2, 3, 4);
    TensorData empty = TensorData.vector(new long[0]);
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder g = c.b();
      Value in = c.in("x");
      return List.of(
          g.op("ReduceSum", in), // all axes, keepdims 1 -> [1,1,1]
          g.node("ReduceSum").inputs(in).attr("keepdims", 0L).build(), // -> []
          g.node("ReduceSum").inputs(in).attr("noop_with_empty_axes", 1L).build(), // identity
          g.node("ReduceSum").inputs(in, g.constant(empty)).attr("noop_with_empty_axes", 1L).build(), // identity
          g.node("ReduceSum").inputs(in, g.constant(empty)).attr("keepdims", 0L).build()); // all axes
    }, feed("x", Shape.symbolic("batch", 3, 4), x));
    assertCloseAccumulated(reduce(x, new long[0], true, false, SUM), out.get(0));
    assertEquals(0, out.get(1).rank());
    assertCloseAccumulated(reduce(x, new long[0], false, false, SUM), out.get(1));
    assertExact(x, out.get(2));
    assertExact(x, out.get(3));
    assertCloseAccumulated(reduce(x, new long[0], false, false, SUM), out.get(4));
  }

  @Test
  @OpTest("ReduceSum")
  void reduceSumWithAxesFedAtRunTime() {
    // The axes are not known while building: the builder infers the rank (keepdims=1) or nothing (keepdims=0).
    Nd x = Nd.uniform(43, -1, 1, 2, 3, 4);
    Nd axes = Nd.longs(new long[] {2}, 0, -1);
    Value[] outs = new Value[2];
    List<Nd> out = OrtOps.run(c -> {
      outs[0] = c.b().op("ReduceSum", c.in("x"), c.in("axes"));
      outs[1] = c.b().node("ReduceSum").inputs(c.in("x"), c.in("axes")).attr("keepdims", 0L).build();
      return List.of(outs);
    }, feed("x", x), feed("axes", axes));
    assertEquals(3, outs[0].shape().rank());
    assertFalse(outs[1].shape().rankKnown());
    assertCloseAccumulated(reduce(x, new long[] {0, -1}, true, false, SUM), out.get(0));
    assertCloseAccumulated(reduce(x, new long[] {0, -1}, false, false, SUM), out.get(1));
  }

  /** ReduceMean, ReduceMax and ReduceL2 take their axes as an attribute in opset 17. */
  private static void checkAttributeReduction(String op, Fold f, Nd x) {
    List<Nd> out = OrtOps.run(c -> List.of(
            c.b().node(op).inputs(c.in("x")).ints("axes", 1).build(),
            c.b().node(op).inputs(c.in("x")).ints("axes", -1, 0).attr("keepdims", 0L).build(),
            c.b().node(op).inputs(c.in("x")).ints("axes", 2, -2).attr("keepdims", 1L).build(),
            c.b().op(op, c.in("x")),
            c.b().node(op).inputs(c.in("x")).attr("keepdims", 0L).build()),
        feed("x", Shape.symbolic("batch", 3, 4), x));
    assertCloseAccumulated(reduce(x, new long[] {1}, true, false, f), out.get(0));
    assertCloseAccumulated(reduce(x, new long[] {-1, 0}, false, false, f), out.get(1));
    assertCloseAccumulated(reduce(x, new long[] {2, -2}, true, false, f), out.get(2));
    assertCloseAccumulated(reduce(x, new long[0], true, false, f), out.get(3));
    assertCloseAccumulated(reduce(x, new long[0], false, false, f), out.get(4));
  }

  @Test
  @OpTest("ReduceMean")
  void reduceMean() {
    checkAttributeReduction("ReduceMean", MEAN, Nd.uniform(44, -1, 1, 2, 3, 4));
  }

  @Test
  @OpTest("ReduceMax")
  void reduceMaxFloatAndInt64() {
    checkAttributeReduction("ReduceMax", MAX, Nd.uniform(45, -1, 1, 2, 3, 4));
    Nd ix = Nd.randomInts(46, DataType.INT64, -1000, 1000, 3, 5);
    Nd out = OrtOps.run(c -> List.of(c.b().node("ReduceMax").inputs(c.in("ix")).ints("axes", -1)
        .attr("keepdims", 0L).build()), feed("ix", Shape.symbolic("n", 5), ix)).get(0);
    assertExact(reduce(ix, new long[] {-1}, false, false, MAX), out);
  }

  @Test
  @OpTest("ReduceL2")
  void reduceL2() {
    checkAttributeReduction("ReduceL2", L2, Nd.uniform(47, -2, 2, 2, 3, 4));
  }

  // ---- ArgMax ----

  private static Nd argMax(Nd x, long axis, boolean keepDims, boolean last) {
    int r = x.rank();
    int ax = (int) (axis < 0 ? axis + r : axis);
    long[] kept = x.shape.clone();
    kept[ax] = 1;
    long[] dropped = new long[0];
    for (int i = 0; i < r; i++) {
      if (i != ax) {
        dropped = append(dropped, x.shape[i]);
      }
    }
    Nd y = Nd.zeros(DataType.INT64, kept);
    for (int i = 0; i < y.size(); i++) {
      long[] idx = Nd.unravel(i, kept);
      long best = 0;
      double bestV = x.get(idx);
      for (long j = 1; j < x.shape[ax]; j++) {
        idx[ax] = j;
        double v = x.get(idx);
        if (v > bestV || (last && v == bestV)) {
          best = j;
          bestV = v;
        }
      }
      y.data[i] = best;
    }
    return new Nd(DataType.INT64, keepDims ? kept : dropped, y.data);
  }

  @Test
  @OpTest("ArgMax")
  void argMaxAlongAxesWithTiesFirstAndLast() {
    // Few distinct values, so most rows have ties for the maximum.
    Nd x = Nd.randomInts(50, DataType.FLOAT, 0, 3, 2, 3, 5);
    Nd ix = Nd.randomInts(51, DataType.INT64, -2, 2, 4, 6);
    List<Nd> out = OrtOps.run(c -> {
      Value in = c.in("x");
      GraphBuilder g = c.b();
      return List.of(
          g.op("ArgMax", in), // axis 0, keepdims 1
          g.node("ArgMax").inputs(in).attr("axis", -1L).attr("keepdims", 0L).build(),
          g.node("ArgMax").inputs(in).attr("axis", -1L).attr("keepdims", 0L).attr("select_last_index", 1L).build(),
          g.node("ArgMax").inputs(in).attr("axis", 1L).attr("select_last_index", 1L).build(),
          g.node("ArgMax").inputs(c.in("ix")).attr("axis", 1L).attr("select_last_index", 1L).build());
    }, feed("x", Shape.symbolic("batch", 3, 5), x), feed("ix", Shape.symbolic("n", 6), ix));
    assertExact(argMax(x, 0, true, false), out.get(0));
    Nd first = argMax(x, -1, false, false);
    Nd last = argMax(x, -1, false, true);
    assertExact(first, out.get(1));
    assertExact(last, out.get(2));
    assertFalse(Arrays.equals(first.data, last.data), "the data should have ties for select_last_index to matter");
    assertExact(argMax(x, 1, true, true), out.get(3));
    assertExact(argMax(ix, 1, true, true), out.get(4));
  }

  @Test
  @OpTest("TopK")
  void topKSortsTheWholeAxisLargestOrSmallestFirst() {
    // few distinct values: ties, which must still come out in order
    Nd x = Nd.randomInts(52, DataType.FLOAT, -3, 3, 3, 5);
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder g = c.b();
      return List.of(
          g.node("TopK").inputs(c.in("x"), g.longs(5)).build(2).get(0),
          g.node("TopK").inputs(c.in("x"), g.longs(2)).attr("axis", 0L).attr("largest", 0L).build(2).get(0));
    }, feed("x", x));
    Nd descending = Nd.zeros(DataType.FLOAT, 3, 5);
    for (int r = 0; r < 3; r++) {
      double[] row = Arrays.copyOfRange(x.data, r * 5, r * 5 + 5);
      Arrays.sort(row);
      for (int k = 0; k < 5; k++) {
        descending.set(row[4 - k], r, k);
      }
    }
    assertExact(descending, out.get(0));
    Nd smallestTwo = Nd.zeros(DataType.FLOAT, 2, 5);
    for (int col = 0; col < 5; col++) {
      double[] column = {x.get(0, col), x.get(1, col), x.get(2, col)};
      Arrays.sort(column);
      smallestTwo.set(column[0], 0, col);
      smallestTwo.set(column[1], 1, col);
    }
    assertExact(smallestTwo, out.get(1));
  }

  // ---- the builder rejects wrong uses when the node is added ----

  @Test
  void matMulAndGemmRejectMismatchedOperands() {
    String m = rejects(ShapeInferenceException.class, b -> b.node("MatMul").name("proj")
        .inputs(b.input("a", DataType.FLOAT, Shape.symbolic("batch", 3, 4)),
            b.input("w", DataType.FLOAT, Shape.of(5, 2)))
        .build());
    assertMentions(m, "'proj'", "(MatMul)", "inner dimensions differ", "4 columns", "5 rows");
    m = rejects(ShapeInferenceException.class, b -> b.node("MatMul").name("proj")
        .inputs(b.input("a", DataType.FLOAT, Shape.of(2, 3, 4)), b.input("w", DataType.FLOAT, Shape.of(3, 4, 2)))
        .build());
    assertMentions(m, "'proj'", "(MatMul)", "cannot be broadcast", "2 vs 3");
    m = rejects(ShapeInferenceException.class, b -> b.node("Gemm").name("fc")
        .inputs(b.input("a", DataType.FLOAT, Shape.of(3, 4)), b.input("w", DataType.FLOAT, Shape.of(5, 4))).build());
    assertMentions(m, "'fc'", "(Gemm)", "inner dimensions differ", "transB=false");
    m = rejects(ShapeInferenceException.class, b -> b.node("Gemm").name("fc")
        .inputs(b.input("a", DataType.FLOAT, Shape.of(2, 3, 4)), b.input("w", DataType.FLOAT, Shape.of(4, 5))).build());
    assertMentions(m, "'fc'", "(Gemm)", "input 0 (A) must have rank 2", "[2,3,4]");
    m = rejects(ShapeInferenceException.class, b -> b.node("Gemm").name("fc")
        .inputs(b.input("a", DataType.FLOAT, Shape.of(3, 4)), b.input("w", DataType.FLOAT, Shape.of(4, 5)),
            b.input("c", DataType.FLOAT, Shape.of(1, 3, 5)))
        .build());
    assertMentions(m, "'fc'", "(Gemm)", "must be unidirectionally broadcastable to [M,N]", "[1,3,5]");
  }

  @Test
  void gemmRejectsACThatWouldGrowTheOutput() {
    // Y is [1,5]; C of [3,5] broadcasts with it, but only unidirectionally broadcastable C is allowed.
    String m = rejects(ShapeInferenceException.class, b -> b.node("Gemm").name("fc")
        .inputs(b.input("a", DataType.FLOAT, Shape.of(1, 4)), b.input("w", DataType.FLOAT, Shape.of(4, 5)),
            b.input("c", DataType.FLOAT, Shape.of(3, 5)))
        .build());
    assertMentions(m, "'fc'", "(Gemm)", "C [3,5] must be unidirectionally broadcastable to [M,N] = [1,5]");
  }

  @Test
  void reductionsRejectAxesOutOfRangeAndBadAttributes() {
    String m = rejects(ShapeInferenceException.class, b -> b.node("ReduceMean").name("avg")
        .inputs(b.input("x", DataType.FLOAT, Shape.symbolic("batch", 3))).ints("axes", 2).build());
    assertMentions(m, "'avg'", "(ReduceMean)", "axis 2 is out of range for rank 2");
    m = rejects(ShapeInferenceException.class, b -> b.node("ReduceSum").name("total")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)), b.longs(-3)).build());
    assertMentions(m, "'total'", "(ReduceSum)", "axis -3 is out of range for rank 2");
    m = rejects(ShapeInferenceException.class, b -> b.node("ReduceSum").name("total")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)), b.constant(TensorData.vector(1f))).build());
    assertMentions(m, "'total'", "(ReduceSum)", "input 1 (axes) must be one of [int64], got float32");
    m = rejects(IllegalArgumentException.class, b -> b.node("ReduceMax").name("peak")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3))).attr("axis", 1L).build());
    assertMentions(m, "'peak'", "(ReduceMax)", "unknown attribute 'axis'");
    m = rejects(ShapeInferenceException.class, b -> b.node("ArgMax").name("best")
        .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3))).attr("axis", -3L).build());
    assertMentions(m, "'best'", "(ArgMax)", "axis -3 is out of range for rank 2");
    m = rejects(ShapeInferenceException.class, b -> b.node("ArgMax").name("best")
        .inputs(b.input("x", DataType.BOOL, Shape.of(2, 3))).build());
    assertMentions(m, "'best'", "(ArgMax)", "must be one of", "got bool");
  }
}
