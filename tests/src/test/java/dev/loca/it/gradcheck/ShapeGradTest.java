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
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.it.ops.Nd;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of the data-moving rules (ShapeGrads), both flavours: reshapes with 0 and -1,
 * broadcasting Expand, Concat/Split with missing gradients, Tile, Slice with negative steps and clamped
 * ends, Gather and GatherElements with negative and repeated indices of both index types, symbolic batch
 * dimensions; and the uses the rules refuse, with their messages.
 */
class ShapeGradTest {

  private static final long MAX = Long.MAX_VALUE;

  private static Nd ints(DataType t, long[] shape, double... v) {
    return Nd.of(t, shape, v);
  }

  // ---------------------------------------------------------------- Reshape, Squeeze, Unsqueeze

  @Test
  @GradTest("Reshape")
  void reshapeWithZeroAndMinusOne() {
    check(c -> List.of(c.b().op("Reshape", c.in("x"), c.b().longs(0, -1)),
            c.b().op("Reshape", c.in("y"), c.b().longs(4, -1, 3))),
        wrt("x", Nd.uniform(1, -1, 1, 2, 3, 4)),
        wrt("y", Nd.uniform(2, -1, 1, 2, 3, 4)));
  }

  @Test
  @GradTest("Reshape")
  void reshapeKeepsSymbolicBatch() {
    check(c -> List.of(c.b().op("Reshape", c.in("x"), c.b().longs(0, -1)),
            c.b().op("Reshape", c.in("x"), c.b().longs(-1, 3, 2))),
        wrt("x", Shape.symbolic("batch", 2, 3), Nd.uniform(3, -1, 1, 2, 2, 3)));
  }

  @Test
  @GradTest("Squeeze")
  void squeezeGivenAndAllAxes() {
    check(c -> List.of(c.b().op("Squeeze", c.in("x"), c.b().longs(1, -1)), c.b().op("Squeeze", c.in("y"))),
        wrt("x", Nd.uniform(4, -1, 1, 2, 1, 3, 1)),
        wrt("y", Nd.uniform(5, -1, 1, 1, 3, 1)));
  }

  @Test
  @GradTest("Squeeze")
  void squeezeKeepsSymbolicBatch() {
    check(c -> List.of(c.b().op("Squeeze", c.in("x"), c.b().longs(-2))),
        wrt("x", Shape.symbolic("batch", 1, 3), Nd.uniform(6, -1, 1, 2, 1, 3)));
  }

  @Test
  @GradTest("Unsqueeze")
  void unsqueezeWithNegativeAxes() {
    check(c -> List.of(c.b().op("Unsqueeze", c.in("x"), c.b().longs(0, -1)),
            c.b().op("Unsqueeze", c.in("z"), c.b().longs(1))),
        wrt("x", Nd.uniform(7, -1, 1, 2, 3)),
        wrt("z", Shape.symbolic("batch", 3), Nd.uniform(8, -1, 1, 2, 3)));
  }

  // ---------------------------------------------------------------- Expand

  @Test
  @GradTest("Expand")
  void expandUpInRankAndAlongSizeOneDims() {
    check(c -> List.of(c.b().op("Expand", c.in("a"), c.b().longs(2, 3, 4)),
            c.b().op("Expand", c.in("b"), c.b().longs(2, 3)),
            c.b().op("Expand", c.in("d"), c.b().longs(3, 1))),
        wrt("a", Nd.uniform(9, -1, 1, 3, 1)),
        wrt("b", Nd.uniform(10, -1, 1, 1)),
        // shape [3, 1] against input [1, 4]: both sides broadcast, the output is [3, 4]
        wrt("d", Nd.uniform(11, -1, 1, 1, 4)));
  }

  @Test
  @GradTest("Expand")
  void expandWithSymbolicBatch() {
    check(c -> List.of(c.b().op("Expand", c.in("x"), c.b().longs(1, 4)),
            c.b().op("Expand", c.in("y"), c.b().longs(3, 1, 2))),
        wrt("x", Shape.symbolic("batch", 1), Nd.uniform(12, -1, 1, 2, 1)),
        wrt("y", Shape.symbolic("batch", 1), Nd.uniform(13, -1, 1, 2, 1)));
  }

  // ---------------------------------------------------------------- Transpose

  @Test
  @GradTest("Transpose")
  void transposeExplicitAndDefaultPerm() {
    check(c -> List.of(c.b().node("Transpose").inputs(c.in("x")).ints("perm", 2, 0, 1).build(),
            c.b().op("Transpose", c.in("y")),
            c.b().node("Transpose").inputs(c.in("z")).ints("perm", 1, 0).build()),
        wrt("x", Nd.uniform(14, -1, 1, 2, 3, 4)),
        wrt("y", Nd.uniform(15, -1, 1, 2, 3, 4)),
        wrt("z", Shape.symbolic("batch", 3), Nd.uniform(16, -1, 1, 2, 3)));
  }

