package dev.loca.it.gradcheck;

import static dev.loca.it.gradcheck.GradCheck.check;
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

/**
 * Finite-difference checks of the reduction rules (ReduceGrads), both flavours: constant, negative and
 * absent axes, keepdims 0 and 1, {@code noop_with_empty_axes}, and a symbolic batch dimension.
 */
class ReduceGradTest {

  private static Value reduceSum(GraphBuilder b, Value x, long[] axes, long keepdims) {
    return b.node("ReduceSum").inputs(x, axes == null ? null : b.longs(axes)).attr("keepdims", keepdims).build();
  }

  private static Value reduce(GraphBuilder b, String op, Value x, long[] axes, long keepdims) {
    var n = b.node(op).inputs(x).attr("keepdims", keepdims);
    if (axes != null) {
      n.ints("axes", axes);
    }
    return n.build();
  }

  /**
   * A shuffled grid {@code lo, lo + gap, lo + 2 gap, ...}: no ties, and no two entries closer than
   * {@code gap}, so a finite-difference step of {@link GradCheck#H} never changes which entry is largest.
   */
  static Nd distinct(long seed, double lo, double gap, long... shape) {
    int n = (int) Nd.count(shape);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = lo + gap * i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      double t = d[i];
      d[i] = d[j];
      d[j] = t;
    }
    return Nd.floats(shape, d);
  }

  @Test
  @GradTest("ReduceSum")
  void reduceSumKeepdims() {
    check(c -> List.of(reduceSum(c.b(), c.in("x"), new long[] {1}, 1)),
        wrt("x", Nd.uniform(1, -1, 1, 2, 3, 4)));
  }

  @Test
  @GradTest("ReduceSum")
  void reduceSumNegativeAxesDropped() {
    check(c -> List.of(reduceSum(c.b(), c.in("x"), new long[] {-1, 0}, 0)),
        wrt("x", Nd.uniform(2, -1, 1, 2, 3, 4)));
  }

  @Test
  @GradTest("ReduceSum")
  void reduceSumWithoutAxesReducesAll() {
    check(c -> List.of(reduceSum(c.b(), c.in("x"), null, 0), reduceSum(c.b(), c.in("y"), new long[0], 1)),
        wrt("x", Nd.uniform(3, -1, 1, 3, 2)),
        wrt("y", Nd.uniform(4, -1, 1, 2, 1, 3)));
  }

  @Test
  @GradTest("ReduceSum")
  void reduceSumNoopWithEmptyAxesPassesTheGradientThrough() {
    check(c -> List.of(c.b().node("ReduceSum").inputs(c.in("x"), c.b().longs()).attr("keepdims", 0L)
            .attr("noop_with_empty_axes", 1L).build()),
        wrt("x", Nd.uniform(5, -1, 1, 2, 3)));
  }

  @Test
  @GradTest("ReduceSum")
  void reduceSumOverSymbolicBatch() {
    check(c -> List.of(reduceSum(c.b(), c.in("x"), new long[] {-1}, 0),
            reduceSum(c.b(), c.in("x"), new long[] {0}, 1)),
        wrt("x", Shape.symbolic("batch", 4), Nd.uniform(6, -1, 1, 3, 4)));
  }

  @Test
  @GradTest("ReduceMean")
  void reduceMean() {
    check(c -> List.of(reduce(c.b(), "ReduceMean", c.in("x"), new long[] {1}, 1),
            reduce(c.b(), "ReduceMean", c.in("y"), new long[] {-1, 0}, 0),
            reduce(c.b(), "ReduceMean", c.in("z"), null, 0)),
        wrt("x", Nd.uniform(7, -1, 1, 2, 3, 4)),
        wrt("y", Nd.uniform(8, -1, 1, 2, 3, 4)),
        wrt("z", Nd.uniform(9, -1, 1, 3, 2)));
  }

  @Test
  @GradTest("ReduceMean")
  void reduceMeanOverSymbolicBatchCountsAtRunTime() {
    check(c -> List.of(reduce(c.b(), "ReduceMean", c.in("x"), new long[] {0}, 1),
            reduce(c.b(), "ReduceMean", c.in("x"), new long[] {1, 2}, 0)),
        wrt("x", Shape.symbolic("batch", 3, 2), Nd.uniform(10, -1, 1, 2, 3, 2)));
  }

  @Test
  @GradTest("ReduceMax")
  void reduceMaxWithoutTies() {
    check(c -> List.of(reduce(c.b(), "ReduceMax", c.in("x"), new long[] {1}, 1),
            reduce(c.b(), "ReduceMax", c.in("y"), new long[] {-1, 0}, 0),
            reduce(c.b(), "ReduceMax", c.in("z"), null, 0)),
        wrt("x", distinct(11, -1.2, 0.1, 2, 3, 4)),
        wrt("y", distinct(12, -1.2, 0.1, 2, 3, 4)),
        wrt("z", distinct(13, -0.5, 0.1, 3, 2)));
  }

  @Test
  @GradTest("ReduceMax")
  void reduceMaxOverSymbolicBatch() {
    check(c -> List.of(reduce(c.b(), "ReduceMax", c.in("x"), new long[] {1}, 0)),
        wrt("x", Shape.symbolic("batch", 4), distinct(14, -0.6, 0.1, 3, 4)));
  }

  @Test
  @GradTest("ReduceL2")
  void reduceL2() {
    // |x| >= 0.3 everywhere keeps each norm well away from 0, where the L2 norm has its kink.
    double[] zero = {0};
    check(c -> List.of(reduce(c.b(), "ReduceL2", c.in("x"), new long[] {1}, 1),
            reduce(c.b(), "ReduceL2", c.in("y"), new long[] {-1, 0}, 0),
            reduce(c.b(), "ReduceL2", c.in("z"), null, 0)),
        wrt("x", GradCheck.awayFrom(15, -1, 1, 0.2, zero, 2, 3, 4)),
        wrt("y", GradCheck.awayFrom(16, -1, 1, 0.2, zero, 2, 3, 4)),
        wrt("z", GradCheck.awayFrom(17, -1, 1, 0.2, zero, 3, 2)));
  }

  @Test
  @GradTest("ReduceL2")
  void reduceL2OverSymbolicBatch() {
    check(c -> List.of(reduce(c.b(), "ReduceL2", c.in("x"), new long[] {0}, 1)),
        wrt("x", Shape.symbolic("batch", 3), GradCheck.awayFrom(18, -1, 1, 0.2, new double[] {0}, 2, 3)));
  }

  @Test
  void reduceSumWithAxesComputedAtRunTimeIsRefused() {
    for (Flavour f : Flavour.values()) {
      GraphBuilder b = new GraphBuilder("g", 1);
      Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3));
      Value axes = b.input("axes", DataType.INT64, Shape.of(1));
      Value y = b.node("ReduceSum").inputs(x, axes).attr("keepdims", 1L).build();
      b.output("loss", b.node("ReduceSum").inputs(y).attr("keepdims", 0L).build());
      Graph g = b.build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Backprop.differentiate(g, g.outputs().get(0), List.of(x), f));
      assertTrue(e.getMessage().contains("ReduceSum") && e.getMessage().contains("needs its axes as a constant"),
          e.getMessage());
    }
  }
}
