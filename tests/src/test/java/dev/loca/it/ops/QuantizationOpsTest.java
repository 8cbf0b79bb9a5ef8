package dev.loca.it.ops;

import static dev.loca.it.ops.OrtOps.assertClose;
import static dev.loca.it.ops.OrtOps.assertExact;
import static dev.loca.it.ops.OrtOps.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DynamicQuantizeLinear and MatMulInteger (the int8 export) through ONNX Runtime against Java computations. */
class QuantizationOpsTest {

  /** ONNX's definition in float32: scale from [min(0, x), max(0, x)] over 255 levels, round half to even. */
  private static Nd[] dynamicQuantize(Nd x) {
    float lo = 0;
    float hi = 0;
    for (double v : x.data) {
      lo = Math.min(lo, (float) v);
      hi = Math.max(hi, (float) v);
    }
    float scale = (hi - lo) / 255f;
    double zero = Math.max(0, Math.min(255, Math.rint(-lo / scale)));
    double[] y = new double[x.data.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.max(0, Math.min(255, Math.rint((float) x.data[i] / scale) + zero));
    }
    return new Nd[] {new Nd(DataType.UINT8, x.shape, y), Nd.floats(new long[0], scale),
        Nd.of(DataType.UINT8, new long[0], zero)};
  }

  @Test
  @OpTest("DynamicQuantizeLinear")
  void dynamicQuantizeLinearMatchesTheDefinition() {
    Nd x = Nd.uniform(61, -1.5, 3.0, 3, 7);
    Nd positive = Nd.uniform(62, 0.5, 2.0, 4);
    List<Nd> out = OrtOps.run(c -> {
      List<dev.loca.graph.ir.Value> a = c.b().node("DynamicQuantizeLinear").inputs(c.in("x")).build(3);
      List<dev.loca.graph.ir.Value> p = c.b().node("DynamicQuantizeLinear").inputs(c.in("p")).build(3);
      return List.of(a.get(0), a.get(1), a.get(2), p.get(0), p.get(2));
    }, feed("x", Shape.symbolic("n", 7), x), feed("p", positive));
    Nd[] expected = dynamicQuantize(x);
    // ORT multiplies by the reciprocal of the scale: a value on a rounding boundary may land one level off.
    assertClose(expected[0], out.get(0), 1, 0);
    long exact = 0;
    for (int i = 0; i < x.data.length; i++) {
      exact += expected[0].data[i] == out.get(0).data[i] ? 1 : 0;
    }
    assertTrue(exact >= x.data.length - 1, exact + " of " + x.data.length + " levels exact");
    assertClose(expected[1], out.get(1), 1e-7, 1e-6);
    assertExact(expected[2], out.get(2));
    assertEquals(0, out.get(4).data[0], "all-positive data keep 0 in range: zero point 0");
    assertClose(dynamicQuantize(positive)[0], out.get(3), 1, 0);
  }

  private static Nd matMulInteger(Nd a, Nd b, double aZero, double[] bZero) {
    int m = (int) a.shape[a.shape.length - 2];
    int k = (int) a.shape[a.shape.length - 1];
    int n = (int) b.shape[1];
    int batch = a.data.length / (m * k);
    long[] shape = a.shape.clone();
    shape[shape.length - 1] = n;
    double[] y = new double[batch * m * n];
    for (int s = 0; s < batch; s++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          long acc = 0;
          for (int t = 0; t < k; t++) {
            acc += (long) (a.data[(s * m + i) * k + t] - aZero) * (long) (b.data[t * n + j] - bZero[j]);
          }
          y[(s * m + i) * n + j] = acc;
        }
      }
    }
    return new Nd(DataType.INT32, shape, y);
  }

  @Test
  @OpTest("MatMulInteger")
  void matMulIntegerSubtractsZeroPointsAndAccumulatesInInt32() {
    Nd a = Nd.randomInts(63, DataType.UINT8, 0, 256, 2, 3, 6);
    Nd w = Nd.randomInts(64, DataType.INT8, -127, 128, 6, 4);
    Nd wu = Nd.randomInts(65, DataType.UINT8, 0, 256, 6, 4);
    Nd az = Nd.of(DataType.UINT8, new long[0], 131);
    Nd bz = Nd.of(DataType.UINT8, new long[] {4}, 3, 120, 255, 0);
    List<Nd> out = OrtOps.run(c -> {
      GraphBuilder g = c.b();
      return List.of(g.node("MatMulInteger").inputs(c.in("a"), c.in("w"), c.in("az")).build(),
          g.node("MatMulInteger").inputs(c.in("a"), c.in("wu"), c.in("az"), c.in("bz")).build(),
          g.node("MatMulInteger").inputs(c.in("a"), c.in("w")).build());
    }, feed("a", Shape.symbolic("batch", 3, 6), a), feed("w", w), feed("wu", wu), feed("az", az), feed("bz", bz));
    assertExact(matMulInteger(a, w, 131, new double[4]), out.get(0));
    assertExact(matMulInteger(a, wu, 131, bz.data), out.get(1));
    assertExact(matMulInteger(a, w, 0, new double[4]), out.get(2));
  }
}