  // ---------------------------------------------------------------- Concat, Split

  @Test
  @GradTest("Concat")
  void concatOfThreeAlongNegativeAxisWithOneFixedInput() {
    check(c -> List.of(c.b().node("Concat").inputs(c.in("a"), c.in("k"), c.in("b")).attr("axis", -1L).build()),
        wrt("a", Nd.uniform(17, -1, 1, 2, 1)),
        fixed("k", Nd.uniform(18, -1, 1, 2, 3)),
        wrt("b", Nd.uniform(19, -1, 1, 2, 2)));
  }

  @Test
  @GradTest("Concat")
  void concatOfThreeWithSymbolicBatchAndRepeatedInput() {
    check(c -> List.of(c.b().node("Concat").inputs(c.in("a"), c.in("b"), c.in("a")).attr("axis", 1L)
            .build()),
        wrt("a", Shape.symbolic("batch", 2, 2), Nd.uniform(20, -1, 1, 2, 2, 2)),
        wrt("b", Shape.symbolic("batch", 3, 2), Nd.uniform(21, -1, 1, 2, 3, 2)));
  }

  @Test
  @GradTest("Concat")
  void concatAlongTheSymbolicBatchAxisSplitsAtRunTimeSizes() {
    check(c -> List.of(c.b().node("Concat").inputs(c.in("a"), c.in("b"), c.in("k")).attr("axis", 0L)
            .build()),
        wrt("a", Shape.symbolic("batch", 3), Nd.uniform(40, -1, 1, 2, 3)),
        wrt("b", Nd.uniform(41, -1, 1, 1, 3)),
        new GradCheck.In("k", Nd.uniform(42, -1, 1, 2, 3), Shape.symbolic("batch", 3), false));
  }

  @Test
  @GradTest("Split")
  void splitInTwoEqualParts() {
    check(c -> c.b().node("Split").inputs(c.in("x")).attr("axis", 1L).build(2),
        wrt("x", Nd.uniform(22, -1, 1, 2, 4, 3)));
  }

  @Test
  @GradTest("Split")
  void splitInThreeWithSizesOnlySomeOutputsUsed() {
    check(c -> {
      List<Value> parts = c.b().node("Split").inputs(c.in("x"), c.b().longs(1, 2, 3)).attr("axis", -1L).build(3);
      List<Value> q = c.b().node("Split").inputs(c.in("y")).attr("axis", 0L).build(3);
      return List.of(parts.get(0), parts.get(2), q.get(1));
    }, wrt("x", Nd.uniform(23, -1, 1, 2, 6)), wrt("y", Nd.uniform(24, -1, 1, 3, 2)));
  }

  @Test
  @GradTest("Split")
  void splitWithSymbolicBatchOneOutputUnused() {
    check(c -> List.of(c.b().node("Split").inputs(c.in("x"), c.b().longs(3, 1)).attr("axis", 1L)
            .build(2).get(0)),
        wrt("x", Shape.symbolic("batch", 4), Nd.uniform(25, -1, 1, 2, 4)));
  }

  // ---------------------------------------------------------------- Tile

  @Test
  @GradTest("Tile")
  void tile() {
    check(c -> List.of(c.b().op("Tile", c.in("x"), c.b().longs(2, 1)),
            c.b().op("Tile", c.in("y"), c.b().longs(2, 3, 1))),
        wrt("x", Nd.uniform(26, -1, 1, 2, 3)),
        wrt("y", Nd.uniform(27, -1, 1, 1, 2, 3)));
  }

  @Test
  @GradTest("Tile")
  void tileOfASymbolicBatch() {
    // the query-major tiling of the teacher memory: [batch, L, D] repeated along the batch
    check(c -> List.of(c.b().op("Tile", c.in("m"), c.b().longs(3, 1, 1))),
        wrt("m", Shape.symbolic("batch", 2, 3), Nd.uniform(28, -1, 1, 2, 2, 3)));
  }

  // ---------------------------------------------------------------- Slice

  private static Value slice(GraphBuilder b, Value x, long[] starts, long[] ends, long[] axes, long[] steps) {
    return b.node("Slice").inputs(x, b.longs(starts), b.longs(ends), axes == null ? null : b.longs(axes),
        steps == null ? null : b.longs(steps)).build();
  }

