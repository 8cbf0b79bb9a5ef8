package dev.loca.it.ops;

import static dev.loca.it.ops.OrtOps.assertClose;
import static dev.loca.it.ops.OrtOps.assertExact;
import static dev.loca.it.ops.OrtOps.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Shape-moving ops (ShapeOps) and indexing ops (IndexingOps) through ONNX Runtime against Java reference
 * computations, with the builder's inferred shapes checked against ORT's (and, where the point of a case is
 * that a symbolic dimension survives, against the exact expected shape).
 */
class ShapeAndIndexingOpsTest {

  private static final long MAX = Long.MAX_VALUE;
  private static final long MIN = Long.MIN_VALUE;

  // ---------------------------------------------------------------- Reshape

  @Test
  @OpTest("Reshape")
  void reshapeCopiesZerosInfersMinusOneAndKeepsTheBatch() {
    long[][] symTargets = {{0, 12}, {-1, 12}, {0, -1}, {0, 2, -1}, {0, 3, 2, 2}, {-1, 4}};
    Shape[] symExpected = {Shape.symbolic("batch", 12), Shape.symbolic("batch", 12), Shape.symbolic("batch", 12),
        Shape.symbolic("batch", 2, 6), Shape.symbolic("batch", 3, 2, 2), null};
    long[][] staticTargets = {{4, -1}, {4, 0, -1}, {24}, {-1}, {2, 0, 2, 2}};
    Shape[] staticExpected = {Shape.of(4, 6), Shape.of(4, 3, 2), Shape.of(24), Shape.of(24), Shape.of(2, 3, 2, 2)};
    Nd x = Nd.uniform(11, -1, 1, 2, 3, 4);
    Nd y = Nd.uniform(12, -1, 1, 2, 3, 4);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      for (long[] t : symTargets) {
        built.add(c.b().op("Reshape", c.in("x"), c.b().longs(t)));
      }
      for (long[] t : staticTargets) {
        built.add(c.b().op("Reshape", c.in("y"), c.b().longs(t)));
      }
      return built;
    }, feed("x", Shape.symbolic("batch", 3, 4), x), feed("y", y));
    for (int i = 0; i < symTargets.length; i++) {
      if (symExpected[i] != null) {
        assertEquals(symExpected[i], built.get(i).shape(), "inferred shape for " + Arrays.toString(symTargets[i]));
      }
      assertClose(reshapeRef(x, symTargets[i]), out.get(i));
    }
    for (int i = 0; i < staticTargets.length; i++) {
      int k = symTargets.length + i;
      assertEquals(staticExpected[i], built.get(k).shape());
      assertClose(reshapeRef(y, staticTargets[i]), out.get(k));
    }
  }

  @Test
  void reshapeRejectsImpossibleTargets() {
    assertRejects(b -> b.node("Reshape").name("bad_reshape")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3, 4)), b.longs(2, 3, 5)).build(),
        "bad_reshape", "(Reshape)", "24 elements", "30 elements");
    assertRejects(b -> b.node("Reshape").name("two_minus_ones")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3, 4)), b.longs(-1, 2, -1)).build(),
        "two_minus_ones", "more than one -1");
    assertRejects(b -> b.node("Reshape").name("bad_infer")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3, 4)), b.longs(5, -1)).build(),
        "bad_infer", "cannot reshape");
  }

  // ---------------------------------------------------------------- Transpose

  @Test
  @OpTest("Transpose")
  void transposeReversesByDefaultAndFollowsPerm() {
    Nd x = Nd.uniform(21, -1, 1, 2, 3, 4);
    Nd y = Nd.uniform(22, -1, 1, 2, 3, 4, 5);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("Transpose", c.in("x")));
      built.add(b.node("Transpose").inputs(c.in("x")).ints("perm", 1, 0, 2).build());
      built.add(b.node("Transpose").inputs(c.in("x")).ints("perm", 0, 2, 1).build());
      built.add(b.node("Transpose").inputs(c.in("y")).ints("perm", 2, 0, 3, 1).build());
      return built;
    }, feed("x", Shape.symbolic("batch", 3, 4), x), feed("y", y));
    assertEquals(Shape.symbolic(4, 3, "batch"), built.get(0).shape());
    assertEquals(Shape.symbolic(3, "batch", 4), built.get(1).shape());
    assertEquals(Shape.symbolic("batch", 4, 3), built.get(2).shape());
    assertClose(transposeRef(x, 2, 1, 0), out.get(0));
    assertClose(transposeRef(x, 1, 0, 2), out.get(1));
    assertClose(transposeRef(x, 0, 2, 1), out.get(2));
    assertClose(transposeRef(y, 2, 0, 3, 1), out.get(3));
  }

  @Test
  void transposeRejectsBadPerms() {
    assertRejects(b -> b.node("Transpose").name("dup_perm")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3, 4))).ints("perm", 0, 0, 1).build(),
        "dup_perm", "(Transpose)", "[0, 0, 1]", "not a permutation");
    assertRejects(b -> b.node("Transpose").name("short_perm")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3, 4))).ints("perm", 1, 0).build(),
        "short_perm", "must have 3 entries");
  }

  // ---------------------------------------------------------------- Concat

  @Test
  @OpTest("Concat")
  void concatAlongPositiveAndNegativeAxesKeepsTheBatch() {
    Nd a = Nd.uniform(31, -1, 1, 2, 2, 3);
    Nd bb = Nd.uniform(32, -1, 1, 2, 1, 3);
    Nd cc = Nd.uniform(33, -1, 1, 2, 4, 3);
    Nd d = Nd.uniform(34, -1, 1, 2, 2, 1);
    Nd p = Nd.uniform(35, -1, 1, 1, 3);
    Nd q = Nd.uniform(36, -1, 1, 2, 3);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.node("Concat").inputs(c.in("a"), c.in("b"), c.in("c")).attr("axis", 1L).build());
      built.add(b.node("Concat").inputs(c.in("a"), c.in("d")).attr("axis", -1L).build());
      built.add(b.node("Concat").inputs(c.in("p"), c.in("q"), c.in("p")).attr("axis", 0L).build());
      built.add(b.node("Concat").inputs(c.in("a"), c.in("a")).attr("axis", -3L).build());
      return built;
    }, feed("a", Shape.symbolic("batch", 2, 3), a), feed("b", Shape.symbolic("batch", 1, 3), bb),
        feed("c", Shape.symbolic("batch", 4, 3), cc), feed("d", Shape.symbolic("batch", 2, 1), d),
        feed("p", p), feed("q", q));
    assertEquals(Shape.symbolic("batch", 7, 3), built.get(0).shape());
    assertEquals(Shape.symbolic("batch", 2, 4), built.get(1).shape());
    assertEquals(Shape.of(4, 3), built.get(2).shape());
    assertClose(concatRef(1, a, bb, cc), out.get(0));
    assertClose(concatRef(2, a, d), out.get(1));
    assertClose(concatRef(0, p, q, p), out.get(2));
    assertClose(concatRef(0, a, a), out.get(3));
  }

  @Test
  void concatRejectsMismatchedInputs() {
    assertRejects(b -> b.node("Concat").name("bad_concat").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)),
            b.input("y", DataType.FLOAT, Shape.of(2, 4))).attr("axis", 0L).build(),
        "bad_concat", "(Concat)", "dimension 1", "concat axis 0");
    assertRejects(b -> b.node("Concat").name("rank_concat").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)),
            b.input("y", DataType.FLOAT, Shape.of(2, 3, 1))).attr("axis", 0L).build(),
        "rank_concat", "rank 2", "input 1");
    assertRejects(b -> b.node("Concat").name("no_axis").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)))
        .build(), "no_axis", "attribute 'axis'", "required");
  }

  // ---------------------------------------------------------------- Split

  @Test
  @OpTest("Split")
  void splitEquallyAndBySizes() {
    Nd x = Nd.uniform(41, -1, 1, 2, 6);
    Nd y = Nd.uniform(42, -1, 1, 4, 2);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.addAll(b.node("Split").inputs(c.in("x")).attr("axis", 1L).build(2));
      built.addAll(b.node("Split").inputs(c.in("x")).attr("axis", -1L).build(3));
      built.addAll(b.node("Split").inputs(c.in("x"), b.longs(1, 2, 3)).attr("axis", 1L).build(3));
      built.addAll(b.node("Split").inputs(c.in("y")).build(2));
      return built;
    }, feed("x", Shape.symbolic("batch", 6), x), feed("y", y));
    long[][] expectedWidths = {{3, 3}, {2, 2, 2}, {1, 2, 3}};
    int k = 0;
    for (long[] widths : expectedWidths) {
      long start = 0;
      for (long w : widths) {
        assertEquals(Shape.symbolic("batch", w), built.get(k).shape());
        assertClose(sliceRef(x, new long[] {start}, new long[] {start + w}, new long[] {1}, null), out.get(k));
        start += w;
        k++;
      }
    }
    for (long r = 0; r < 4; r += 2) {
      assertEquals(Shape.of(2, 2), built.get(k).shape());
      assertClose(sliceRef(y, new long[] {r}, new long[] {r + 2}, new long[] {0}, null), out.get(k++));
    }
  }

  @Test
  void splitRejectsSizesThatDoNotFit() {
    assertRejects(b -> b.node("Split").name("bad_sizes").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 6)),
            b.longs(1, 2)).attr("axis", 1L).build(2),
        "bad_sizes", "(Split)", "do not add up", "size 6");
    assertRejects(b -> b.node("Split").name("uneven").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 6)))
            .attr("axis", 1L).build(4),
        "uneven", "cannot be split into 4 equal parts");
    assertRejects(b -> b.node("Split").name("count").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 6)),
            b.longs(3, 3)).attr("axis", 1L).build(3),
        "count", "2 sizes", "3 outputs");
  }

  // ---------------------------------------------------------------- Squeeze, Unsqueeze

  @Test
  @OpTest("Squeeze")
  void squeezeGivenAxesOrAllOnes() {
    Nd x = Nd.uniform(51, -1, 1, 2, 1, 3, 1);
    Nd y = Nd.uniform(52, -1, 1, 1, 3, 1, 2);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("Squeeze", c.in("x"), b.longs(1, -1)));
      built.add(b.op("Squeeze", c.in("x"), b.longs(-3)));
      built.add(b.op("Squeeze", c.in("y")));
      built.add(b.op("Squeeze", c.in("y"), b.longs(0)));
      return built;
    }, feed("x", Shape.symbolic("batch", 1, 3, 1), x), feed("y", y));
    assertEquals(Shape.symbolic("batch", 3), built.get(0).shape());
    assertEquals(Shape.symbolic("batch", 3, 1), built.get(1).shape());
    assertEquals(Shape.of(3, 2), built.get(2).shape());
    assertClose(squeezeRef(x, 1, 3), out.get(0));
    assertClose(squeezeRef(x, 1), out.get(1));
    assertClose(squeezeRef(y, 0, 2), out.get(2));
    assertClose(squeezeRef(y, 0), out.get(3));
  }

  @Test
  @OpTest("Unsqueeze")
  void unsqueezeSeveralAxesIncludingNegative() {
    Nd x = Nd.uniform(53, -1, 1, 2, 3);
    Nd s = Nd.floats(new long[0], 2.5);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("Unsqueeze", c.in("x"), b.longs(0, -1)));
      built.add(b.op("Unsqueeze", c.in("x"), b.longs(-1, 1)));
      built.add(b.op("Unsqueeze", c.in("x"), b.longs(2, 0)));
      built.add(b.op("Unsqueeze", c.in("s"), b.longs(0)));
      return built;
    }, feed("x", Shape.symbolic("batch", 3), x), feed("s", s));
    Shape[] expected = {Shape.symbolic(1, "batch", 3, 1), Shape.symbolic("batch", 1, 3, 1),
        Shape.symbolic(1, "batch", 1, 3), Shape.of(1)};
    long[][] outShapes = {{1, 2, 3, 1}, {2, 1, 3, 1}, {1, 2, 1, 3}, {1}};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], built.get(i).shape());
      Nd src = i < 3 ? x : s;
      // Unsqueeze keeps the elements in order; only the shape changes.
      assertClose(new Nd(DataType.FLOAT, outShapes[i], src.data.clone()), out.get(i));
    }
  }

  @Test
  void squeezeAndUnsqueezeRejectBadAxes() {
    assertRejects(b -> b.node("Squeeze").name("bad_squeeze")
            .inputs(b.input("x", DataType.FLOAT, Shape.symbolic("batch", 1, 3)), b.longs(2)).build(),
        "bad_squeeze", "(Squeeze)", "axis 2 of size 3");
    assertRejects(b -> b.node("Unsqueeze").name("dup_axes")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)), b.longs(1, 1)).build(),
        "dup_axes", "(Unsqueeze)", "repeat an axis");
    assertRejects(b -> b.node("Unsqueeze").name("far_axis")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)), b.longs(4)).build(),
        "far_axis", "axis 4 is out of range for rank 3");
  }

  // ---------------------------------------------------------------- Expand, Tile

  @Test
  @OpTest("Expand")
  void expandBroadcastsUpInRankAndAlongOnes() {
    Nd x = Nd.uniform(61, -1, 1, 2, 1, 3);
    Nd y = Nd.uniform(62, -1, 1, 3, 1);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("Expand", c.in("y"), b.longs(2, 1, 4)));
      built.add(b.op("Expand", c.in("x"), b.longs(1, 4, 1)));
      built.add(b.op("Expand", c.in("x"), b.longs(3)));
      built.add(b.op("Expand", c.in("y"), b.longs(2, 3, 1)));
      return built;
    }, feed("x", Shape.symbolic("batch", 1, 3), x), feed("y", y));
    assertEquals(Shape.of(2, 3, 4), built.get(0).shape());
    assertEquals(Shape.symbolic("batch", 4, 3), built.get(1).shape());
    assertEquals(Shape.symbolic("batch", 1, 3), built.get(2).shape());
    assertEquals(Shape.of(2, 3, 1), built.get(3).shape());
    assertClose(expandRef(y, 2, 1, 4), out.get(0));
    assertClose(expandRef(x, 1, 4, 1), out.get(1));
    assertClose(expandRef(x, 3), out.get(2));
    assertClose(expandRef(y, 2, 3, 1), out.get(3));
  }

  @Test
  @OpTest("Tile")
  void tileRepeatsEachAxis() {
    Nd x = Nd.uniform(63, -1, 1, 2, 3);
    Nd y = Nd.uniform(64, -1, 1, 2, 3);
    Nd z = Nd.uniform(65, -1, 1, 2, 1, 2);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("Tile", c.in("y"), b.longs(2, 3)));
      built.add(b.op("Tile", c.in("x"), b.longs(1, 2)));
      built.add(b.op("Tile", c.in("x"), b.longs(2, 1)));
      built.add(b.op("Tile", c.in("z"), b.longs(1, 3, 2)));
      return built;
    }, feed("x", Shape.symbolic("batch", 3), x), feed("y", y), feed("z", z));
    assertEquals(Shape.of(4, 9), built.get(0).shape());
    assertEquals(Shape.symbolic("batch", 6), built.get(1).shape());
    assertEquals(Shape.of(2, 3, 4), built.get(3).shape());
    assertClose(tileRef(y, 2, 3), out.get(0));
    assertClose(tileRef(x, 1, 2), out.get(1));
    assertClose(tileRef(x, 2, 1), out.get(2));
    assertClose(tileRef(z, 1, 3, 2), out.get(3));
  }

  @Test
  void expandAndTileRejectBadShapes() {
    assertRejects(b -> b.node("Expand").name("bad_expand")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(3, 2)), b.longs(4)).build(),
        "bad_expand", "(Expand)", "cannot be broadcast");
    assertRejects(b -> b.node("Expand").name("int_shape").inputs(b.input("x", DataType.FLOAT, Shape.of(3, 1)),
            b.constant(TensorData.ofInts(new long[] {2}, 3, 4))).build(),
        "int_shape", "input 1 (shape)", "got int32");
    assertRejects(b -> b.node("Tile").name("bad_tile")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)), b.longs(2)).build(),
        "bad_tile", "(Tile)", "repeats has 1 entries", "rank 2");
  }

  // ---------------------------------------------------------------- Shape, Size

  @Test
  @OpTest("Shape")
  void shapeWithAndWithoutStartAndEnd() {
    Nd x = Nd.uniform(71, -1, 1, 2, 3, 4);
    Long[][] ranges = {{null, null}, {1L, null}, {-2L, -1L}, {null, -1L}, {-10L, 10L}, {2L, 1L}};
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      for (Long[] r : ranges) {
        var n = c.b().node("Shape").inputs(c.in("x"));
        if (r[0] != null) {
          n.attr("start", r[0].longValue());
        }
        if (r[1] != null) {
          n.attr("end", r[1].longValue());
        }
        built.add(n.build());
      }
      return built;
    }, feed("x", Shape.symbolic("batch", 3, 4), x));
    for (int i = 0; i < ranges.length; i++) {
      Nd expected = shapeRef(x.shape, ranges[i][0], ranges[i][1]);
      assertEquals(Shape.of(expected.shape), built.get(i).shape());
      assertExact(expected, out.get(i));
    }
  }

  @Test
  @OpTest("Size")
  void sizeCountsElements() {
    Nd x = Nd.uniform(72, -1, 1, 2, 3, 4);
    Nd s = Nd.floats(new long[0], 1.5);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("Size", c.in("x")), c.b().op("Size", c.in("s"))),
        feed("x", Shape.symbolic("batch", 3, 4), x), feed("s", s));
    assertExact(Nd.longs(new long[0], Nd.count(x.shape)), out.get(0));
    assertExact(Nd.longs(new long[0], 1), out.get(1));
  }

  @Test
  void shapeAndSizeRejectMisuse() {
    assertRejects(b -> b.node("Shape").name("shape_axis").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)))
        .attr("axis", 1L).build(), "shape_axis", "(Shape)", "unknown attribute 'axis'");
    assertRejects(b -> b.node("Shape").name("float_start").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)))
        .attr("start", 1f).build(), "float_start", "attribute 'start' must be INT, got FLOAT");
    assertRejects(b -> b.node("Size").name("two_in").inputs(b.input("x", DataType.FLOAT, Shape.of(2, 3)),
        b.input("y", DataType.FLOAT, Shape.of(2, 3))).build(), "two_in", "(Size)", "takes 1 inputs, got 2");
  }

  // ---------------------------------------------------------------- ConstantOfShape, Range, Constant

  @Test
  @OpTest("ConstantOfShape")
  void constantOfShapeDefaultsToFloatZero() {
    Nd x = Nd.uniform(81, -1, 1, 2, 3);
    Nd y = Nd.uniform(82, -1, 1, 2, 2);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("ConstantOfShape", b.longs(2, 3)));
      built.add(b.node("ConstantOfShape").inputs(b.longs(3))
          .attr("value", TensorData.ofLongs(new long[] {1}, 7)).build());
      built.add(b.node("ConstantOfShape").inputs(b.op("Shape", c.in("x")))
          .attr("value", TensorData.ofFloats(new long[] {1}, 1.5f)).build());
      built.add(b.op("ConstantOfShape", b.op("Shape", c.in("y"))));
      return built;
    }, feed("x", Shape.symbolic("batch", 3), x), feed("y", y));
    assertEquals(DataType.FLOAT, built.get(0).dtype());
    assertEquals(Shape.of(2, 3), built.get(0).shape());
    assertEquals(DataType.INT64, built.get(1).dtype());
    assertEquals(Shape.of(3), built.get(1).shape());
    assertEquals(2, built.get(2).shape().rank());
    assertEquals(Shape.of(2, 2), built.get(3).shape()); // the Shape of a static input folds to a constant
    assertExact(filled(DataType.FLOAT, 0, 2, 3), out.get(0));
    assertExact(filled(DataType.INT64, 7, 3), out.get(1));
    assertExact(filled(DataType.FLOAT, 1.5, x.shape), out.get(2));
    assertExact(filled(DataType.FLOAT, 0, y.shape), out.get(3));
  }

  @Test
  @OpTest("Range")
  void rangeOfIntsAndFloatsWithNegativeDeltas() {
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("Range", b.constant(TensorData.scalar(10L)), b.constant(TensorData.scalar(2L)),
          b.constant(TensorData.scalar(-3L))));
      built.add(b.op("Range", b.scalar(0.5f), b.scalar(2.0f), b.scalar(0.4f)));
      built.add(b.op("Range", b.scalar(1f), b.scalar(-1f), b.scalar(-0.75f)));
      built.add(b.op("Range", c.in("start"), c.in("limit"), c.in("delta")));
      return built;
    }, feed("start", Nd.longs(new long[0], -3)), feed("limit", Nd.longs(new long[0], 5)),
        feed("delta", Nd.longs(new long[0], 2)));
    assertEquals(Shape.of(3), built.get(0).shape());
    assertEquals(Shape.of(4), built.get(1).shape());
    assertEquals(Shape.of(3), built.get(2).shape());
    assertEquals(1, built.get(3).shape().rank());
    assertExact(rangeRef(DataType.INT64, 10, 2, -3), out.get(0));
    assertClose(rangeRef(DataType.FLOAT, 0.5f, 2.0f, 0.4f), out.get(1));
    assertClose(rangeRef(DataType.FLOAT, 1f, -1f, -0.75f), out.get(2));
    assertExact(rangeRef(DataType.INT64, -3, 5, 2), out.get(3));
  }

  @Test
  @OpTest("Constant")
  void constantFromEachKindOfValueAttribute() {
    TensorData t = TensorData.ofFloats(new long[] {2, 3}, 1, -2, 3.5f, 0, 0.25f, -7);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.node("Constant").attr("value", t).build());
      built.add(b.node("Constant").attr("value_float", 2.5f).build());
      built.add(b.node("Constant").ints("value_ints", 3, -1, 4).build());
      built.add(b.node("Constant").attr("value_int", 7L).build());
      built.add(b.node("Constant").floats("value_floats", 0.5f, -1.5f).build());
      return built;
    });
    assertEquals(Shape.of(2, 3), built.get(0).shape());
    assertClose(Nd.floats(new long[] {2, 3}, 1, -2, 3.5, 0, 0.25, -7), out.get(0));
    assertClose(Nd.floats(new long[0], 2.5), out.get(1));
    assertExact(Nd.longs(new long[] {3}, 3, -1, 4), out.get(2));
    assertExact(Nd.longs(new long[0], 7), out.get(3));
    assertClose(Nd.floats(new long[] {2}, 0.5, -1.5), out.get(4));
  }

  @Test
  void generatorsRejectMisuse() {
    assertRejects(b -> b.node("ConstantOfShape").name("cos_rank")
            .inputs(b.constant(TensorData.ofLongs(new long[] {1, 2}, 2, 3))).build(),
        "cos_rank", "(ConstantOfShape)", "must have rank 1");
    assertRejects(b -> b.node("Range").name("zero_delta").inputs(b.constant(TensorData.scalar(0L)),
            b.constant(TensorData.scalar(4L)), b.constant(TensorData.scalar(0L))).build(),
        "zero_delta", "(Range)", "delta must not be 0");
    assertRejects(b -> b.node("Range").name("vector_start").inputs(b.longs(0), b.constant(TensorData.scalar(4L)),
            b.constant(TensorData.scalar(1L))).build(),
        "vector_start", "input 0 (start) must be a scalar");
    assertRejects(b -> b.node("Range").name("mixed").inputs(b.scalar(0f), b.constant(TensorData.scalar(4L)),
            b.scalar(1f)).build(),
        "mixed", "same element type", "float32 and int64");
    assertRejects(b -> b.node("Constant").name("empty_const").build(), "empty_const", "(Constant)", "got 0");
    assertRejects(b -> b.node("Constant").name("two_values").attr("value_float", 1f).attr("value_int", 1L)
        .build(), "two_values", "exactly one of", "got 2");
  }

  // ---------------------------------------------------------------- Gather, GatherElements

  @Test
  @OpTest("Gather")
  void gatherAlongAxesWithIntAndLongIndices() {
    Nd x = Nd.uniform(91, -1, 1, 2, 4, 3);
    Nd y = Nd.uniform(92, -1, 1, 3, 4);
    Nd i32 = Nd.of(DataType.INT32, new long[] {3}, 2, -3, 1);
    Nd i32r2 = Nd.of(DataType.INT32, new long[] {2, 2}, 3, -4, 0, -1);
    Nd idxRank2 = Nd.longs(new long[] {2, 2}, 0, -1, 3, 1);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.node("Gather").inputs(c.in("x"), b.constant(TensorData.ofLongs(new long[] {2, 2}, 0, -1, 3, 1)))
          .attr("axis", 1L).build());
      built.add(b.op("Gather", c.in("y"), c.in("i32")));
      built.add(b.node("Gather").inputs(c.in("y"), b.constant(TensorData.scalar(-1L))).attr("axis", 1L).build());
      built.add(b.node("Gather").inputs(c.in("y"), c.in("i32r2")).attr("axis", -1L).build());
      return built;
    }, feed("x", Shape.symbolic("batch", 4, 3), x), feed("y", y), feed("i32", i32), feed("i32r2", i32r2));
    assertEquals(Shape.symbolic("batch", 2, 2, 3), built.get(0).shape());
    assertEquals(Shape.of(3, 4), built.get(1).shape());
    assertEquals(Shape.of(3), built.get(2).shape());
    assertEquals(Shape.of(3, 2, 2), built.get(3).shape());
    assertClose(gatherRef(x, idxRank2, 1), out.get(0));
    assertClose(gatherRef(y, i32, 0), out.get(1));
    assertClose(gatherRef(y, Nd.longs(new long[0], -1), 1), out.get(2));
    assertClose(gatherRef(y, i32r2, 1), out.get(3));
  }

  @Test
  @OpTest("GatherElements")
  void gatherElementsAlongBothAxes() {
    Nd y = Nd.uniform(93, -1, 1, 3, 4);
    Nd x = Nd.uniform(94, -1, 1, 2, 4);
    Nd idx0 = Nd.longs(new long[] {2, 4}, 0, 2, -1, 1, -3, 1, 2, 0);
    Nd idx1 = Nd.of(DataType.INT32, new long[] {2, 2}, 3, -4, 1, -1);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("GatherElements", c.in("y"),
          b.constant(TensorData.ofLongs(new long[] {2, 4}, 0, 2, -1, 1, -3, 1, 2, 0))));
      built.add(b.node("GatherElements").inputs(c.in("x"), c.in("i")).attr("axis", 1L).build());
      built.add(b.node("GatherElements").inputs(c.in("y"), b.constant(TensorData.ofLongs(new long[] {3, 1},
          3, 0, -2))).attr("axis", -1L).build());
      return built;
    }, feed("y", y), feed("x", Shape.symbolic("batch", 4), x), feed("i", Shape.symbolic("batch", 2), idx1));
    assertEquals(Shape.of(2, 4), built.get(0).shape());
    assertEquals(Shape.symbolic("batch", 2), built.get(1).shape());
    assertClose(gatherElementsRef(y, idx0, 0), out.get(0));
    assertClose(gatherElementsRef(x, idx1, 1), out.get(1));
    assertClose(gatherElementsRef(y, Nd.longs(new long[] {3, 1}, 3, 0, -2), 1), out.get(2));
  }

  @Test
  void gathersRejectBadIndicesAndAxes() {
    assertRejects(b -> b.node("Gather").name("float_idx").inputs(b.input("x", DataType.FLOAT, Shape.of(3, 4)),
            b.input("i", DataType.FLOAT, Shape.of(2))).build(),
        "float_idx", "(Gather)", "input 1 (indices)", "got float32");
    assertRejects(b -> b.node("Gather").name("far_axis").inputs(b.input("x", DataType.FLOAT, Shape.of(3, 4)),
            b.longs(0)).attr("axis", 2L).build(),
        "far_axis", "axis 2 is out of range for rank 2");
    assertRejects(b -> b.node("GatherElements").name("rank_ge")
            .inputs(b.input("x", DataType.FLOAT, Shape.of(3, 4)), b.longs(0, 1)).build(),
        "rank_ge", "(GatherElements)", "same rank", "[3,4]");
  }

  // ---------------------------------------------------------------- ScatterElements, ScatterND

  @Test
  @OpTest("ScatterElements")
  void scatterElementsReplacesOrAccumulatesDuplicates() {
    Nd y = Nd.uniform(101, -1, 1, 3, 4);
    Nd u0 = Nd.uniform(102, -1, 1, 2, 4);
    Nd idx0 = Nd.longs(new long[] {2, 4}, 0, 2, -1, 1, 1, 0, 0, 2);
    Nd x = Nd.uniform(103, -1, 1, 2, 4);
    Nd idx1 = Nd.of(DataType.INT32, new long[] {2, 3}, 1, 1, 3, 0, -1, 0);
    Nd u1 = Nd.uniform(104, -1, 1, 2, 3);
    Nd idx2 = Nd.longs(new long[] {3, 2}, 0, 1, 0, 1, 2, 1);
    Nd u2 = Nd.uniform(105, 0.5, 2, 3, 2);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("ScatterElements", c.in("y"),
          b.constant(TensorData.ofLongs(new long[] {2, 4}, 0, 2, -1, 1, 1, 0, 0, 2)), c.in("u0")));
      built.add(b.node("ScatterElements").inputs(c.in("x"), c.in("i1"), c.in("u1")).attr("axis", 1L)
          .attr("reduction", "add").build());
      built.add(b.node("ScatterElements").inputs(c.in("y"), b.constant(TensorData.ofLongs(new long[] {3, 2},
          0, 1, 0, 1, 2, 1)), c.in("u2")).attr("axis", -2L).attr("reduction", "mul").build());
      return built;
    }, feed("y", y), feed("u0", u0), feed("x", Shape.symbolic("batch", 4), x),
        feed("i1", Shape.symbolic("batch", 3), idx1), feed("u1", Shape.symbolic("batch", 3), u1), feed("u2", u2));
    assertEquals(Shape.symbolic("batch", 4), built.get(1).shape());
    assertClose(scatterElementsRef(y, idx0, u0, 0, "none"), out.get(0));
    assertClose(scatterElementsRef(x, idx1, u1, 1, "add"), out.get(1));
    assertClose(scatterElementsRef(y, idx2, u2, 0, "mul"), out.get(2));
  }

  @Test
  @OpTest("ScatterND")
  void scatterNdReplacesSlicesOrAddsDuplicates() {
    Nd y = Nd.uniform(111, -1, 1, 4, 3);
    Nd rows = Nd.longs(new long[] {2, 1}, 2, 0);
    Nd uRows = Nd.uniform(112, -1, 1, 2, 3);
    Nd points = Nd.longs(new long[] {2, 2}, 1, 2, -1, 0);
    Nd uPoints = Nd.uniform(113, -1, 1, 2);
    Nd x = Nd.uniform(114, -1, 1, 2, 3);
    Nd dup = Nd.longs(new long[] {3, 2}, 0, 1, 0, 1, 1, 2);
    Nd uDup = Nd.uniform(115, -1, 1, 3);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      built.add(b.op("ScatterND", c.in("y"), b.constant(TensorData.ofLongs(new long[] {2, 1}, 2, 0)),
          c.in("uRows")));
      built.add(b.op("ScatterND", c.in("y"), b.constant(TensorData.ofLongs(new long[] {2, 2}, 1, 2, -1, 0)),
          c.in("uPoints")));
      built.add(b.node("ScatterND").inputs(c.in("x"), b.constant(TensorData.ofLongs(new long[] {3, 2},
          0, 1, 0, 1, 1, 2)), c.in("uDup")).attr("reduction", "add").build());
      return built;
    }, feed("y", y), feed("uRows", uRows), feed("uPoints", uPoints), feed("x", Shape.symbolic("batch", 3), x),
        feed("uDup", uDup));
    assertEquals(Shape.symbolic("batch", 3), built.get(2).shape());
    assertClose(scatterNdRef(y, rows, uRows, false), out.get(0));
    assertClose(scatterNdRef(y, points, uPoints, false), out.get(1));
    assertClose(scatterNdRef(x, dup, uDup, true), out.get(2));
  }

  @Test
  void scattersRejectBadReductionsAndTypes() {
    assertRejects(b -> b.node("ScatterElements").name("max_red").inputs(
            b.input("x", DataType.FLOAT, Shape.of(3, 4)), b.constant(TensorData.ofLongs(new long[] {1, 1}, 0)),
            b.input("u", DataType.FLOAT, Shape.of(1, 1))).attr("reduction", "max").build(),
        "max_red", "(ScatterElements)", "reduction 'max'");
    assertRejects(b -> b.node("ScatterElements").name("upd_shape").inputs(
            b.input("x", DataType.FLOAT, Shape.of(3, 4)), b.constant(TensorData.ofLongs(new long[] {1, 2}, 0, 1)),
            b.input("u", DataType.FLOAT, Shape.of(1, 3))).build(),
        "upd_shape", "[1,2]", "[1,3]", "same shape");
    assertRejects(b -> b.node("ScatterND").name("int_idx").inputs(
            b.input("x", DataType.FLOAT, Shape.of(3, 4)), b.constant(TensorData.ofInts(new long[] {1, 1}, 0)),
            b.input("u", DataType.FLOAT, Shape.of(1, 4))).build(),
        "int_idx", "(ScatterND)", "input 1 (indices)", "got int32");
    assertRejects(b -> b.node("ScatterND").name("upd_type").inputs(
            b.input("x", DataType.FLOAT, Shape.of(3, 4)), b.constant(TensorData.ofLongs(new long[] {1, 1}, 0)),
            b.input("u", DataType.INT64, Shape.of(1, 4))).build(),
        "upd_type", "same element type", "float32 and int64");
  }

  // ---------------------------------------------------------------- Slice

  @Test
  @OpTest("Slice")
  void sliceWithNegativeStepsClampingAndDefaults() {
    Nd x = Nd.uniform(121, -1, 1, 2, 5, 6);
    Nd y = Nd.uniform(122, -1, 1, 4, 5, 6);
    // starts, ends, axes (null: left out), steps (null: left out), data (0 = x, 1 = y), expected inferred shape
    Object[][] cases = {
        {new long[] {1, -4}, new long[] {3, MAX}, new long[] {1, 2}, null, 0, Shape.symbolic("batch", 2, 4)},
        {new long[] {-1}, new long[] {MIN}, new long[] {2}, new long[] {-2}, 0, Shape.symbolic("batch", 5, 3)},
        {new long[] {4, 10}, new long[] {0, -100}, new long[] {1, -1}, new long[] {-1, -3}, 0,
            Shape.symbolic("batch", 4, 2)},
        {new long[] {-100}, new long[] {100}, new long[] {-2}, null, 0, Shape.symbolic("batch", 5, 6)},
        {new long[] {7}, new long[] {9}, new long[] {2}, null, 0, Shape.symbolic("batch", 5, 0)},
        {new long[] {1, 0}, new long[] {3, -1}, null, null, 1, Shape.of(2, 4, 6)},
        {new long[] {0}, new long[] {MAX}, new long[] {-1}, new long[] {4}, 1, Shape.of(4, 5, 2)},
        {new long[] {MAX, 1}, new long[] {MIN, MAX}, new long[] {0, 2}, new long[] {-1, 2}, 1,
            Shape.of(4, 5, 3)},
        {new long[] {1}, new long[] {MAX}, new long[] {0}, null, 0, null},
        // a negative step with a start before the beginning clamps the start to 0: one element
        {new long[] {-100}, new long[] {-200}, new long[] {2}, new long[] {-1}, 0, Shape.symbolic("batch", 5, 1)},
    };
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      for (Object[] k : cases) {
        Value data = (int) k[4] == 0 ? c.in("x") : c.in("y");
        built.add(b.node("Slice").inputs(data, b.longs((long[]) k[0]), b.longs((long[]) k[1]),
            k[2] == null ? null : b.longs((long[]) k[2]), k[3] == null ? null : b.longs((long[]) k[3])).build());
      }
      // int32 starts and ends with int32 steps
      built.add(b.node("Slice").inputs(c.in("y"), b.constant(TensorData.ofInts(new long[] {2}, -1, 0)),
          b.constant(TensorData.ofInts(new long[] {2}, -6, 5)), b.constant(TensorData.ofInts(new long[] {2}, 2, 1)),
          b.constant(TensorData.ofInts(new long[] {2}, -1, 2))).build());
      // starts known only at run time: only the sliced axis loses its size
      built.add(b.node("Slice").inputs(c.in("x"), c.in("starts"), b.longs(5), b.longs(1)).build());
      return built;
    }, feed("x", Shape.symbolic("batch", 5, 6), x), feed("y", y), feed("starts", Nd.longs(new long[] {1}, 2)));
    for (int i = 0; i < cases.length; i++) {
      Object[] k = cases[i];
      if (k[5] != null) {
        assertEquals(k[5], built.get(i).shape(), "inferred shape of case " + i);
      }
      Nd data = (int) k[4] == 0 ? x : y;
      assertClose(sliceRef(data, (long[]) k[0], (long[]) k[1], (long[]) k[2], (long[]) k[3]), out.get(i),
          0, 0);
    }
    int n = cases.length;
    assertEquals(Shape.of(4, 3, 5), built.get(n).shape());
    assertClose(sliceRef(y, new long[] {-1, 0}, new long[] {-6, 5}, new long[] {2, 1}, new long[] {-1, 2}),
        out.get(n));
    assertEquals(Shape.symbolic("batch", Dim.UNKNOWN, 6), built.get(n + 1).shape());
    assertClose(sliceRef(x, new long[] {2}, new long[] {5}, new long[] {1}, null), out.get(n + 1));
  }

  @Test
  void sliceRejectsZeroStepsAndMismatchedLengths() {
    assertRejects(b -> b.node("Slice").name("zero_step").inputs(b.input("x", DataType.FLOAT, Shape.of(4, 5)),
            b.longs(0), b.longs(3), b.longs(1), b.longs(0)).build(),
        "zero_step", "(Slice)", "step must not be 0");
    assertRejects(b -> b.node("Slice").name("lengths").inputs(b.input("x", DataType.FLOAT, Shape.of(4, 5)),
            b.longs(0, 1), b.longs(3), b.longs(0, 1)).build(),
        "lengths", "same length");
    assertRejects(b -> b.node("Slice").name("float_starts").inputs(b.input("x", DataType.FLOAT, Shape.of(4, 5)),
            b.constant(TensorData.vector(0f)), b.longs(3)).build(),
        "float_starts", "input 1 (starts)", "got float32");
  }

  // ---------------------------------------------------------------- OneHot

  @Test
  @OpTest("OneHot")
  void oneHotAlongLastAndFirstAxes() {
    Nd idx = Nd.longs(new long[] {2, 3}, 0, 3, -1, 2, -4, 1);
    Nd vals = Nd.longs(new long[] {2}, 5, 9);
    Nd idxOut = Nd.longs(new long[] {2}, 4, -5);
    List<Value> built = new ArrayList<>();
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder b = c.b();
      Value depth = b.constant(TensorData.scalar(4L));
      Value offOn = b.constant(TensorData.vector(-1f, 2f));
      built.add(b.op("OneHot", c.in("idx"), depth, offOn));
      built.add(b.node("OneHot").inputs(c.in("idx"), depth, offOn).attr("axis", 0L).build());
      built.add(b.node("OneHot").inputs(c.in("idx"), b.longs(3), c.in("vals")).attr("axis", 1L).build());
      built.add(b.op("OneHot", c.in("far"), depth, offOn));
      return built;
    }, feed("idx", Shape.symbolic("batch", 3), idx), feed("vals", vals), feed("far", idxOut));
    assertEquals(Shape.symbolic("batch", 3, 4), built.get(0).shape());
    assertEquals(Shape.symbolic(4, "batch", 3), built.get(1).shape());
    assertEquals(Shape.symbolic("batch", 3, 3), built.get(2).shape());
    assertEquals(DataType.INT64, built.get(2).dtype());
    assertExact(oneHotRef(idx, 4, -1, 2, 2, DataType.FLOAT), out.get(0));
    assertExact(oneHotRef(idx, 4, -1, 2, 0, DataType.FLOAT), out.get(1));
    assertExact(oneHotRef(idx, 3, 5, 9, 1, DataType.INT64), out.get(2));
    assertExact(oneHotRef(idxOut, 4, -1, 2, 1, DataType.FLOAT), out.get(3));
  }

  @Test
  void oneHotRejectsBadValuesAndAxes() {
    assertRejects(b -> b.node("OneHot").name("three_values").inputs(b.input("i", DataType.INT64, Shape.of(2)),
            b.constant(TensorData.scalar(4L)), b.constant(TensorData.vector(0f, 1f, 2f))).build(),
        "three_values", "(OneHot)", "2-element vector", "[3]");
    assertRejects(b -> b.node("OneHot").name("far_axis").inputs(b.input("i", DataType.INT64, Shape.of(2, 3)),
            b.constant(TensorData.scalar(4L)), b.constant(TensorData.vector(0f, 1f))).attr("axis", 3L).build(),
        "far_axis", "axis 3 is out of range for rank 3");
  }

  // ================================================================ reference computations

  private static void assertRejects(Consumer<GraphBuilder> build, String... facts) {
    GraphBuilder b = new GraphBuilder("rejects", 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build.accept(b));
    for (String f : facts) {
      assertTrue(e.getMessage().contains(f), () -> "message \"" + e.getMessage() + "\" does not mention " + f);
    }
  }

  private static Nd filled(DataType t, double v, long... shape) {
    double[] d = new double[(int) Nd.count(shape)];
    Arrays.fill(d, v);
    return new Nd(t, shape, d);
  }

  /** Reshape with 0 (copy the input dimension) and -1 (whatever is left); the elements keep their order. */
  private static Nd reshapeRef(Nd x, long... target) {
    long[] s = new long[target.length];
    int minusOne = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      s[i] = target[i] == 0 ? x.shape[i] : target[i];
      if (s[i] == -1) {
        minusOne = i;
      } else {
        known *= s[i];
      }
    }
    if (minusOne >= 0) {
      s[minusOne] = x.size() / known;
    }
    return new Nd(x.dtype, s, x.data.clone());
  }

  /** out[i_0..i_n] = x[j] with j[perm[k]] = i_k. */
  private static Nd transposeRef(Nd x, int... perm) {
    long[] s = new long[perm.length];
    for (int k = 0; k < perm.length; k++) {
      s[k] = x.shape[perm[k]];
    }
    Nd out = Nd.zeros(x.dtype, s);
    for (int i = 0; i < out.size(); i++) {
      long[] o = Nd.unravel(i, s);
      long[] src = new long[perm.length];
      for (int k = 0; k < perm.length; k++) {
        src[perm[k]] = o[k];
      }
      out.data[i] = x.get(src);
    }
    return out;
  }

  private static Nd concatRef(int axis, Nd... xs) {
    long[] s = xs[0].shape.clone();
    s[axis] = 0;
    for (Nd x : xs) {
      s[axis] += x.shape[axis];
    }
    Nd out = Nd.zeros(xs[0].dtype, s);
    for (int i = 0; i < out.size(); i++) {
      long[] o = Nd.unravel(i, s);
      long pos = o[axis];
      for (Nd x : xs) {
        if (pos < x.shape[axis]) {
          long[] src = o.clone();
          src[axis] = pos;
          out.data[i] = x.get(src);
          break;
        }
        pos -= x.shape[axis];
      }
    }
    return out;
  }

  /** The positions an ONNX Slice keeps along an axis of size {@code n}, enumerated one by one. */
  private static List<Long> slicePositions(long n, long start, long end, long step) {
    if (start < 0) {
      start = start < -n ? 0 : start + n; // written without overflow for MIN
    }
    if (end < 0) {
      end = end < -n ? -1 : end + n;
    }
    List<Long> pos = new ArrayList<>();
    if (step > 0) {
      start = Math.min(start, n);
      end = Math.max(Math.min(end, n), 0);
      start = Math.max(start, 0);
      for (long i = start; i < end; i += step) {
        pos.add(i);
      }
    } else {
      start = Math.min(start, n - 1);
      end = Math.min(end, n - 1);
      for (long i = start; i > end && i >= 0; i += step) {
        pos.add(i);
      }
    }
    return pos;
  }

  private static Nd sliceRef(Nd x, long[] starts, long[] ends, long[] axes, long[] steps) {
    int r = x.rank();
    List<List<Long>> keep = new ArrayList<>();
    for (int d = 0; d < r; d++) {
      keep.add(slicePositions(x.shape[d], 0, x.shape[d], 1));
    }
    for (int k = 0; k < starts.length; k++) {
      int axis = axes == null ? k : (int) (axes[k] < 0 ? axes[k] + r : axes[k]);
      keep.set(axis, slicePositions(x.shape[axis], starts[k], ends[k], steps == null ? 1 : steps[k]));
    }
    long[] s = new long[r];
    for (int d = 0; d < r; d++) {
      s[d] = keep.get(d).size();
    }
    Nd out = Nd.zeros(x.dtype, s);
    for (int i = 0; i < out.size(); i++) {
      long[] o = Nd.unravel(i, s);
      long[] src = new long[r];
      for (int d = 0; d < r; d++) {
        src[d] = keep.get(d).get((int) o[d]);
      }
      out.data[i] = x.get(src);
    }
    return out;
  }

  private static Nd squeezeRef(Nd x, int... axes) {
    List<Long> s = new ArrayList<>();
    for (int d = 0; d < x.rank(); d++) {
      final int dd = d;
      if (Arrays.stream(axes).noneMatch(a -> a == dd)) {
        s.add(x.shape[d]);
      } else if (x.shape[d] != 1) {
        throw new IllegalArgumentException("reference: axis " + d + " is not 1");
      }
    }
    return new Nd(x.dtype, s.stream().mapToLong(Long::longValue).toArray(), x.data.clone());
  }

  private static Nd expandRef(Nd x, long... target) {
    long[] s = Nd.broadcastShape(x.shape, target);
    Nd out = Nd.zeros(x.dtype, s);
    for (int i = 0; i < out.size(); i++) {
      out.data[i] = x.broadcastGet(Nd.unravel(i, s));
    }
    return out;
  }

  private static Nd tileRef(Nd x, long... reps) {
    long[] s = new long[x.rank()];
    for (int d = 0; d < s.length; d++) {
      s[d] = x.shape[d] * reps[d];
    }
    Nd out = Nd.zeros(x.dtype, s);
    for (int i = 0; i < out.size(); i++) {
      long[] o = Nd.unravel(i, s);
      for (int d = 0; d < s.length; d++) {
        o[d] %= x.shape[d];
      }
      out.data[i] = x.get(o);
    }
    return out;
  }

  /** The Shape op: dims[start:end] with Python-style negative indices, clamped. */
  private static Nd shapeRef(long[] dims, Long start, Long end) {
    int r = dims.length;
    long s = start == null ? 0 : start < 0 ? start + r : start;
    long e = end == null ? r : end < 0 ? end + r : end;
    s = Math.max(0, Math.min(r, s));
    e = Math.max(0, Math.min(r, e));
    List<Long> out = new ArrayList<>();
    for (long i = s; i < e; i++) {
      out.add(dims[(int) i]);
    }
    return Nd.longs(new long[] {out.size()}, out.stream().mapToLong(Long::longValue).toArray());
  }

  /** Range by repeated addition in the element type, as long as the limit is not reached. */
  private static Nd rangeRef(DataType t, double start, double limit, double delta) {
    List<Double> v = new ArrayList<>();
    if (t == DataType.FLOAT) {
      float s = (float) start;
      for (int i = 0; delta > 0 ? s < (float) limit : s > (float) limit; i++) {
        v.add((double) s);
        s = (float) start + (i + 1) * (float) delta;
      }
    } else {
      for (long s = (long) start; delta > 0 ? s < limit : s > limit; s += (long) delta) {
        v.add((double) s);
      }
    }
    return new Nd(t, new long[] {v.size()}, v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static long wrap(double index, long n) {
    long i = (long) index;
    return i < 0 ? i + n : i;
  }

  /** out[a.., i.., b..] = data[a.., idx[i..], b..]. */
  private static Nd gatherRef(Nd data, Nd idx, int axis) {
    int r = data.rank();
    int q = idx.rank();
    long[] s = new long[r - 1 + q];
    for (int d = 0; d < axis; d++) {
      s[d] = data.shape[d];
    }
    System.arraycopy(idx.shape, 0, s, axis, q);
    for (int d = axis + 1; d < r; d++) {
      s[d - 1 + q] = data.shape[d];
    }
    Nd out = Nd.zeros(data.dtype, s);
    for (int i = 0; i < out.size(); i++) {
      long[] o = Nd.unravel(i, s);
      long[] src = new long[r];
      for (int d = 0; d < axis; d++) {
        src[d] = o[d];
      }
      src[axis] = wrap(idx.get(Arrays.copyOfRange(o, axis, axis + q)), data.shape[axis]);
      for (int d = axis + 1; d < r; d++) {
        src[d] = o[d - 1 + q];
      }
      out.data[i] = data.get(src);
    }
    return out;
  }

  /** out[i] = data[i with i[axis] replaced by idx[i]]. */
  private static Nd gatherElementsRef(Nd data, Nd idx, int axis) {
    Nd out = Nd.zeros(data.dtype, idx.shape);
    for (int i = 0; i < out.size(); i++) {
      long[] src = Nd.unravel(i, idx.shape);
      src[axis] = wrap(idx.data[i], data.shape[axis]);
      out.data[i] = data.get(src);
    }
    return out;
  }

  private static Nd scatterElementsRef(Nd data, Nd idx, Nd upd, int axis, String reduction) {
    Nd out = new Nd(data.dtype, data.shape, data.data.clone());
    for (int i = 0; i < idx.size(); i++) {
      long[] dst = Nd.unravel(i, idx.shape);
      dst[axis] = wrap(idx.data[i], data.shape[axis]);
      double u = upd.data[i];
      double cur = out.get(dst);
      out.set(switch (reduction) {
        case "add" -> (float) (cur + u);
        case "mul" -> (float) (cur * u);
        default -> u;
      }, dst);
    }
    return out;
  }

  /** Each index tuple (last axis of idx) picks a slice of data that takes the matching slice of updates. */
  private static Nd scatterNdRef(Nd data, Nd idx, Nd upd, boolean add) {
    int k = (int) idx.shape[idx.rank() - 1];
    int tuples = (int) (idx.size() / k);
    long sliceSize = 1;
    for (int d = k; d < data.rank(); d++) {
      sliceSize *= data.shape[d];
    }
    Nd out = new Nd(data.dtype, data.shape, data.data.clone());
    for (int t = 0; t < tuples; t++) {
      long[] dst = new long[data.rank()];
      for (int j = 0; j < k; j++) {
        dst[j] = wrap(idx.data[t * k + j], data.shape[j]);
      }
      long base = out.offset(dst);
      for (int e = 0; e < sliceSize; e++) {
        double u = upd.data[(int) (t * sliceSize + e)];
        int at = (int) (base + e);
        out.data[at] = add ? (float) (out.data[at] + u) : u;
      }
    }
    return out;
  }

  /** A new axis of size depth at {@code axis}: on where it equals the (wrapped) index, off elsewhere. */
  private static Nd oneHotRef(Nd idx, long depth, double off, double on, int axis, DataType t) {
    long[] s = new long[idx.rank() + 1];
    for (int d = 0, j = 0; d < s.length; d++) {
      s[d] = d == axis ? depth : idx.shape[j++];
    }
    Nd out = Nd.zeros(t, s);
    for (int i = 0; i < out.size(); i++) {
      long[] o = Nd.unravel(i, s);
      long[] src = new long[idx.rank()];
      for (int d = 0, j = 0; d < s.length; d++) {
        if (d != axis) {
          src[j++] = o[d];
        }
      }
      long v = (long) idx.get(src);
      boolean inRange = v >= -depth && v < depth;
      out.data[i] = inRange && wrap(v, depth) == o[axis] ? on : off;
    }
    return out;
  }
}
