package dev.loca.graph.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ops.ShapeInferenceException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {

  @Test
  void scopesGiveDottedParameterNamesAndSlashedNodeNames() {
    GraphBuilder b = new GraphBuilder("g", 7);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", 4));
    Value y;
    try (Scope enc = b.scope("encoder"); Scope blk = b.scope("blocks.3"); Scope attn = b.scope("attn")) {
      Value w = b.parameter("q.weight", Shape.of(4, 4), Init.xavierUniform());
      assertEquals("encoder.blocks.3.attn.q.weight", w.name());
      y = b.op("MatMul", x, w);
      assertEquals("encoder/blocks.3/attn/MatMul_0", y.name());
    }
    Value z = b.op("Relu", y);
    assertEquals("Relu_0", z.name());
    assertEquals(Shape.symbolic("batch", 4), z.shape());
    b.output(z);
    Graph g = b.build();
    assertEquals(2, g.nodes().size());
    assertEquals(List.of("encoder.blocks.3.attn.q.weight"), b.parameters().stream().map(Value::name).toList());
  }

  @Test
  void scopesClosedOutOfOrderFail() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Scope a = b.scope("a");
    b.scope("b");
    assertThrows(IllegalStateException.class, a::close);
  }

  @Test
  void equalConstantsAreStoredOnce() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Value c1 = b.longs(1, 2, 3);
    Value c2 = b.constant(TensorData.vector(1L, 2L, 3L));
    Value c3 = b.longs(1, 2);
    assertSame(c1, c2);
    assertNotEquals(c1, c3);
    assertEquals(TensorData.vector(1L, 2L, 3L), b.constantValue(c1).orElseThrow());
  }

  @Test
  void sameSeedSameValuesAndOtherSeedOtherValues() {
    float[] a = draw(1, "w");
    float[] b = draw(1, "w");
    float[] c = draw(2, "w");
    float[] d = draw(1, "v");
    assertTrue(java.util.Arrays.equals(a, b));
    assertTrue(!java.util.Arrays.equals(a, c));
    assertTrue(!java.util.Arrays.equals(a, d));
  }

  private static float[] draw(long seed, String name) {
    GraphBuilder b = new GraphBuilder("g", seed);
    Value w = b.parameter(name, Shape.of(16, 8), Init.normal(0.02));
    b.output(b.op("Identity", w));
    return b.build().initializers().get(w).toFloats();
  }

  @Test
  void initialisersHaveTheirStatistics() {
    GraphBuilder b = new GraphBuilder("g", 3);
    float[] xav = values(b, "x", Shape.of(200, 300), Init.xavierUniform());
    double limit = Math.sqrt(6.0 / 500);
    assertTrue(max(xav) <= limit && max(xav) > 0.95 * limit, "xavier range");
    float[] tn = values(b, "t", Shape.of(100, 100), Init.truncatedNormal(0.02));
    assertTrue(max(tn) <= 0.04 + 1e-7, "truncated at 2 std");
    assertEquals(0.02 * 0.8796, std(tn), 0.001);
    float[] lec = values(b, "l", Shape.of(400, 100), Init.lecunNormal());
    assertEquals(Math.sqrt(1.0 / 400), std(lec), 0.002);
    float[] nrm = values(b, "n", Shape.of(100, 100), Init.normal(1.0));
    assertEquals(1.0, std(nrm), 0.03);
    float[] ones = values(b, "o", Shape.of(3), Init.ones());
    assertEquals(1f, ones[2]);
  }

  private static float[] values(GraphBuilder b, String name, Shape s, Init init) {
    Value v = b.parameter(name, s, init);
    b.output(b.op("Identity", v));
    return b.build().initializers().get(v).toFloats();
  }

  private static double max(float[] v) {
    double m = 0;
    for (float f : v) {
      m = Math.max(m, Math.abs(f));
    }
    return m;
  }

  private static double std(float[] v) {
    double s = 0;
    double s2 = 0;
    for (float f : v) {
      s += f;
      s2 += (double) f * f;
    }
    double mean = s / v.length;
    return Math.sqrt(s2 / v.length - mean * mean);
  }

  @Test
  void shapeMistakesAreReportedWhenTheNodeIsAdded() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3));
    Value w = b.input("w", DataType.FLOAT, Shape.of(4, 5));
    ShapeInferenceException e = assertThrows(ShapeInferenceException.class, () -> b.op("MatMul", x, w));
    assertTrue(e.getMessage().contains("MatMul_0") && e.getMessage().contains("MatMul")
        && e.getMessage().contains("float32[2,3]") && e.getMessage().contains("float32[4,5]"), e.getMessage());
  }

  @Test
  void unknownAttributesAndWrongArityAreRejected() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Softmax").inputs(x).attr("axes", 1L).build());
    assertTrue(e.getMessage().contains("unknown attribute 'axes'") && e.getMessage().contains("[axis]"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.op("Add", x));
    assertTrue(e.getMessage().contains("takes 2 inputs, got 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.node("Softmax").inputs(x).attr("axis", 1f).build());
    assertTrue(e.getMessage().contains("must be INT, got FLOAT"), e.getMessage());
  }

  @Test
  void duplicateValueNamesAreRejected() {
    GraphBuilder b = new GraphBuilder("g", 0);
    b.input("x", DataType.FLOAT, Shape.of(2));
    assertThrows(IllegalArgumentException.class, () -> b.input("x", DataType.FLOAT, Shape.of(2)));
  }

  @Test
  void reshapeUsesConstantShapesAndSymbolicBatch() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", 3, 4));
    Value r = b.op("Reshape", x, b.longs(0, -1));
    assertEquals(Shape.symbolic("batch", 12), r.shape());
    Value s = b.op("Reshape", x, b.longs(-1, 4));
    assertEquals(Shape.symbolic("?", 4), s.shape());
    Value shp = b.op("Shape", b.input("y", DataType.FLOAT, Shape.of(5, 6)));
    assertEquals(TensorData.vector(5L, 6L), b.constantValue(shp).orElseThrow());
  }

  @Test
  void continuingAGraphKeepsItAndAddsNodes() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2));
    b.output(b.op("Exp", x));
    Graph g = b.build();
    GraphBuilder c = GraphBuilder.continuing(g, 0);
    Value l = c.op("Log", g.outputs().get(0));
    c.output(l);
    Graph g2 = c.build();
    assertEquals(2, g2.nodes().size());
    assertEquals(2, g2.outputs().size());
  }

  @Test
  void reusingParametersSharesWeightsAndRejectsOtherShapes() {
    GraphBuilder b = new GraphBuilder("g", 0);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3));
    Value w1;
    try (Scope s = b.scope("layer")) {
      w1 = b.parameter("weight", Shape.of(3, 3), Init.xavierUniform());
    }
    Value w2 = b.reusingParameters(() -> {
      try (Scope s = b.scope("layer")) {
        return b.parameter("weight", Shape.of(3, 3), Init.xavierUniform());
      }
    });
    assertSame(w1, w2);
    assertEquals(1, b.parameters().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.reusingParameters(() -> {
      try (Scope s = b.scope("layer")) {
        return b.parameter("weight", Shape.of(3, 4), Init.zeros());
      }
    }));
    assertTrue(e.getMessage().contains("layer.weight is reused as float32[3,4] but was declared float32[3,3]"),
        e.getMessage());
    try (Scope s = b.scope("layer")) {
      assertThrows(IllegalArgumentException.class, () -> b.parameter("weight", Shape.of(3, 3), Init.zeros()));
    }
    b.output(b.op("MatMul", b.op("MatMul", x, w1), w2));
    assertEquals(1, b.build().initializers().size());
  }
}