  @Test
  @GradTest("Slice")
  void sliceWithGivenAxesAndClampedEnds() {
    check(c -> List.of(slice(c.b(), c.in("x"), new long[] {1}, new long[] {100}, new long[] {1}, null),
            slice(c.b(), c.in("x"), new long[] {-3, 0}, new long[] {MAX, 1}, new long[] {-1, 0}, null)),
        wrt("x", Nd.uniform(28, -1, 1, 3, 4, 5)));
  }

  @Test
  @GradTest("Slice")
  void sliceWithNegativeAndLargerSteps() {
    check(c -> List.of(slice(c.b(), c.in("x"), new long[] {-1}, new long[] {-100}, new long[] {1}, new long[] {-2}),
            slice(c.b(), c.in("x"), new long[] {3, 0}, new long[] {0, 5}, new long[] {2, 0}, new long[] {-1, 2}),
            slice(c.b(), c.in("x"), new long[] {MAX}, new long[] {Long.MIN_VALUE}, new long[] {0},
                new long[] {-1})),
        wrt("x", Nd.uniform(29, -1, 1, 3, 4, 5)));
  }

  @Test
  @GradTest("Slice")
  void sliceWithAxesLeftOut() {
    check(c -> List.of(slice(c.b(), c.in("x"), new long[] {0, 1}, new long[] {2, 3}, null, null),
            slice(c.b(), c.in("x"), new long[] {1, 3}, new long[] {3, 0}, null, new long[] {1, -1})),
        wrt("x", Nd.uniform(30, -1, 1, 3, 4)));
  }

  @Test
  @GradTest("Slice")
  void sliceWithInt32Bounds() {
    check(c -> {
      GraphBuilder b = c.b();
      return List.of(b.node("Slice").inputs(c.in("x"), b.constant(TensorData.ofInts(new long[] {1}, -2)),
          b.constant(TensorData.ofInts(new long[] {1}, 0)), b.constant(TensorData.ofInts(new long[] {1}, -1)),
          b.constant(TensorData.ofInts(new long[] {1}, -2))).build());
    }, wrt("x", Nd.uniform(31, -1, 1, 2, 5)));
  }

  /**
   * Fused only (the portable rule refuses these, see below): starts and steps computed at run time, a
   * symbolic batch, and negative steps on the innermost axis, which ORT's SliceGrad cannot take directly.
   */
  @Test
  @GradTest("Slice")
  void fusedSliceWithRunTimeStartsAndSymbolicBatch() {
    GradCheck.check(Flavour.FUSED, c -> List.of(c.b().node("Slice").inputs(c.in("x"), c.in("starts"),
            c.b().longs(3), c.b().longs(1)).build()),
        wrt("x", Nd.uniform(32, -1, 1, 2, 4)),
        fixed("starts", Nd.longs(new long[] {1}, 1)));
    GradCheck.check(Flavour.FUSED, c -> List.of(slice(c.b(), c.in("x"), new long[] {-1}, new long[] {0},
            new long[] {1}, new long[] {-2})),
        wrt("x", Shape.symbolic("batch", 4), Nd.uniform(33, -1, 1, 2, 4)));
    GradCheck.check(Flavour.FUSED, c -> List.of(c.b().node("Slice").inputs(c.in("x"), c.b().longs(0, -1),
            c.b().longs(MAX, -100), c.b().longs(0, -1), c.in("steps")).build()),
        wrt("x", Nd.uniform(34, -1, 1, 2, 4)),
        fixed("steps", Nd.longs(new long[] {2}, 1, -2)));
  }

  // ---------------------------------------------------------------- Gather, GatherElements

  private static Value gather(GraphBuilder b, Value x, Value idx, long axis) {
    return b.node("Gather").inputs(x, idx).attr("axis", axis).build();
  }

  @Test
  @GradTest("Gather")
  void gatherAxis0WithRepeatedAndNegativeIndices() {
    check(c -> List.of(gather(c.b(), c.in("x"), c.in("i"), 0), gather(c.b(), c.in("x"), c.in("j"), 0)),
        wrt("x", Nd.uniform(34, -1, 1, 4, 3)),
        fixed("i", ints(DataType.INT64, new long[] {4}, 1, -1, 1, 0)),
        fixed("j", ints(DataType.INT32, new long[] {2, 2}, 3, -4, 2, 2)));
  }

