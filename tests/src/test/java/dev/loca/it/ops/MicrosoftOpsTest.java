package dev.loca.it.ops;

import static dev.loca.it.ops.OrtOps.assertClose;
import static dev.loca.it.ops.OrtOps.assertExact;
import static dev.loca.it.ops.OrtOps.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.NodeBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import dev.loca.it.ops.OrtOps.Ctx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code com.microsoft} training and gradient kernels of ONNX Runtime's CPU build, and the two sequence
 * ops the optimizer kernels need, each run in a plain inference session against a Java computation of the
 * formula the op stands for (the gradient written out by hand, not ORT's code transcribed).
 *
 * <p>The optimizer kernels (InplaceClipGradNorm, SGDOptimizerV2, AdamWOptimizer) take {@code seq(tensor)}
 * inputs, which the runtime cannot feed; the graphs build them with SequenceConstruct and read the updated
 * tensors back with SequenceAt, so their numerics are checked here too. The kernels update in place, on the
 * copies SequenceConstruct made.
 */
class MicrosoftOpsTest {
  private static final String MS = OpsetId.MICROSOFT;
  private static final double SQRT_2_PI = Math.sqrt(2 / Math.PI);

  // ---------------------------------------------------------------- softmax family

  @Test
  @OpTest("com.microsoft::SoftmaxGrad_13")
  void softmaxGradOnAMiddleAxisAndTheDefaultLastAxis() {
    long[] s = {2, 3, 4};
    for (int axis : new int[] {1, -1}) {
      Nd y = softmax(Nd.uniform(10 + axis, -2, 2, s), axis);
      Nd dy = Nd.uniform(20 + axis, -1, 1, s);
      List<Nd> out = OrtOps.run(c -> {
        NodeBuilder n = node(c, "SoftmaxGrad_13").inputs(c.in("dY"), c.in("Y"));
        if (axis != -1) {
          n.attr("axis", (long) axis);
        }
        return List.of(n.build());
      }, feed("dY", Shape.symbolic("batch", 3, 4), dy), feed("Y", Shape.symbolic("batch", 3, 4), y));
      // dX = Y * (dY - sum_axis(dY * Y))
      Nd expected = Nd.zeros(DataType.FLOAT, s);
      for (int[] lane : lanes(s, axis)) {
        double dot = 0;
        for (int i : lane) {
          dot += dy.data[i] * y.data[i];
        }
        for (int i : lane) {
          expected.data[i] = y.data[i] * (dy.data[i] - dot);
        }
      }
      assertClose(expected, out.get(0));
    }
  }

  @Test
  @OpTest("com.microsoft::LogSoftmaxGrad_13")
  void logSoftmaxGradTakesTheLogSoftmaxOutput() {
    long[] s = {2, 3, 4};
    int axis = -2;
    Nd x = Nd.uniform(11, -2, 2, s);
    Nd logY = softmax(x, axis).map(Math::log);
    logY = Nd.floats(s, logY.data);
    Nd dy = Nd.uniform(12, -1, 1, s);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "LogSoftmaxGrad_13").inputs(c.in("dY"), c.in("X"))
        .attr("axis", (long) axis).build()), feed("dY", dy), feed("X", logY));
    // d/dx of log softmax: dX = dY - softmax(x) * sum_axis(dY)
    Nd expected = Nd.zeros(DataType.FLOAT, s);
    Nd p = softmax(x, axis);
    for (int[] lane : lanes(s, axis)) {
      double sum = 0;
      for (int i : lane) {
        sum += dy.data[i];
      }
      for (int i : lane) {
        expected.data[i] = dy.data[i] - p.data[i] * sum;
      }
    }
    assertClose(expected, out.get(0), 1e-6, 1e-5);
  }

  @Test
  void softmaxGradRejectsAnAxisOutOfRangeAndMismatchedShapes() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value dy = b.input("dY", DataType.FLOAT, Shape.of(2, 3));
    Value y = b.input("Y", DataType.FLOAT, Shape.of(2, 3));
    Value y4 = b.input("Y4", DataType.FLOAT, Shape.of(2, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "SoftmaxGrad_13").name("sg_axis").inputs(dy, y).attr("axis", 2L).build());
    assertTrue(e.getMessage().contains("sg_axis") && e.getMessage().contains("axis"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "LogSoftmaxGrad_13").name("lsg_shape").inputs(dy, y4).build());
    assertTrue(e.getMessage().contains("lsg_shape") && e.getMessage().contains("same shape"), e.getMessage());
  }

  // ---------------------------------------------------------------- normalisation gradients

  /** X, its per-row mean and 1/sqrt(var + eps) over the trailing {@code m} elements of each of {@code n} rows. */
  private record Stats(double[] mean, double[] inv) {}

  private static Stats stats(Nd x, int n, int m, boolean simplified) {
    double[] mean = new double[n];
    double[] inv = new double[n];
    for (int r = 0; r < n; r++) {
      double mu = 0;
      for (int j = 0; j < m; j++) {
        mu += x.data[r * m + j];
      }
      mu = simplified ? 0 : mu / m;
      double var = 0;
      for (int j = 0; j < m; j++) {
        double d = x.data[r * m + j] - mu;
        var += d * d;
      }
      mean[r] = (float) mu;
      inv[r] = (float) (1 / Math.sqrt(var / m + 1e-5));
    }
    return new Stats(mean, inv);
  }

  /**
   * The layer-norm backward pass written out: with xhat = (x - mean) * inv and g = dY * scale,
   * dX = inv * (g - mean(g) - xhat * mean(g * xhat)) (no mean(g) term when simplified), dscale = sum over
   * rows of dY * xhat, dbias = sum over rows of dY.
   */
  private static Nd[] layerNormBackward(Nd x, Nd scale, Nd dy, Stats st, int n, int m, boolean simplified) {
    Nd dx = Nd.zeros(DataType.FLOAT, x.shape);
    Nd dscale = Nd.zeros(DataType.FLOAT, scale.shape);
    Nd dbias = Nd.zeros(DataType.FLOAT, scale.shape);
    for (int r = 0; r < n; r++) {
      double meanG = 0;
      double meanGx = 0;
      double[] xhat = new double[m];
      double[] g = new double[m];
      for (int j = 0; j < m; j++) {
        int i = r * m + j;
        xhat[j] = (x.data[i] - st.mean[r]) * st.inv[r];
        g[j] = dy.data[i] * scale.data[j];
        meanG += g[j] / m;
        meanGx += g[j] * xhat[j] / m;
        dscale.data[j] += dy.data[i] * xhat[j];
        dbias.data[j] += dy.data[i];
      }
      for (int j = 0; j < m; j++) {
        dx.data[r * m + j] = st.inv[r] * (g[j] - (simplified ? 0 : meanG) - xhat[j] * meanGx);
      }
    }
    return new Nd[] {dx, dscale, dbias};
  }

  private static long[] statShape(long[] xShape, int axis) {
    long[] s = xShape.clone();
    for (int i = axis; i < s.length; i++) {
      s[i] = 1;
    }
    return s;
  }

  @Test
  @OpTest("com.microsoft::LayerNormalizationGrad")
  void layerNormalizationGradWithStatisticsShapedAsLayerNormalizationOutputsThem() {
    long[] s = {2, 3, 4};
    for (int axis : new int[] {-1, 1}) {
      int a = axis < 0 ? axis + s.length : axis;
      int n = (int) Nd.count(Arrays.copyOfRange(s, 0, a));
      int m = (int) Nd.count(Arrays.copyOfRange(s, a, s.length));
      long[] scaleShape = Arrays.copyOfRange(s, a, s.length);
      Nd x = Nd.uniform(30 + a, -2, 2, s);
      Nd scale = Nd.uniform(31 + a, 0.5, 1.5, scaleShape);
      Nd dy = Nd.uniform(32 + a, -1, 1, s);
      Stats st = stats(x, n, m, false);
      long[] ss = statShape(s, a);
      Nd mean = Nd.floats(ss, st.mean);
      Nd inv = Nd.floats(ss, st.inv);
      Shape xs = a == 2 ? Shape.symbolic("batch", 3, 4) : Shape.of(s);
      Shape stShape = a == 2 ? Shape.symbolic("batch", 3, 1) : Shape.of(ss);
      List<Nd> out = OrtOps.run(c -> {
        NodeBuilder nb = node(c, "LayerNormalizationGrad")
            .inputs(c.in("dY"), c.in("X"), c.in("scale"), c.in("mean"), c.in("inv"));
        if (axis != -1) {
          nb.attr("axis", (long) axis);
        }
        return nb.build(3);
      }, feed("dY", xs, dy), feed("X", xs, x), feed("scale", scale), feed("mean", stShape, mean),
          feed("inv", stShape, inv));
      Nd[] expected = layerNormBackward(x, scale, dy, st, n, m, false);
      for (int i = 0; i < 3; i++) {
        assertClose(expected[i], out.get(i), 1e-5, 1e-4); // sums over rows and a row-wise mean
      }
    }
  }

  @Test
  @OpTest("com.microsoft::SimplifiedLayerNormalizationGrad")
  void simplifiedLayerNormalizationGrad() {
    long[] s = {3, 5};
    Nd x = Nd.uniform(40, -2, 2, s);
    Nd scale = Nd.uniform(41, 0.5, 1.5, 5);
    Nd dy = Nd.uniform(42, -1, 1, s);
    Stats st = stats(x, 3, 5, true);
    Nd inv = Nd.floats(new long[] {3, 1}, st.inv);
    List<Nd> out = OrtOps.run(c -> node(c, "SimplifiedLayerNormalizationGrad")
            .inputs(c.in("dY"), c.in("X"), c.in("scale"), c.in("inv")).build(2),
        feed("dY", Shape.symbolic("rows", 5), dy), feed("X", Shape.symbolic("rows", 5), x), feed("scale", scale),
        feed("inv", Shape.symbolic("rows", 1), inv));
    Nd[] expected = layerNormBackward(x, scale, dy, st, 3, 5, true);
    assertClose(expected[0], out.get(0), 1e-5, 1e-4);
    assertClose(expected[1], out.get(1), 1e-5, 1e-4);
  }

  @Test
  @OpTest("com.microsoft::InvertibleLayerNormalizationGrad")
  void invertibleLayerNormalizationGradRecoversXHatFromTheOutput() {
    long[] s = {2, 2, 4};
    int n = 4;
    int m = 4;
    Nd x = Nd.uniform(50, -2, 2, s);
    Nd scale = Nd.uniform(51, 0.5, 1.5, 4);
    Nd bias = Nd.uniform(52, -0.5, 0.5, 4);
    Nd dy = Nd.uniform(53, -1, 1, s);
    Stats st = stats(x, n, m, false);
    double[] y = new double[x.size()];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < m; j++) {
        int i = r * m + j;
        y[i] = (x.data[i] - st.mean[r]) * st.inv[r] * scale.data[j] + bias.data[j];
      }
    }
    Nd yNd = Nd.floats(s, y);
    Nd inv = Nd.floats(new long[] {2, 2, 1}, st.inv);
    List<Nd> out = OrtOps.run(c -> node(c, "InvertibleLayerNormalizationGrad")
            .inputs(c.in("dY"), c.in("Y"), c.in("scale"), c.in("bias"), c.in("inv")).build(3),
        feed("dY", dy), feed("Y", yNd), feed("scale", scale), feed("bias", bias), feed("inv", inv));
    Nd[] expected = layerNormBackward(x, scale, dy, st, n, m, false);
    for (int i = 0; i < 3; i++) {
      assertClose(expected[i], out.get(i), 1e-5, 1e-4); // xhat is recovered as (Y - bias) / scale in float
    }
  }

  @Test
  void layerNormalizationGradRejectsAScaleThatIsNotTheNormalisedShape() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value x = b.input("X", DataType.FLOAT, Shape.of(2, 3, 4));
    Value scale = b.input("scale", DataType.FLOAT, Shape.of(3));
    Value stat = b.input("stat", DataType.FLOAT, Shape.of(2, 3, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "LayerNormalizationGrad").name("lng").inputs(x, x, scale, stat, stat).build(3));
    assertTrue(e.getMessage().contains("lng") && e.getMessage().contains("normalised shape [4]"), e.getMessage());
    // ORT's kernels do not broadcast scale: with scale [1] they read and write 4 scale elements (checked: the
    // results are wrong), so the builder refuses it
    Value x2 = b.input("X2", DataType.FLOAT, Shape.of(2, 4));
    Value one = b.input("one", DataType.FLOAT, Shape.of(1));
    Value stat2 = b.input("stat2", DataType.FLOAT, Shape.of(2, 1));
    e = assertThrows(IllegalArgumentException.class, () -> b.node(MS, "InvertibleLayerNormalizationGrad")
        .name("ilng").inputs(x2, x2, one, one, stat2).build(3));
    assertTrue(e.getMessage().contains("ilng") && e.getMessage().contains("scale [1] must have the normalised shape"),
        e.getMessage());
    // leading 1s of the normalised shape may be left out: axis 1 of [2,1,4] normalises [1,4]
    Value x3 = b.input("X3", DataType.FLOAT, Shape.of(2, 1, 4));
    Value s4 = b.input("S4", DataType.FLOAT, Shape.of(4));
    assertEquals(Shape.of(4), b.node(MS, "LayerNormalizationGrad").inputs(x3, x3, s4, stat, stat).attr("axis", 1L)
        .build(3).get(1).shape());
    Value half = b.input("half", DataType.DOUBLE, Shape.of(2, 3, 1));
    e = assertThrows(IllegalArgumentException.class, () -> b.node(MS, "SimplifiedLayerNormalizationGrad")
        .name("slng").inputs(x, x, b.input("s4", DataType.FLOAT, Shape.of(4)), half, half).build(2));
    assertTrue(e.getMessage().contains("slng") && e.getMessage().contains("takes 4 inputs"), e.getMessage());
  }

  // ---------------------------------------------------------------- activations and their gradients

  @Test
  @OpTest("com.microsoft::GeluGrad")
  void geluGradIsTheExactErfDerivative() {
    Nd x = Nd.uniform(60, -3, 3, 3, 4);
    Nd dy = Nd.uniform(61, -1, 1, 3, 4);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "GeluGrad").inputs(c.in("dY"), c.in("X")).build()),
        feed("dY", Shape.symbolic("n", 4), dy), feed("X", Shape.symbolic("n", 4), x));
    assertClose(Nd.zip(dy, x, DataType.FLOAT, (g, v) -> g * geluDerivative(v)), out.get(0));
  }

  @Test
  @OpTest("com.microsoft::FastGeluGrad")
  void fastGeluGradIsTheTanhApproximationDerivative() {
    Nd x = Nd.uniform(62, -3, 3, 2, 5);
    Nd dy = Nd.uniform(63, -1, 1, 2, 5);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "FastGeluGrad").inputs(c.in("dY"), c.in("X")).build()),
        feed("dY", dy), feed("X", x));
    assertClose(Nd.zip(dy, x, DataType.FLOAT, (g, v) -> g * fastGeluDerivative(v)), out.get(0));
  }

  @Test
  @OpTest({"com.microsoft::BiasGeluGrad_dX", "com.microsoft::BiasFastGeluGrad_dX"})
  void biasGeluGradsDifferentiateAtXPlusBias() {
    Nd x = Nd.uniform(64, -2, 2, 2, 3, 4);
    Nd bias = Nd.uniform(65, -1, 1, 4);
    Nd dy = Nd.uniform(66, -1, 1, 2, 3, 4);
    Shape xs = Shape.symbolic("batch", 3, 4);
    List<Nd> out = OrtOps.run(c -> List.of(
            node(c, "BiasGeluGrad_dX").inputs(c.in("dY"), c.in("X"), c.in("B")).build(),
            node(c, "BiasFastGeluGrad_dX").inputs(c.in("dY"), c.in("X"), c.in("B")).build()),
        feed("dY", xs, dy), feed("X", xs, x), feed("B", bias));
    Nd xb = Nd.zip(x, bias, DataType.FLOAT, (a, b) -> (float) (a + b));
    assertClose(Nd.zip(dy, xb, DataType.FLOAT, (g, v) -> g * geluDerivative(v)), out.get(0));
    assertClose(Nd.zip(dy, xb, DataType.FLOAT, (g, v) -> g * fastGeluDerivative(v)), out.get(1));
  }

  @Test
  @OpTest("com.microsoft::ReluGrad")
  void reluGradPassesTheGradientWhereXIsPositive() {
    Nd x = Nd.floats(new long[] {2, 3}, -1, 0, 2, 0.5, -0.25, 3);
    Nd dy = Nd.uniform(67, -1, 1, 2, 3);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "ReluGrad").inputs(c.in("dY"), c.in("X")).build()),
        feed("dY", dy), feed("X", x));
    assertClose(Nd.zip(dy, x, DataType.FLOAT, (g, v) -> v > 0 ? g : 0), out.get(0));
  }

  @Test
  @OpTest("com.microsoft::SigmoidGrad")
  void sigmoidGradTakesTheSigmoidOutput() {
    Nd y = Nd.uniform(68, -4, 4, 2, 3, 2).map(v -> (float) (1 / (1 + Math.exp(-v))));
    Nd dy = Nd.uniform(69, -1, 1, 2, 3, 2);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "SigmoidGrad").inputs(c.in("dY"), c.in("Y")).build()),
        feed("dY", Shape.symbolic("b", 3, 2), dy), feed("Y", Shape.symbolic("b", 3, 2), y));
    assertClose(Nd.zip(dy, y, DataType.FLOAT, (g, v) -> g * v * (1 - v)), out.get(0));
  }

  @Test
  @OpTest("com.microsoft::TanhGrad")
  void tanhGradTakesTheTanhOutput() {
    Nd y = Nd.uniform(70, -2, 2, 4, 3).map(v -> (float) Math.tanh(v));
    Nd dy = Nd.uniform(71, -1, 1, 4, 3);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "TanhGrad").inputs(c.in("dY"), c.in("Y")).build()),
        feed("dY", dy), feed("Y", y));
    assertClose(Nd.zip(dy, y, DataType.FLOAT, (g, v) -> g * (1 - v * v)), out.get(0));
  }

  @Test
  @OpTest("com.microsoft::Gelu")
  void geluIsXTimesTheNormalCdf() {
    Nd x = Nd.uniform(72, -3, 3, 2, 3, 4);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().node(MS, "Gelu").inputs(c.in("X")).build()),
        feed("X", Shape.symbolic("batch", 3, 4), x));
    assertClose(x.map(v -> v * normalCdf(v)), out.get(0));
  }

  @Test
  @OpTest("com.microsoft::FastGelu")
  void fastGeluWithAndWithoutBias() {
    Nd x = Nd.uniform(73, -3, 3, 2, 3, 4);
    Nd bias = Nd.uniform(74, -1, 1, 4);
    List<Nd> out = OrtOps.run(c -> List.of(
            node(c, "FastGelu").inputs(c.in("X")).build(),
            node(c, "FastGelu").inputs(c.in("X"), c.in("bias")).build()),
        feed("X", Shape.symbolic("batch", 3, 4), x), feed("bias", bias));
    assertClose(x.map(MicrosoftOpsTest::fastGelu), out.get(0));
    assertClose(Nd.zip(x, bias, DataType.FLOAT, (a, b) -> fastGelu((float) (a + b))), out.get(1));
  }

  @Test
  @OpTest("com.microsoft::BiasGelu")
  void biasGeluIsGeluOfAPlusB() {
    Nd a = Nd.uniform(75, -2, 2, 3, 2, 5);
    Nd bias = Nd.uniform(76, -1, 1, 5);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "BiasGelu").inputs(c.in("A"), c.in("B")).build()),
        feed("A", Shape.symbolic("seq", 2, 5), a), feed("B", bias));
    assertClose(Nd.zip(a, bias, DataType.FLOAT, (p, q) -> {
      double v = (float) (p + q);
      return v * normalCdf(v);
    }), out.get(0));
  }

  @Test
  void activationOpsRejectABiasOfTheWrongLength() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value x = b.input("X", DataType.FLOAT, Shape.of(2, 4));
    Value b3 = b.input("B", DataType.FLOAT, Shape.of(3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "BiasGelu").name("bg").inputs(x, b3).build());
    assertTrue(e.getMessage().contains("bg") && e.getMessage().contains("last dimension"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "BiasFastGeluGrad_dX").name("bfgg").inputs(x, x, b3).build());
    assertTrue(e.getMessage().contains("bfgg") && e.getMessage().contains("[3]"), e.getMessage());
    Value i = b.input("I", DataType.INT64, Shape.of(2, 4));
    e = assertThrows(IllegalArgumentException.class, () -> b.node(MS, "Gelu").name("gi").inputs(i).build());
    assertTrue(e.getMessage().contains("gi") && e.getMessage().contains("int64"), e.getMessage());
  }

  // ---------------------------------------------------------------- indexing and shape gradients

  @Test
  @OpTest("com.microsoft::GatherGrad")
  void gatherGradScatterAddsRepeatedIndices() {
    // axis 0: data [4,3], indices [2,3] (with repeats) -> dY [2,3,3]
    Nd idx = Nd.longs(new long[] {2, 3}, 1, 3, 1, 0, 1, 3);
    Nd dy = Nd.uniform(80, -1, 1, 2, 3, 3);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "GatherGrad").inputs(c.b().longs(4, 3), c.in("idx"), c.in("dY"))
        .build()), feed("idx", idx), feed("dY", dy));
    Nd expected = Nd.zeros(DataType.FLOAT, 4, 3);
    for (int k = 0; k < 6; k++) {
      for (int j = 0; j < 3; j++) {
        expected.data[(int) idx.data[k] * 3 + j] += dy.data[k * 3 + j];
      }
    }
    assertClose(expected, out.get(0));

    // axis -1 with int32 indices: data [2,5], indices [3] -> dY [2,3]; the shape comes in as a graph input
    Nd idx32 = Nd.of(DataType.INT32, new long[] {3}, 4, 0, 4);
    Nd dy2 = Nd.uniform(81, -1, 1, 2, 3);
    out = OrtOps.run(c -> {
      Value dx = node(c, "GatherGrad").inputs(c.in("shape"), c.in("idx"), c.in("dY")).attr("axis", -1L).build();
      assertEquals(2, dx.shape().rank());
      return List.of(dx);
    }, feed("shape", Nd.longs(new long[] {2}, 2, 5)), feed("idx", idx32), feed("dY", dy2));
    expected = Nd.zeros(DataType.FLOAT, 2, 5);
    for (int r = 0; r < 2; r++) {
      for (int k = 0; k < 3; k++) {
        expected.data[r * 5 + (int) idx32.data[k]] += dy2.data[r * 3 + k];
      }
    }
    assertClose(expected, out.get(0));
  }

  @Test
  @OpTest("com.microsoft::GatherElementsGrad")
  void gatherElementsGradScatterAddsAlongTheAxis() {
    Nd dy = Nd.uniform(82, -1, 1, 2, 4);
    Nd idx = Nd.longs(new long[] {2, 4}, 0, 2, 2, 1, 0, 0, 2, 1);
    for (long axis : new long[] {0, -1}) {
      long[] dataShape = axis == 0 ? new long[] {3, 4} : new long[] {2, 5};
      List<Nd> out = OrtOps.run(c -> List.of(node(c, "GatherElementsGrad")
          .inputs(c.in("dY"), c.b().longs(dataShape), c.in("idx")).attr("axis", axis).build()),
          feed("dY", dy), feed("idx", idx));
      Nd expected = Nd.zeros(DataType.FLOAT, dataShape);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 4; j++) {
          int k = (int) idx.data[i * 4 + j];
          long[] at = axis == 0 ? new long[] {k, j} : new long[] {i, k};
          expected.set(expected.get(at) + dy.data[i * 4 + j], at);
        }
      }
      assertClose(expected, out.get(0));
    }
  }

  @Test
  @OpTest("com.microsoft::SliceGrad")
  void sliceGradPlacesTheGradientIntoZeros() {
    // data [4,6]; rows 3,2,1 (step -1) and columns 1,3,5 (step 2). ORT 1.24's CPU kernel fails with
    // "narrowing_error" for a negative step on the innermost axis, so the negative step is on the outer one.
    Nd dy = Nd.uniform(83, -1, 1, 3, 3);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "SliceGrad").inputs(c.in("dY"), c.b().longs(4, 6),
        c.b().longs(3, 1), c.b().longs(0, 6), c.b().longs(0, 1), c.b().longs(-1, 2)).build()), feed("dY", dy));
    Nd expected = Nd.zeros(DataType.FLOAT, 4, 6);
    for (int r = 0; r < 3; r++) {
      for (int k = 0; k < 3; k++) {
        expected.set(dy.get(r, k), 3 - r, 1 + 2 * k);
      }
    }
    assertClose(expected, out.get(0));

    // without axes and steps: starts/ends over every axis; ends past the end clamp
    Nd dy2 = Nd.uniform(84, -1, 1, 1, 2, 3);
    out = OrtOps.run(c -> List.of(node(c, "SliceGrad").inputs(c.in("dY"), c.b().longs(2, 3, 4),
        c.b().longs(1, 1, 0), c.b().longs(2, 100, 3)).build()), feed("dY", dy2));
    expected = Nd.zeros(DataType.FLOAT, 2, 3, 4);
    for (int j = 0; j < 2; j++) {
      for (int k = 0; k < 3; k++) {
        expected.set(dy2.get(0, j, k), 1, j + 1, k);
      }
    }
    assertClose(expected, out.get(0));
  }

  @Test
  @OpTest("com.microsoft::ReduceSumTraining")
  void reduceSumTrainingTakesAxesAsAnInput() {
    Nd x = Nd.uniform(85, -1, 1, 2, 3, 4);
    Shape xs = Shape.symbolic("batch", 3, 4);
    List<Nd> out = OrtOps.run(c -> List.of(
            node(c, "ReduceSumTraining").inputs(c.in("x"), c.b().longs(1)).build(),
            node(c, "ReduceSumTraining").inputs(c.in("x"), c.b().longs(-1, 0)).attr("keepdims", 0L).build(),
            node(c, "ReduceSumTraining").inputs(c.in("x"), c.b().constant(TensorData.ofLongs(new long[] {0})))
                .attr("noop_with_empty_axes", 1L).build(),
            node(c, "ReduceSumTraining").inputs(c.in("x"), c.b().constant(TensorData.ofLongs(new long[] {0})))
                .attr("keepdims", 0L).build()),
        feed("x", xs, x));
    assertClose(reduceSum(x, new int[] {1}, true), out.get(0));
    assertClose(reduceSum(x, new int[] {2, 0}, false), out.get(1));
    assertClose(x, out.get(2));
    assertClose(reduceSum(x, new int[] {0, 1, 2}, false), out.get(3), 1e-6, 1e-5);

    // axes only known at run time: keepdims keeps the rank
    out = OrtOps.run(c -> {
      Value r = node(c, "ReduceSumTraining").inputs(c.in("x"), c.in("axes")).build();
      assertEquals(3, r.shape().rank());
      return List.of(r);
    }, feed("x", x), feed("axes", Nd.longs(new long[] {2}, 0, 2)));
    assertClose(reduceSum(x, new int[] {0, 2}, true), out.get(0));
  }

  @Test
  @OpTest("com.microsoft::BroadcastGradientArgs")
  void broadcastGradientArgsNamesTheAxesEachOperandIsSummedOver() {
    long[][][] cases = {{{3, 1, 5}, {2, 3, 4, 1}}, {{2, 3}, {2, 3}}, {{1}, {4, 1, 2}}, {{6, 1, 1}, {1, 1}}};
    for (long[][] k : cases) {
      List<Nd> out = OrtOps.run(c -> node(c, "BroadcastGradientArgs")
          .inputs(c.b().longs(k[0]), c.b().longs(k[1])).build(2), feed("unused", Nd.zeros(DataType.FLOAT, 1)));
      long[][] expected = broadcastReductionAxes(k[0], k[1]);
      assertExact(Nd.longs(new long[] {expected[0].length}, expected[0]), out.get(0));
      assertExact(Nd.longs(new long[] {expected[1].length}, expected[1]), out.get(1));
    }
    // shapes fed at run time: the output lengths are unknown to the builder
    List<Nd> out = OrtOps.run(c -> node(c, "BroadcastGradientArgs").inputs(c.in("a"), c.in("b")).build(2),
        feed("a", Nd.longs(new long[] {3}, 3, 1, 5)), feed("b", Nd.longs(new long[] {4}, 2, 3, 4, 1)));
    assertExact(Nd.longs(new long[] {2}, 2, 0), out.get(0));
    assertExact(Nd.longs(new long[] {1}, 3), out.get(1));
    // both outputs are optional: a_axes alone
    out = OrtOps.run(c -> node(c, "BroadcastGradientArgs").inputs(c.b().longs(3, 1), c.b().longs(3, 4)).build(1),
        feed("unused", Nd.zeros(DataType.FLOAT, 1)));
    assertExact(Nd.longs(new long[] {1}, 1), out.get(0));
  }

  @Test
  void indexingGradientsRejectInconsistentShapes() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value idx = b.input("idx", DataType.INT64, Shape.of(2));
    Value dy = b.input("dY", DataType.FLOAT, Shape.of(3, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "GatherGrad").name("gg").inputs(b.longs(4, 3), idx, dy).build());
    assertTrue(e.getMessage().contains("gg") && e.getMessage().contains("Gather output shape [2,3]"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.node(MS, "BroadcastGradientArgs").name("bga")
        .inputs(b.longs(2, 3), b.longs(4)).build(2));
    assertTrue(e.getMessage().contains("bga") && e.getMessage().contains("cannot be broadcast"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.node(MS, "ReduceSumTraining").name("rst")
        .inputs(dy, b.longs(2)).build());
    assertTrue(e.getMessage().contains("rst"), e.getMessage());
  }

  // ---------------------------------------------------------------- losses

  @Test
  @OpTest("com.microsoft::SoftmaxCrossEntropyLossInternal")
  void softmaxCrossEntropyLossInternalWithIgnoreIndexInputAndWeights() {
    // [N, C] = [4, 3]; label 2 is ignored via the ignore_index input
    Nd scores = Nd.uniform(90, -2, 2, 4, 3);
    Nd labels = Nd.longs(new long[] {4}, 0, 2, 1, 1);
    Nd weights = Nd.floats(new long[] {3}, 0.5, 2.0, 1.5);
    for (String red : new String[] {"mean", "sum", "none"}) {
      for (boolean weighted : new boolean[] {false, true}) {
        // ignore_index may be a scalar or a one-element vector
        Nd ignore = weighted ? Nd.longs(new long[0], 2) : Nd.longs(new long[] {1}, 2);
        List<Nd> out = OrtOps.run(c -> node(c, "SoftmaxCrossEntropyLossInternal")
                .inputs(c.in("scores"), c.in("labels"), weighted ? c.in("w") : null, c.in("ii"))
                .attr("reduction", red).build(2),
            feed("scores", Shape.symbolic("N", 3), scores), feed("labels", Shape.symbolic("N"), labels),
            feed("w", weights), feed("ii", ignore));
        Nd logp = logSoftmaxRows(scores);
        assertClose(logp, out.get(1));
        assertClose(sceLoss(logp, labels, weighted ? weights : null, 2, red, 3), out.get(0), 1e-6, 1e-5);
      }
    }
    // [N, C, D] = [2, 3, 2] with int32 labels and no ignore index
    Nd s3 = Nd.uniform(91, -2, 2, 2, 3, 2);
    Nd l3 = Nd.of(DataType.INT32, new long[] {2, 2}, 2, 0, 1, 2);
    List<Nd> out = OrtOps.run(c -> node(c, "SoftmaxCrossEntropyLossInternal")
        .inputs(c.in("scores"), c.in("labels")).attr("reduction", "sum").build(2),
        feed("scores", s3), feed("labels", l3));
    Nd logp3 = logSoftmaxAxis1(s3);
    assertClose(logp3, out.get(1));
    double loss = 0;
    for (int n = 0; n < 2; n++) {
      for (int d = 0; d < 2; d++) {
        loss -= logp3.get(n, (long) l3.get(n, d), d);
      }
    }
    assertClose(Nd.floats(new long[0], loss), out.get(0), 1e-6, 1e-5);
  }

  @Test
  @OpTest("com.microsoft::SoftmaxCrossEntropyLossInternalGrad")
  void softmaxCrossEntropyLossInternalGradWithIgnoreIndexWeightsAndBias() {
    Nd scores = Nd.uniform(92, -2, 2, 4, 3);
    Nd logp = logSoftmaxRows(scores);
    Nd labels = Nd.longs(new long[] {4}, 0, 2, 1, 2);
    Nd weights = Nd.floats(new long[] {3}, 0.5, 2.0, 1.5);
    Nd ignore = Nd.longs(new long[0], 2);
    // mean with weights: divides by the weight of the non-ignored labels
    Nd dyMean = Nd.floats(new long[0], 1.5);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "SoftmaxCrossEntropyLossInternalGrad")
            .inputs(c.in("dY"), c.in("logp"), c.in("labels"), c.in("w"), c.in("ii")).build()),
        feed("dY", dyMean), feed("logp", logp), feed("labels", labels), feed("w", weights), feed("ii", ignore));
    assertClose(sceGrad(logp, labels, weights, 2, "mean", dyMean, 3, null), out.get(0));

    // none without weights, with bias added to the result
    Nd dyNone = Nd.uniform(93, 0.5, 1.5, 4);
    Nd bias = Nd.uniform(94, -1, 1, 4, 3);
    out = OrtOps.run(c -> List.of(node(c, "SoftmaxCrossEntropyLossInternalGrad")
            .inputs(c.in("dY"), c.in("logp"), c.in("labels"), null, c.in("ii"), c.in("bias"))
            .attr("reduction", "none").build()),
        feed("dY", Shape.symbolic("N"), dyNone), feed("logp", Shape.symbolic("N", 3), logp),
        feed("labels", Shape.symbolic("N"), labels), feed("ii", ignore), feed("bias", Shape.symbolic("N", 3), bias));
    assertClose(sceGrad(logp, labels, null, 2, "none", dyNone, 3, bias), out.get(0));
  }

  @Test
  @OpTest("com.microsoft::SoftmaxCrossEntropyLossGrad")
  void softmaxCrossEntropyLossGradMeanCountsOnlyNonIgnoredRows() {
    Nd scores = Nd.uniform(95, -2, 2, 5, 4);
    Nd logp = logSoftmaxRows(scores);
    Nd labels = Nd.longs(new long[] {5}, 3, -100, 0, -100, 1);
    Nd dy = Nd.floats(new long[0], 1.0);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "SoftmaxCrossEntropyLossGrad")
            .inputs(c.in("dY"), c.in("logp"), c.in("labels")).attr("ignore_index", -100L).build()),
        feed("dY", dy), feed("logp", Shape.symbolic("N", 4), logp), feed("labels", Shape.symbolic("N"), labels));
    assertClose(sceGrad(logp, labels, null, -100, "mean", dy, 4, null), out.get(0));
    // sum with weights and no ignore index
    Nd weights = Nd.floats(new long[] {4}, 1, 0.5, 2, 1);
    Nd labels2 = Nd.longs(new long[] {5}, 3, 2, 0, 2, 1);
    out = OrtOps.run(c -> List.of(node(c, "SoftmaxCrossEntropyLossGrad")
            .inputs(c.in("dY"), c.in("logp"), c.in("labels"), c.in("w")).attr("reduction", "sum").build()),
        feed("dY", dy), feed("logp", logp), feed("labels", labels2), feed("w", weights));
    assertClose(sceGrad(logp, labels2, weights, Long.MIN_VALUE, "sum", dy, 4, null), out.get(0));
  }

  @Test
  void lossesRejectAnUnknownReductionAndMismatchedLabels() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value scores = b.input("scores", DataType.FLOAT, Shape.of(4, 3));
    Value labels = b.input("labels", DataType.INT64, Shape.of(4));
    Value labels5 = b.input("labels5", DataType.INT64, Shape.of(5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "SoftmaxCrossEntropyLossInternal").name("sce").inputs(scores, labels)
            .attr("reduction", "avg").build(2));
    assertTrue(e.getMessage().contains("sce") && e.getMessage().contains("'avg'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "SoftmaxCrossEntropyLossGrad").name("sceg").inputs(b.input("dY", DataType.FLOAT,
            Shape.scalar()), scores, labels5).build());
    assertTrue(e.getMessage().contains("sceg") && e.getMessage().contains("labels [5]"), e.getMessage());
    // the kernels index weights by label unchecked: one weight per class
    Value w2 = b.input("w2", DataType.FLOAT, Shape.of(2));
    e = assertThrows(IllegalArgumentException.class, () -> b.node(MS, "SoftmaxCrossEntropyLossInternal")
        .name("scew").inputs(scores, labels, w2).build(2));
    assertTrue(e.getMessage().contains("scew") && e.getMessage().contains("one weight per class"), e.getMessage());
  }

  // ---------------------------------------------------------------- conv, dropout, matmul

  @Test
  @OpTest("com.microsoft::ConvGrad")
  void convGradWithStridesAndPadsThenGroupsAndDilations() {
    // N=2 (symbolic), C=2, 5x5 input, M=3 3x3 kernel, stride 2, pad 1 -> 3x3 output; all three outputs
    Nd x = Nd.uniform(100, -1, 1, 2, 2, 5, 5);
    Nd w = Nd.uniform(101, -1, 1, 3, 2, 3, 3);
    Nd dy = Nd.uniform(102, -1, 1, 2, 3, 3, 3);
    List<Nd> out = OrtOps.run(c -> node(c, "ConvGrad").inputs(c.in("dY"), c.in("X"), c.in("W"))
            .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).ints("kernel_shape", 3, 3).build(3),
        feed("dY", Shape.symbolic("N", 3, 3, 3), dy), feed("X", Shape.symbolic("N", 2, 5, 5), x), feed("W", w));
    Nd[] expected = convBackward(x, w, dy, 2, 1, 1, 1);
    for (int i = 0; i < 3; i++) {
      assertClose(expected[i], out.get(i), 1e-5, 1e-4); // sums of up to 36 products
    }

    // group 2, dilation 2: C=4, M=2 (one filter per group), 7x7 input -> 3x3 output; dX and dW only
    Nd x2 = Nd.uniform(103, -1, 1, 1, 4, 7, 7);
    Nd w2 = Nd.uniform(104, -1, 1, 2, 2, 3, 3);
    Nd dy2 = Nd.uniform(105, -1, 1, 1, 2, 3, 3);
    out = OrtOps.run(c -> node(c, "ConvGrad").inputs(c.in("dY"), c.in("X"), c.in("W"))
            .attr("group", 2L).ints("dilations", 2, 2).build(2),
        feed("dY", dy2), feed("X", x2), feed("W", w2));
    expected = convBackward(x2, w2, dy2, 1, 0, 2, 2);
    assertClose(expected[0], out.get(0), 1e-5, 1e-4);
    assertClose(expected[1], out.get(1), 1e-5, 1e-4);
  }

  @Test
  @OpTest("com.microsoft::DropoutGrad")
  void dropoutGradScalesKeptGradientsByOneOverOneMinusRatio() {
    Nd dy = Nd.uniform(110, -1, 1, 3, 4);
    Nd mask = Nd.bools(new long[] {3, 4}, true, false, true, true, false, false, true, false, true, true, true,
        false);
    List<Nd> out = OrtOps.run(c -> List.of(
            node(c, "DropoutGrad").inputs(c.in("dy"), c.in("mask"), c.b().scalar(0.25f),
                c.b().constant(TensorData.ofBooleans(new long[0], true))).build(),
            node(c, "DropoutGrad").inputs(c.in("dy"), c.in("mask")).build()),
        feed("dy", Shape.symbolic("rows", 4), dy), feed("mask", Shape.symbolic("rows", 4), mask));
    assertClose(Nd.zip(dy, mask, DataType.FLOAT, (g, m) -> g * m / (1 - 0.25)), out.get(0));
    // the ratio defaults to 0.5
    assertClose(Nd.zip(dy, mask, DataType.FLOAT, (g, m) -> g * m / 0.5), out.get(1));
  }

  @Test
  @OpTest("com.microsoft::FusedMatMul")
  void fusedMatMulTransposesAndScales() {
    // A [batch=2, 4, 3] with transA -> [2, 3, 4]; B [5, 4] with transB -> [4, 5]; alpha 0.5
    Nd a = Nd.uniform(120, -1, 1, 2, 4, 3);
    Nd bm = Nd.uniform(121, -1, 1, 5, 4);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "FusedMatMul").inputs(c.in("A"), c.in("B"))
            .attr("transA", 1L).attr("transB", 1L).attr("alpha", 0.5f).build(),
            node(c, "FusedMatMul").inputs(c.in("A"), c.in("A")).attr("transB", 1L).build()),
        feed("A", Shape.symbolic("batch", 4, 3), a), feed("B", bm));
    Nd expected = Nd.zeros(DataType.FLOAT, 2, 3, 5);
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 5; j++) {
          double acc = 0;
          for (int k = 0; k < 4; k++) {
            acc += a.get(n, k, i) * bm.get(j, k);
          }
          expected.set(0.5 * acc, n, i, j);
        }
      }
    }
    assertClose(expected, out.get(0));
    // A @ A^T per batch: [2, 4, 4]
    Nd gram = Nd.zeros(DataType.FLOAT, 2, 4, 4);
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          double acc = 0;
          for (int k = 0; k < 3; k++) {
            acc += a.get(n, i, k) * a.get(n, j, k);
          }
          gram.set(acc, n, i, j);
        }
      }
    }
    assertClose(gram, out.get(1));
  }

  @Test
  void convGradAndFusedMatMulRejectMismatchedOperands() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value x = b.input("X", DataType.FLOAT, Shape.of(1, 3, 5, 5));
    Value w = b.input("W", DataType.FLOAT, Shape.of(2, 2, 3, 3));
    Value dy = b.input("dY", DataType.FLOAT, Shape.of(1, 2, 3, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "ConvGrad").name("cg").inputs(dy, x, w).build(3));
    assertTrue(e.getMessage().contains("cg") && e.getMessage().contains("3 channels"), e.getMessage());
    Value a = b.input("A", DataType.FLOAT, Shape.of(2, 3));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "FusedMatMul").name("fmm").inputs(a, a).attr("alpha", 2f).build());
    assertTrue(e.getMessage().contains("fmm") && e.getMessage().contains("[2,3]"), e.getMessage());
    Value m = b.input("mask", DataType.FLOAT, Shape.of(1, 2, 3, 3));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "DropoutGrad").name("dg").inputs(dy, m).build());
    assertTrue(e.getMessage().contains("dg") && e.getMessage().contains("bool"), e.getMessage());
  }

  // ---------------------------------------------------------------- accumulation, zeroing, norms

  @Test
  @OpTest("com.microsoft::InPlaceAccumulatorV2")
  void inPlaceAccumulatorV2AddsOrOverwrites() {
    Nd buf = Nd.uniform(130, -1, 1, 2, 3);
    Nd val = Nd.uniform(131, -1, 1, 2, 3);
    for (Boolean overwrite : new Boolean[] {null, false, true}) {
      List<OrtOps.Feed> feeds = new ArrayList<>(List.of(feed("buf", buf), feed("val", val)));
      if (overwrite != null) {
        feeds.add(feed("ow", Nd.bools(new long[] {1}, overwrite)));
      }
      List<Nd> out = OrtOps.run(c -> node(c, "InPlaceAccumulatorV2")
              .inputs(c.in("buf"), c.in("val"), overwrite == null ? null : c.in("ow")).build(2),
          feeds.toArray(OrtOps.Feed[]::new));
      assertExact(Nd.bools(new long[] {1}, true), out.get(0));
      assertClose(Boolean.TRUE.equals(overwrite) ? val : Nd.zip(buf, val, DataType.FLOAT, Double::sum), out.get(1));
    }
  }

  @Test
  @OpTest("com.microsoft::ZeroGradient")
  void zeroGradientGivesZerosOfTheGradientsShape() {
    Nd g = Nd.uniform(132, -1, 1, 3, 2);
    List<Nd> out = OrtOps.run(c -> List.of(node(c, "ZeroGradient").inputs(c.in("g"), c.in("reset")).build()),
        feed("g", Shape.symbolic("n", 2), g), feed("reset", Nd.bools(new long[] {1}, true)));
    assertExact(Nd.zeros(DataType.FLOAT, 3, 2), out.get(0));
  }

  @Test
  @OpTest("com.microsoft::ReduceAllL2")
  void reduceAllL2IsTheNormOverAllInputs() {
    Nd a = Nd.uniform(133, -1, 1, 2, 3);
    Nd b = Nd.uniform(134, -1, 1, 4);
    Nd d = Nd.uniform(135, -1, 1, 1, 1, 5);
    List<Nd> out = OrtOps.run(c -> List.of(
            node(c, "ReduceAllL2").inputs(c.in("a"), c.in("b"), c.in("d")).build(),
            node(c, "ReduceAllL2").inputs(c.in("b")).build()),
        feed("a", a), feed("b", Shape.symbolic("k"), b), feed("d", d));
    double ss = 0;
    for (Nd t : List.of(a, b, d)) {
      for (double v : t.data) {
        ss += v * v;
      }
    }
    double sb = 0;
    for (double v : b.data) {
      sb += v * v;
    }
    assertClose(Nd.floats(new long[0], Math.sqrt(ss)), out.get(0));
    assertClose(Nd.floats(new long[0], Math.sqrt(sb)), out.get(1));
  }

  @Test
  void accumulationOpsRejectMismatchedInputs() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value buf = b.input("buf", DataType.FLOAT, Shape.of(2, 3));
    Value val = b.input("val", DataType.FLOAT, Shape.of(3, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "InPlaceAccumulatorV2").name("acc").inputs(buf, val).build(2));
    assertTrue(e.getMessage().contains("acc") && e.getMessage().contains("same shape"), e.getMessage());
    Value d = b.input("d", DataType.DOUBLE, Shape.of(2));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "ReduceAllL2").name("l2").inputs(buf, d).build());
    assertTrue(e.getMessage().contains("l2") && e.getMessage().contains("same element type"), e.getMessage());
  }

  // ---------------------------------------------------------------- sequences and optimizers

  @Test
  @OpTest({"SequenceConstruct", "SequenceAt"})
  void sequenceConstructThenSequenceAtGivesTheTensorsBack() {
    Nd a = Nd.uniform(140, -1, 1, 2, 3);
    Nd b = Nd.uniform(141, -1, 1, 4, 3);
    Nd d = Nd.uniform(142, -1, 1, 2, 3);
    List<Nd> out = OrtOps.run(c -> {
      Value seq = c.b().node("SequenceConstruct").inputs(c.in("a"), c.in("b"), c.in("d")).build();
      assertEquals(ValueType.sequence(ValueType.tensor(DataType.FLOAT, Shape.symbolic("?", 3))).toString(),
          seq.type().toString());
      Value same = c.b().node("SequenceConstruct").inputs(c.in("a"), c.in("d")).build();
      return List.of(
          c.b().node("SequenceAt").inputs(seq, c.b().constant(TensorData.scalar(1L))).build(),
          c.b().node("SequenceAt").inputs(seq, c.b().constant(TensorData.ofInts(new long[0], -1))).build(),
          c.b().node("SequenceAt").inputs(same, c.in("pos")).build());
    }, feed("a", Shape.symbolic("two", 3), a), feed("b", b), feed("d", Shape.symbolic("two", 3), d),
        feed("pos", Nd.longs(new long[0], 0)));
    assertClose(b, out.get(0));
    assertClose(d, out.get(1));
    assertClose(a, out.get(2));
  }

  @Test
  void sequenceOpsRejectMixedTypesAndNonSequences() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value f = b.input("f", DataType.FLOAT, Shape.of(2));
    Value i = b.input("i", DataType.INT64, Shape.of(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node("SequenceConstruct").name("sc").inputs(f, i).build());
    assertTrue(e.getMessage().contains("sc") && e.getMessage().contains("same element type"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("SequenceAt").name("sa").inputs(f, b.constant(TensorData.scalar(0L))).build());
    assertTrue(e.getMessage().contains("sa") && e.getMessage().contains("sequence of tensors"), e.getMessage());
    Value seq = b.node("SequenceConstruct").inputs(f).build();
    e = assertThrows(IllegalArgumentException.class, () -> b.node("SequenceAt").name("sa2")
        .inputs(seq, b.longs(0)).build());
    assertTrue(e.getMessage().contains("sa2") && e.getMessage().contains("rank 0"), e.getMessage());
  }

  @Test
  @OpTest("com.microsoft::InplaceClipGradNorm")
  void inplaceClipGradNormScalesBySmallerOfOneAndMaxNormOverNorm() {
    Nd g1 = Nd.uniform(150, -1, 1, 2, 3);
    Nd g2 = Nd.uniform(151, -1, 1, 4);
    double norm = 0;
    for (Nd g : List.of(g1, g2)) {
      for (double v : g.data) {
        norm += v * v;
      }
    }
    norm = Math.sqrt(norm);
    for (double maxNorm : new double[] {0.5, 100}) {
      List<Nd> out = OrtOps.run(c -> {
        Value seq = c.b().node("SequenceConstruct").inputs(c.in("g1"), c.in("g2")).build();
        Value clipped = node(c, "InplaceClipGradNorm").inputs(seq).attr("max_norm", (float) maxNorm).build();
        return List.of(at(c, clipped, 0), at(c, clipped, 1));
      }, feed("g1", g1), feed("g2", g2));
      double coef = Math.min(1, maxNorm / (norm + 1e-6));
      assertClose(g1.map(v -> v * coef), out.get(0));
      assertClose(g2.map(v -> v * coef), out.get(1));
    }
  }

  @Test
  @OpTest("com.microsoft::SGDOptimizerV2")
  void sgdOptimizerV2StepsAgainstTheGradient() {
    Nd w1 = Nd.uniform(160, -1, 1, 2, 3);
    Nd w2 = Nd.uniform(161, -1, 1, 4);
    Nd g1 = Nd.uniform(162, -1, 1, 2, 3);
    Nd g2 = Nd.uniform(163, -1, 1, 4);
    for (Boolean signal : new Boolean[] {null, true, false}) {
      List<OrtOps.Feed> feeds = new ArrayList<>(List.of(feed("lr", Nd.floats(new long[0], 0.1)), feed("w1", w1),
          feed("w2", w2), feed("g1", g1), feed("g2", g2)));
      if (signal != null) {
        feeds.add(feed("signal", Nd.bools(new long[] {1}, signal)));
      }
      List<Nd> out = OrtOps.run(c -> {
        Value ws = c.b().node("SequenceConstruct").inputs(c.in("w1"), c.in("w2")).build();
        Value gs = c.b().node("SequenceConstruct").inputs(c.in("g1"), c.in("g2")).build();
        List<Value> r = node(c, "SGDOptimizerV2")
            .inputs(c.in("lr"), ws, gs, signal == null ? null : c.in("signal")).build(2);
        return List.of(r.get(0), at(c, r.get(1), 0), at(c, r.get(1), 1));
      }, feeds.toArray(OrtOps.Feed[]::new));
      boolean updated = !Boolean.FALSE.equals(signal);
      assertExact(Nd.bools(new long[0], updated), out.get(0));
      double lr = updated ? (float) 0.1 : 0;
      assertClose(Nd.zip(w1, g1, DataType.FLOAT, (w, g) -> w - lr * g), out.get(1));
      assertClose(Nd.zip(w2, g2, DataType.FLOAT, (w, g) -> w - lr * g), out.get(2));
    }
  }

  @Test
  @OpTest("com.microsoft::AdamWOptimizer")
  void adamWOptimizerInBothModes() {
    long[][] shapes = {{2, 3}, {4}};
    Nd[] w = new Nd[2];
    Nd[] g = new Nd[2];
    Nd[] m1 = new Nd[2];
    Nd[] m2 = new Nd[2];
    for (int i = 0; i < 2; i++) {
      w[i] = Nd.uniform(170 + i, -1, 1, shapes[i]);
      g[i] = Nd.uniform(172 + i, -1, 1, shapes[i]);
      m1[i] = Nd.uniform(174 + i, -0.1, 0.1, shapes[i]);
      m2[i] = Nd.uniform(176 + i, 0, 0.01, shapes[i]);
    }
    double lr = (float) 0.01;
    long step = 3;
    for (long mode : new long[] {0, 1}) {
      for (Boolean signal : new Boolean[] {null, false}) {
        List<OrtOps.Feed> feeds = new ArrayList<>(List.of(feed("lr", Nd.floats(new long[] {1}, lr)),
            feed("step", Nd.longs(new long[] {1}, step))));
        for (int i = 0; i < 2; i++) {
          feeds.add(feed("w" + i, w[i]));
          feeds.add(feed("g" + i, g[i]));
          feeds.add(feed("m1_" + i, m1[i]));
          feeds.add(feed("m2_" + i, m2[i]));
        }
        if (signal != null) {
          feeds.add(feed("signal", Nd.bools(new long[] {1}, signal)));
        }
        List<Nd> out = OrtOps.run(c -> {
          Value ws = c.b().node("SequenceConstruct").inputs(c.in("w0"), c.in("w1")).build();
          Value gs = c.b().node("SequenceConstruct").inputs(c.in("g0"), c.in("g1")).build();
          Value m1s = c.b().node("SequenceConstruct").inputs(c.in("m1_0"), c.in("m1_1")).build();
          Value m2s = c.b().node("SequenceConstruct").inputs(c.in("m2_0"), c.in("m2_1")).build();
          List<Value> r = node(c, "AdamWOptimizer")
              .inputs(c.in("lr"), c.in("step"), ws, gs, m1s, m2s, signal == null ? null : c.in("signal"))
              .attr("adam_mode", mode).attr("weight_decay", 0.1f).build(4);
          List<Value> outs = new ArrayList<>(List.of(r.get(0)));
          for (int s = 1; s <= 3; s++) {
            outs.add(at(c, r.get(s), 0));
            outs.add(at(c, r.get(s), 1));
          }
          return outs;
        }, feeds.toArray(OrtOps.Feed[]::new));
        boolean updated = signal == null;
        assertExact(Nd.bools(new long[] {1}, updated), out.get(0));
        for (int i = 0; i < 2; i++) {
          Nd[] expected = updated ? adamW(w[i], g[i], m1[i], m2[i], lr, step, 0.9, 0.999, 1e-8, 0.1, mode)
              : new Nd[] {w[i], m1[i], m2[i]};
          for (int s = 0; s < 3; s++) {
            assertClose(expected[s], out.get(1 + 2 * s + i), 1e-6, 1e-5);
          }
        }
      }
    }
  }

  @Test
  void optimizersRejectTensorsWhereTheyTakeSequences() {
    GraphBuilder b = new GraphBuilder("g", 1);
    Value lr = b.input("lr", DataType.FLOAT, Shape.of(1));
    Value step = b.input("step", DataType.INT64, Shape.of(1));
    Value w = b.input("w", DataType.FLOAT, Shape.of(2));
    Value ws = b.node("SequenceConstruct").inputs(w).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "AdamWOptimizer").name("adamw").inputs(lr, step, w, ws, ws, ws).build());
    assertTrue(e.getMessage().contains("adamw") && e.getMessage().contains("weights")
        && e.getMessage().contains("sequence of tensors"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "AdamWOptimizer").name("adamw2").inputs(lr, step, ws, ws, ws, ws).attr("adam_mode", 2L)
            .build());
    assertTrue(e.getMessage().contains("adamw2") && e.getMessage().contains("adam_mode"), e.getMessage());
    Value lr2 = b.input("lr2", DataType.FLOAT, Shape.of(2));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node(MS, "SGDOptimizerV2").name("sgd").inputs(lr2, ws, ws).build());
    assertTrue(e.getMessage().contains("sgd") && e.getMessage().contains("one-element"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.node(MS, "InplaceClipGradNorm").name("clip")
        .inputs(ws).attr("norm_type", "inf").build());
    assertTrue(e.getMessage().contains("clip") && e.getMessage().contains("'inf'"), e.getMessage());
  }

  // ---------------------------------------------------------------- helpers

  private static NodeBuilder node(Ctx c, String op) {
    return c.b().node(MS, op);
  }

  private static Value at(Ctx c, Value seq, long i) {
    return c.b().node("SequenceAt").inputs(seq, c.b().constant(TensorData.scalar(i))).build();
  }

  /** Flat indices of each 1-D lane of {@code shape} along {@code axis}. */
  private static List<int[]> lanes(long[] shape, int axis) {
    int a = axis < 0 ? axis + shape.length : axis;
    long[] st = Nd.strides(shape);
    List<int[]> out = new ArrayList<>();
    for (int flat = 0; flat < Nd.count(shape); flat++) {
      if (Nd.unravel(flat, shape)[a] != 0) {
        continue;
      }
      int[] lane = new int[(int) shape[a]];
      for (int k = 0; k < lane.length; k++) {
        lane[k] = (int) (flat + k * st[a]);
      }
      out.add(lane);
    }
    return out;
  }

  private static Nd softmax(Nd x, int axis) {
    double[] d = new double[x.size()];
    for (int[] lane : lanes(x.shape, axis)) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i : lane) {
        max = Math.max(max, x.data[i]);
      }
      double sum = 0;
      for (int i : lane) {
        sum += Math.exp(x.data[i] - max);
      }
      for (int i : lane) {
        d[i] = Math.exp(x.data[i] - max) / sum;
      }
    }
    return Nd.floats(x.shape, d);
  }

  private static Nd logSoftmaxRows(Nd scores) {
    return Nd.floats(scores.shape, softmax(scores, -1).map(Math::log).data);
  }

  private static Nd logSoftmaxAxis1(Nd scores) {
    return Nd.floats(scores.shape, softmax(scores, 1).map(Math::log).data);
  }

  /** Loss of log-probabilities [N, C] against labels: -w[label] * logp[label], ignored rows 0. */
  private static Nd sceLoss(Nd logp, Nd labels, Nd weights, long ignore, String reduction, int classes) {
    int n = labels.size();
    double[] per = new double[n];
    double sum = 0;
    double denom = 0;
    for (int i = 0; i < n; i++) {
      long l = (long) labels.data[i];
      if (l == ignore) {
        continue;
      }
      double wl = weights == null ? 1 : weights.data[(int) l];
      per[i] = -wl * logp.data[i * classes + (int) l];
      sum += per[i];
      denom += wl;
    }
    return switch (reduction) {
      case "none" -> Nd.floats(labels.shape, per);
      case "sum" -> Nd.floats(new long[0], sum);
      default -> Nd.floats(new long[0], denom == 0 ? sum : sum / denom);
    };
  }

  /** d loss / d logits for rows of [N, C]: (softmax - onehot) * w[label] * dY (mean: / total weight). */
  private static Nd sceGrad(Nd logp, Nd labels, Nd weights, long ignore, String reduction, Nd dy, int classes,
      Nd bias) {
    int n = labels.size();
    double denom = 0;
    for (int i = 0; i < n; i++) {
      long l = (long) labels.data[i];
      if (l != ignore) {
        denom += weights == null ? 1 : weights.data[(int) l];
      }
    }
    double[] d = new double[logp.size()];
    for (int i = 0; i < n; i++) {
      long l = (long) labels.data[i];
      double scale;
      if (l == ignore) {
        scale = 0;
      } else {
        double wl = weights == null ? 1 : weights.data[(int) l];
        double g = reduction.equals("none") ? dy.data[i] : dy.data[0];
        scale = wl * g / (reduction.equals("mean") && denom != 0 ? denom : 1);
      }
      for (int k = 0; k < classes; k++) {
        int idx = i * classes + k;
        d[idx] = (Math.exp(logp.data[idx]) - (k == l ? 1 : 0)) * scale + (bias == null ? 0 : bias.data[idx]);
      }
    }
    return Nd.floats(logp.shape, d);
  }

  private static Nd reduceSum(Nd x, int[] axes, boolean keep) {
    boolean[] red = new boolean[x.rank()];
    for (int a : axes) {
      red[a] = true;
    }
    List<Long> outShape = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!red[i]) {
        outShape.add(x.shape[i]);
      } else if (keep) {
        outShape.add(1L);
      }
    }
    long[] os = outShape.stream().mapToLong(Long::longValue).toArray();
    Nd out = Nd.zeros(DataType.FLOAT, os);
    for (int flat = 0; flat < x.size(); flat++) {
      long[] idx = Nd.unravel(flat, x.shape);
      List<Long> o = new ArrayList<>();
      for (int i = 0; i < idx.length; i++) {
        if (!red[i]) {
          o.add(idx[i]);
        } else if (keep) {
          o.add(0L);
        }
      }
      long[] oi = o.stream().mapToLong(Long::longValue).toArray();
      out.set(out.get(oi) + x.data[flat], oi);
    }
    return out;
  }

  /**
   * For each operand, the axes of the broadcast result (numbered in the result, last first) along which its
   * gradient must be summed: axes it lacks, and axes where it has 1 and the other operand does not.
   */
  private static long[][] broadcastReductionAxes(long[] a, long[] b) {
    int rank = Math.max(a.length, b.length);
    List<Long> ra = new ArrayList<>();
    List<Long> rb = new ArrayList<>();
    for (int k = rank - 1; k >= 0; k--) {
      int i = k - (rank - a.length);
      int j = k - (rank - b.length);
      Long da = i >= 0 ? a[i] : null;
      Long db = j >= 0 ? b[j] : null;
      if (da == null) {
        ra.add((long) k);
      } else if (db == null) {
        rb.add((long) k);
      } else if (da == 1 && db != 1) {
        ra.add((long) k);
      } else if (db == 1 && da != 1) {
        rb.add((long) k);
      }
    }
    return new long[][] {ra.stream().mapToLong(Long::longValue).toArray(),
        rb.stream().mapToLong(Long::longValue).toArray()};
  }

  /** dX, dW, dB of a 2-D convolution with square stride, symmetric pad and dilation, by direct loops. */
  private static Nd[] convBackward(Nd x, Nd w, Nd dy, int stride, int pad, int dilation, int group) {
    int n = (int) x.shape[0];
    int cIn = (int) x.shape[1];
    int h = (int) x.shape[2];
    int wd = (int) x.shape[3];
    int m = (int) w.shape[0];
    int cg = (int) w.shape[1];
    int kh = (int) w.shape[2];
    int kw = (int) w.shape[3];
    int oh = (int) dy.shape[2];
    int ow = (int) dy.shape[3];
    int mg = m / group;
    Nd dx = Nd.zeros(DataType.FLOAT, x.shape);
    Nd dw = Nd.zeros(DataType.FLOAT, w.shape);
    Nd db = Nd.zeros(DataType.FLOAT, m);
    assertEquals(cIn, cg * group);
    for (int b = 0; b < n; b++) {
      for (int f = 0; f < m; f++) {
        int grp = f / mg;
        for (int y = 0; y < oh; y++) {
          for (int z = 0; z < ow; z++) {
            double g = dy.get(b, f, y, z);
            db.data[f] += g;
            for (int c = 0; c < cg; c++) {
              int ch = grp * cg + c;
              for (int p = 0; p < kh; p++) {
                for (int q = 0; q < kw; q++) {
                  int iy = y * stride - pad + p * dilation;
                  int iz = z * stride - pad + q * dilation;
                  if (iy < 0 || iy >= h || iz < 0 || iz >= wd) {
                    continue;
                  }
                  dx.set(dx.get(b, ch, iy, iz) + g * w.get(f, c, p, q), b, ch, iy, iz);
                  dw.set(dw.get(f, c, p, q) + g * x.get(b, ch, iy, iz), f, c, p, q);
                }
              }
            }
          }
        }
      }
    }
    return new Nd[] {dx, dw, db};
  }

  /** One AdamW step: returns the new weight, first and second moments. */
  private static Nd[] adamW(Nd w, Nd g, Nd m1, Nd m2, double lr, long step, double beta1, double beta2, double eps,
      double decay, long mode) {
    double b1 = (float) beta1;
    double b2 = (float) beta2;
    double c1 = 1 - Math.pow(b1, step);
    double c2 = 1 - Math.pow(b2, step);
    int n = w.size();
    double[] nw = new double[n];
    double[] n1 = new double[n];
    double[] n2 = new double[n];
    for (int i = 0; i < n; i++) {
      double gi = g.data[i];
      n1[i] = b1 * m1.data[i] + (1 - b1) * gi;
      n2[i] = b2 * m2.data[i] + (1 - b2) * gi * gi;
      if (mode == 0) {
        // torch AdamW: decay the weight first, then the bias-corrected Adam step
        double wi = w.data[i] * (1 - lr * decay);
        double mHat = n1[i] / c1;
        double vHat = n2[i] / c2;
        nw[i] = wi - lr * mHat / (Math.sqrt(vHat) + eps);
      } else {
        // Hugging Face AdamW: bias correction folded into the step size, decay after the step
        double stepSize = lr * Math.sqrt(c2) / c1;
        double wi = w.data[i] - stepSize * n1[i] / (Math.sqrt(n2[i]) + eps);
        nw[i] = wi - lr * decay * wi;
      }
    }
    return new Nd[] {Nd.floats(w.shape, nw), Nd.floats(w.shape, n1), Nd.floats(w.shape, n2)};
  }

  /** erf by its Maclaurin series (|x| <= 4 here, where the double sum is accurate to ~1e-13). */
  private static double erf(double x) {
    if (Math.abs(x) > 5) {
      return Math.signum(x);
    }
    double term = x;
    double sum = x;
    for (int n = 1; n < 200; n++) {
      term *= -x * x / n;
      double add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) {
        break;
      }
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  private static double normalCdf(double x) {
    return 0.5 * (1 + erf(x / Math.sqrt(2)));
  }

  /** d/dx [x * Phi(x)] = Phi(x) + x * phi(x). */
  private static double geluDerivative(double x) {
    return normalCdf(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  }

  private static double fastGelu(double x) {
    return 0.5 * x * (1 + Math.tanh(SQRT_2_PI * (x + 0.044715 * x * x * x)));
  }

  /** d/dx of the tanh approximation 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3). */
  private static double fastGeluDerivative(double x) {
    double t = Math.tanh(SQRT_2_PI * (x + 0.044715 * x * x * x));
    double du = SQRT_2_PI * (1 + 3 * 0.044715 * x * x);
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
  }
}