  @Test
  @GradTest("Gather")
  void gatherAxis1WithRankTwoIndices() {
    check(c -> List.of(gather(c.b(), c.in("x"), c.in("i"), 1), gather(c.b(), c.in("x"), c.in("j"), 1)),
        wrt("x", Nd.uniform(35, -1, 1, 2, 4, 3)),
        fixed("i", ints(DataType.INT32, new long[] {2, 3}, 0, -4, 3, 0, 1, -1)),
        fixed("j", ints(DataType.INT64, new long[] {3}, 2, 2, -3)));
  }

  @Test
  @GradTest("Gather")
  void gatherLastAxisWithScalarIndex() {
    check(c -> List.of(gather(c.b(), c.in("x"), c.in("i"), -1), gather(c.b(), c.in("x"), c.in("j"), -1),
            gather(c.b(), c.in("x"), c.in("k"), 0)),
        wrt("x", Nd.uniform(36, -1, 1, 2, 3, 4)),
        fixed("i", ints(DataType.INT64, new long[0], -2)),
        fixed("j", ints(DataType.INT32, new long[0], 1)),
        fixed("k", ints(DataType.INT64, new long[0], 1)));
  }

  @Test
  @GradTest("Gather")
  void gatherWithSymbolicBatch() {
    check(c -> List.of(gather(c.b(), c.in("x"), c.in("i"), 1),
            gather(c.b(), c.in("x"), c.in("j"), 0)),
        wrt("x", Shape.symbolic("batch", 5), Nd.uniform(37, -1, 1, 2, 5)),
        fixed("i", ints(DataType.INT64, new long[] {3}, 4, -1, 0)),
        fixed("j", ints(DataType.INT64, new long[] {3}, 1, -1, 1)));
  }

  @Test
  @GradTest("GatherElements")
  void gatherElementsWithRepeatedIndices() {
    check(c -> List.of(c.b().node("GatherElements").inputs(c.in("x"), c.in("i")).attr("axis", 0L).build(),
            c.b().node("GatherElements").inputs(c.in("x"), c.in("j")).attr("axis", 1L).build()),
        wrt("x", Nd.uniform(38, -1, 1, 3, 4)),
        fixed("i", ints(DataType.INT64, new long[] {2, 4}, 0, 2, 2, 1, 0, 2, 1, 1)),
        fixed("j", ints(DataType.INT32, new long[] {3, 5}, 1, 1, 0, 3, 1, 2, 2, 2, 0, 3, 3, 0, 3, 1, 3)));
  }

  @Test
  @GradTest("GatherElements")
  void gatherElementsWithNegativeAxisAndIndices() {
    check(c -> List.of(c.b().node("GatherElements").inputs(c.in("x"), c.in("i")).attr("axis", -1L).build()),
        wrt("x", Nd.uniform(39, -1, 1, 2, 3)),
        fixed("i", ints(DataType.INT64, new long[] {2, 4}, -1, 0, -3, 2, 1, -2, 1, -1)));
  }

  // ---------------------------------------------------------------- refused uses

  /** Builds {@code sum(body(x, ...))}, differentiates it with respect to the float input "x", returns the error. */
  private static IllegalArgumentException refused(Flavour f, Function<GraphBuilder, Value> body) {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value y = body.apply(b);
    b.output("loss", b.node("ReduceSum").inputs(y).attr("keepdims", 0L).build());
    Graph g = b.build();
    Value x = g.inputs().stream().filter(v -> v.name().equals("x")).findFirst().orElseThrow();
    return assertThrows(IllegalArgumentException.class,
        () -> Backprop.differentiate(g, g.outputs().get(0), List.of(x), f));
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
    }
  }

  @Test
  void portableSliceWithRunTimeStartIsRefused() {
    assertMentions(refused(Flavour.PORTABLE, b -> b.node("Slice").name("cut").inputs(
            b.input("x", DataType.FLOAT, Shape.of(2, 4)), b.input("starts", DataType.INT64, Shape.of(1)),
            b.longs(3), b.longs(1)).build()),
        "portable gradient of 'cut'", "needs input 1 as a constant", "use the fused flavour");
  }

  @Test
  void portableSliceOfASymbolicShapeIsRefused() {
    assertMentions(refused(Flavour.PORTABLE, b -> b.node("Slice").name("cut").inputs(
            b.input("x", DataType.FLOAT, Shape.symbolic("batch", 4)), b.longs(1), b.longs(3), b.longs(1)).build()),
        "portable gradient of 'cut'", "needs a static input shape", "use the fused flavour");
  }

  @Test
  void tileWithRunTimeRepeatsIsRefused() {
    for (Flavour f : Flavour.values()) {
      assertMentions(refused(f, b -> b.node("Tile").name("tile").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)),
          b.input("reps", DataType.INT64, Shape.of(2))).build()), "'tile'", "needs constant repeats");
    }
  }
}
