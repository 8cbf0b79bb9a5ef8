package dev.loca.it.ops;

import static dev.loca.it.ops.OrtOps.assertClose;
import static dev.loca.it.ops.OrtOps.assertExact;
import static dev.loca.it.ops.OrtOps.feed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.NodeBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Neural-network ops (Softmax, LogSoftmax, LayerNormalization, Conv, Resize, Dropout,
 * SoftmaxCrossEntropyLoss) through ONNX Runtime against Java reference computations written from the
 * ONNX operator specifications.
 */
class NeuralNetOpsTest {

  // ---------------------------------------------------------------- Softmax / LogSoftmax

  /** Logits around 1000: a naive exp overflows in float32 and double alike. */
  private static Nd largeLogits() {
    return Nd.uniform(11, -8, 8, 2, 3, 4).map(v -> (float) (v + 1000));
  }

  private static List<Nd> softmaxFamily(String op, Nd x) {
    return OrtOps.run(c -> List.of(
            c.b().node(op).inputs(c.in("x")).build(), // default axis -1
            c.b().node(op).inputs(c.in("x")).attr("axis", 1L).build(),
            c.b().node(op).inputs(c.in("x")).attr("axis", 0L).build()),
        feed("x", Shape.symbolic("batch", 3, 4), x));
  }

  @Test
  @OpTest("Softmax")
  void softmaxAlongEachAxisWithLargeLogits() {
    Nd x = largeLogits();
    List<Nd> out = softmaxFamily("Softmax", x);
    assertClose(softmaxRef(x, -1, false), out.get(0));
    assertClose(softmaxRef(x, 1, false), out.get(1));
    assertClose(softmaxRef(x, 0, false), out.get(2));
    // rows sum to one and nothing overflowed
    for (double v : out.get(0).data) {
      assertTrue(Double.isFinite(v) && v >= 0 && v <= 1, "softmax value " + v);
    }
  }

  @Test
  @OpTest("LogSoftmax")
  void logSoftmaxAlongEachAxisWithLargeLogits() {
    Nd x = largeLogits();
    List<Nd> out = softmaxFamily("LogSoftmax", x);
    assertClose(softmaxRef(x, -1, true), out.get(0));
    assertClose(softmaxRef(x, 1, true), out.get(1));
    assertClose(softmaxRef(x, 0, true), out.get(2));
  }

  @Test
  void softmaxRejectsABadAxisAndAnIntegerInput() {
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3, 4));
    var e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Softmax").name("bad_softmax").inputs(x).attr("axis", 3L).build());
    assertMessage(e, "bad_softmax", "axis 3", "rank 3");
    Value i = b.input("i", DataType.INT64, Shape.of(2, 3));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("LogSoftmax").name("bad_logsoftmax").inputs(i).build());
    assertMessage(e, "bad_logsoftmax", "input 0", "int64");
  }

  // ---------------------------------------------------------------- LayerNormalization

  @Test
  @OpTest("LayerNormalization")
  void layerNormalizationOverTheLastAxisWithBiasAndAllOutputs() {
    Nd x = Nd.uniform(21, -3, 3, 2, 3, 4);
    Nd scale = Nd.uniform(22, 0.5, 1.5, 4);
    Nd bias = Nd.uniform(23, -1, 1, 4);
    List<Nd> out = OrtOps.run(c -> c.b().node("LayerNormalization")
            .inputs(c.in("x"), c.in("scale"), c.in("bias")).build(3),
        feed("x", Shape.symbolic("batch", 3, 4), x), feed("scale", scale), feed("bias", bias));
    Nd[] ref = layerNormRef(x, scale, bias, -1, 1e-5);
    assertArrayEquals(new long[] {2, 3, 1}, out.get(1).shape);
    assertArrayEquals(new long[] {2, 3, 1}, out.get(2).shape);
    assertClose(ref[0], out.get(0), 1e-5, 1e-5);
    assertClose(ref[1], out.get(1));
    assertClose(ref[2], out.get(2), 1e-5, 1e-5);
  }

  @Test
  @OpTest("LayerNormalization")
  void layerNormalizationFromAxisOneWithoutBiasAndALargeEpsilon() {
    Nd x = Nd.uniform(24, -2, 2, 2, 3, 4);
    Nd scale = Nd.uniform(25, -1.5, 1.5, 3, 4);
    List<Nd> out = OrtOps.run(c -> c.b().node("LayerNormalization").inputs(c.in("x"), c.in("scale"))
            .attr("axis", 1L).attr("epsilon", 0.5f).build(3),
        feed("x", Shape.symbolic("batch", 3, 4), x), feed("scale", scale));
    Nd[] ref = layerNormRef(x, scale, null, 1, 0.5);
    assertArrayEquals(new long[] {2, 1, 1}, out.get(1).shape);
    assertArrayEquals(new long[] {2, 1, 1}, out.get(2).shape);
    assertClose(ref[0], out.get(0), 1e-5, 1e-5);
    assertClose(ref[1], out.get(1));
    assertClose(ref[2], out.get(2), 1e-5, 1e-5);
    // epsilon really matters at this size: without it InvStdDev would be clearly larger
    Nd noEps = layerNormRef(x, scale, null, 1, 0)[2];
    assertTrue(noEps.data[0] > out.get(2).data[0] * 1.05, "epsilon 0.5 was not applied");
  }

  @Test
  @OpTest("LayerNormalization")
  void layerNormalizationWithOnlyY() {
    Nd x = Nd.uniform(26, -2, 2, 3, 5);
    Nd scale = Nd.uniform(27, 0.5, 1.5, 5);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().op("LayerNormalization", c.in("x"), c.in("scale"))),
        feed("x", Shape.symbolic("n", 5), x), feed("scale", scale));
    assertClose(layerNormRef(x, scale, null, -1, 1e-5)[0], out.get(0), 1e-5, 1e-5);
  }

  @Test
  void layerNormalizationRejectsAScaleOfTheWrongShapeAndABadAxis() {
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3, 4));
    Value s5 = b.input("s5", DataType.FLOAT, Shape.of(5));
    var e = assertThrows(IllegalArgumentException.class,
        () -> b.node("LayerNormalization").name("bad_ln").inputs(x, s5).build());
    assertMessage(e, "bad_ln", "[5]", "[4]");
    Value s4 = b.input("s4", DataType.FLOAT, Shape.of(4));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("LayerNormalization").name("bad_ln_axis").inputs(x, s4).attr("axis", -4L).build());
    assertMessage(e, "bad_ln_axis", "axis -4", "rank 3");
  }

  // ---------------------------------------------------------------- Conv

  /** Sums of up to 27 products: float32 accumulation error is a few ulps of the magnitudes involved. */
  private static void assertConvClose(Nd expected, Nd actual) {
    assertClose(expected, actual, 1e-5, 1e-5);
  }

  @Test
  @OpTest("Conv")
  void conv2dWithBiasStridesAndAsymmetricPads() {
    Nd x = Nd.uniform(31, -1, 1, 2, 3, 7, 6);
    Nd w = Nd.uniform(32, -1, 1, 4, 3, 3, 3);
    Nd bias = Nd.uniform(33, -1, 1, 4);
    long[] strides = {2, 2};
    long[] pads = {1, 0, 2, 1};
    List<Nd> out = OrtOps.run(c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w"), c.in("b"))
            .ints("strides", strides).ints("pads", pads).build()),
        feed("x", Shape.symbolic("N", 3, 7, 6), x), feed("w", w), feed("b", bias));
    Nd ref = convRef(x, w, bias, strides, pads, new long[] {1, 1}, 1);
    assertArrayEquals(new long[] {2, 4, 4, 3}, ref.shape); // (7+1+2-3)/2+1, (6+0+1-3)/2+1
    assertConvClose(ref, out.get(0));
  }

  @Test
  @OpTest("Conv")
  void conv2dDilatedGroupedWithoutBias() {
    Nd x = Nd.uniform(34, -1, 1, 1, 4, 7, 7);
    Nd w = Nd.uniform(35, -1, 1, 6, 2, 3, 2); // group 2: 4 input channels, 2 per group; 3 outputs per group
    long[] dil = {2, 3};
    long[] pads = {1, 1, 1, 1};
    List<Nd> out = OrtOps.run(c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w"))
            .attr("group", 2L).ints("dilations", dil).ints("pads", pads).build()),
        feed("x", x), feed("w", w));
    Nd ref = convRef(x, w, null, new long[] {1, 1}, pads, dil, 2);
    assertArrayEquals(new long[] {1, 6, 5, 6}, ref.shape);
    assertConvClose(ref, out.get(0));
  }

  @Test
  @OpTest("Conv")
  void conv2dPatchEmbedding() {
    // ViT-style: kernel = stride = patch size 4 on an 8x8 RGB image gives a 2x2 grid of 5-dim embeddings
    Nd x = Nd.uniform(36, 0, 1, 2, 3, 8, 8);
    Nd w = Nd.uniform(37, -0.5, 0.5, 5, 3, 4, 4);
    Nd bias = Nd.uniform(38, -0.1, 0.1, 5);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w"), c.in("b"))
            .ints("kernel_shape", 4, 4).ints("strides", 4, 4).build()),
        feed("x", Shape.symbolic("batch", 3, 8, 8), x), feed("w", w), feed("b", bias));
    Nd ref = convRef(x, w, bias, new long[] {4, 4}, new long[4], new long[] {1, 1}, 1);
    assertArrayEquals(new long[] {2, 5, 2, 2}, ref.shape);
    // the first embedding of the first patch, summed by hand over the patch, as a check of convRef itself
    double e = bias.data[0];
    for (int ch = 0; ch < 3; ch++) {
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          e += x.get(0, ch, i, j) * w.get(0, ch, i, j);
        }
      }
    }
    assertEquals(e, ref.get(0, 0, 0, 0), 1e-12);
    assertClose(ref, out.get(0), 1e-5, 1e-5);
  }

  @Test
  @OpTest("Conv")
  void conv1dWithPadsStrideAndBias() {
    Nd x = Nd.uniform(39, -1, 1, 3, 2, 9);
    Nd w = Nd.uniform(40, -1, 1, 3, 2, 3);
    Nd bias = Nd.uniform(41, -1, 1, 3);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w"), c.in("b"))
            .ints("pads", 2, 1).ints("strides", 2).build()),
        feed("x", Shape.symbolic("N", 2, 9), x), feed("w", w), feed("b", bias));
    Nd ref = convRef(x, w, bias, new long[] {2}, new long[] {2, 1}, new long[] {1}, 1);
    assertArrayEquals(new long[] {3, 3, 5}, ref.shape); // (9+3-3)/2+1
    assertConvClose(ref, out.get(0));
  }

  @Test
  @OpTest("Conv")
  void conv2dAutoPadSameUpper() {
    Nd x = Nd.uniform(42, -1, 1, 1, 2, 5, 6);
    Nd w = Nd.uniform(43, -1, 1, 3, 2, 2, 3);
    List<Nd> out = OrtOps.run(c -> List.of(c.b().node("Conv").inputs(c.in("x"), c.in("w"))
            .attr("auto_pad", "SAME_UPPER").ints("strides", 2, 2).build()),
        feed("x", x), feed("w", w));
    // SAME_UPPER: output ceil(in/stride); total pad (out-1)*stride + kernel - in, the odd one at the end
    long[] pads = new long[4];
    long[] in = {5, 6};
    long[] k = {2, 3};
    for (int d = 0; d < 2; d++) {
      long o = (in[d] + 1) / 2;
      long total = Math.max(0, (o - 1) * 2 + k[d] - in[d]);
      pads[d] = total / 2;
      pads[d + 2] = total - total / 2;
    }
    Nd ref = convRef(x, w, null, new long[] {2, 2}, pads, new long[] {1, 1}, 1);
    assertArrayEquals(new long[] {1, 3, 3, 3}, ref.shape);
    assertConvClose(ref, out.get(0));
  }

  @Test
  void convRejectsAChannelMismatchAndBadStrides() {
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.of(1, 4, 8, 8));
    Value w = b.input("w", DataType.FLOAT, Shape.of(6, 3, 3, 3));
    var e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Conv").name("bad_conv").inputs(x, w).build());
    assertMessage(e, "bad_conv", "4 channels", "3 x group 1");
    Value w2 = b.input("w2", DataType.FLOAT, Shape.of(6, 2, 3, 3));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Conv").name("bad_strides").inputs(x, w2).attr("group", 2L).ints("strides", 1, 1, 1).build());
    assertMessage(e, "bad_strides", "strides", "2 entries");
    Value small = b.input("small", DataType.FLOAT, Shape.of(1, 3, 2, 2));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Conv").name("too_small").inputs(small, w).build());
    assertMessage(e, "too_small", "size 2", "kernel extent 3");
  }

  // ---------------------------------------------------------------- Resize

  @Test
  @OpTest("Resize")
  void resizeBilinearHalfPixelUpAndDownByScales() {
    Nd x = Nd.uniform(51, -2, 2, 2, 1, 4, 4);
    List<Nd> out = OrtOps.run(c -> List.of(
            c.b().node("Resize").inputs(c.in("x"), null, c.b().constant(TensorData.vector(1f, 1f, 1.5f, 1.5f)))
                .attr("mode", "linear").attr("coordinate_transformation_mode", "half_pixel").build(),
            c.b().node("Resize").inputs(c.in("x"), null, c.b().constant(TensorData.vector(1f, 1f, 0.75f, 0.75f)))
                .attr("mode", "linear").build()),
        feed("x", Shape.symbolic("batch", 1, 4, 4), x));
    Nd up = resizeRef(x, new long[] {2, 1, 6, 6}, new double[] {1, 1, 1.5, 1.5}, "linear", "half_pixel", null);
    Nd down = resizeRef(x, new long[] {2, 1, 3, 3}, new double[] {1, 1, 0.75, 0.75}, "linear", "half_pixel", null);
    assertClose(up, out.get(0));
    assertClose(down, out.get(1));
    // hand check of the spec formula: output (0,0) of the upsample maps to (-1/6, -1/6), clamped to pixel (0,0)
    assertEquals(x.get(0, 0, 0, 0), up.get(0, 0, 0, 0), 0);
  }

  @Test
  @OpTest("Resize")
  void resizeNearestBySizesInEveryNearestMode() {
    Nd x = Nd.uniform(52, -2, 2, 1, 2, 3, 4);
    long[] sizes = {1, 2, 5, 8}; // 3 -> 5 (scale 5/3) and 4 -> 8 (scale 2, exact .5 ties with asymmetric)
    long[] down = {1, 2, 2, 3};
    String[][] cases = {
        {"floor", "asymmetric"}, {"round_prefer_floor", "asymmetric"}, {"round_prefer_ceil", "asymmetric"},
        {"ceil", "asymmetric"}, {"round_prefer_floor", "half_pixel"}, {"round_prefer_floor", "align_corners"}};
    List<Nd> out = OrtOps.run(c -> {
      List<Value> outs = new ArrayList<>();
      for (String[] cs : cases) {
        outs.add(c.b().node("Resize").inputs(c.in("x"), null, null, c.b().longs(sizes))
            .attr("nearest_mode", cs[0]).attr("coordinate_transformation_mode", cs[1]).build());
      }
      // downsampling with the defaults (nearest, round_prefer_floor, half_pixel)
      outs.add(c.b().node("Resize").inputs(c.in("x"), null, null, c.b().longs(down)).build());
      return outs;
    }, feed("x", x));
    for (int i = 0; i < cases.length; i++) {
      Nd ref = resizeRef(x, sizes, scalesOf(x.shape, sizes), "nearest", cases[i][1], cases[i][0]);
      assertClose(ref, out.get(i), 0, 0); // nearest copies values
    }
    assertClose(resizeRef(x, down, scalesOf(x.shape, down), "nearest", "half_pixel", "round_prefer_floor"),
        out.get(cases.length), 0, 0);
    // floor and ceil with asymmetric must really differ on this input (guards against a vacuous test)
    assertTrue(!Arrays.equals(out.get(0).data, out.get(3).data));
    // prefer-floor and prefer-ceil differ exactly on the .5 ties of the 4 -> 8 axis
    assertTrue(!Arrays.equals(out.get(1).data, out.get(2).data));
  }

  @Test
  void resizeRejectsScalesWithSizesAnUnknownModeAndAWrongScaleCount() {
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.of(1, 1, 4, 4));
    Value scales = b.constant(TensorData.vector(1f, 1f, 2f, 2f));
    Value sizes = b.longs(1, 1, 8, 8);
    var e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Resize").name("both").inputs(x, null, scales, sizes).build());
    assertMessage(e, "both", "exactly one of scales and sizes");
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Resize").name("bicubic").inputs(x, null, scales).attr("mode", "bicubic").build());
    assertMessage(e, "bicubic", "mode 'bicubic'");
    Value five = b.constant(TensorData.vector(1f, 1f, 2f, 2f, 2f));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Resize").name("five_scales").inputs(x, null, five).build());
    assertMessage(e, "five_scales", "4 entries", "got 5");
    Value two = b.longs(8, 8);
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Resize").name("two_sizes").inputs(x, null, null, two).build());
    assertMessage(e, "two_sizes", "4 entries", "got 2");
  }

  // ---------------------------------------------------------------- Dropout

  @Test
  @OpTest("Dropout")
  void dropoutOutsideTrainingIsTheIdentityWithAnAllTrueMask() {
    Nd x = Nd.uniform(61, -2, 2, 3, 5);
    List<Nd> out = OrtOps.run(c -> {
      List<Value> outs = new ArrayList<>(c.b().node("Dropout")
          .inputs(c.in("x"), c.b().scalar(0.5f), c.b().constant(TensorData.ofBooleans(new long[0], false)))
          .build(2));
      outs.add(c.b().op("Dropout", c.in("x"))); // no ratio, no training_mode: inference
      return outs;
    }, feed("x", Shape.symbolic("batch", 5), x));
    assertExact(x, out.get(0));
    assertExact(x.map(v -> 1).withType(DataType.BOOL), out.get(1));
    assertExact(x, out.get(2));
  }

  @Test
  @OpTest("Dropout")
  void dropoutInTrainingZeroesByTheMaskAndRescalesTheRest() {
    Nd x = Nd.uniform(62, 0.5, 2, 40, 50).map(v -> (float) (v * (Math.round(v * 1000) % 2 == 0 ? 1 : -1)));
    double[] ratios = {0.5, 0.2};
    List<Nd> out = OrtOps.run(c -> {
      Value training = c.b().constant(TensorData.ofBooleans(new long[0], true));
      List<Value> outs = new ArrayList<>();
      for (double r : ratios) {
        outs.addAll(c.b().node("Dropout").inputs(c.in("x"), c.b().scalar((float) r), training)
            .attr("seed", 1234L).build(2));
      }
      return outs;
    }, feed("x", Shape.symbolic("batch", 50), x));
    for (int k = 0; k < ratios.length; k++) {
      double ratio = ratios[k];
      Nd y = out.get(2 * k);
      Nd mask = out.get(2 * k + 1);
      assertEquals(DataType.BOOL, mask.dtype);
      assertArrayEquals(x.shape, mask.shape);
      int kept = 0;
      double[] expected = new double[x.size()];
      for (int i = 0; i < x.size(); i++) {
        boolean keep = mask.data[i] != 0;
        kept += keep ? 1 : 0;
        expected[i] = keep ? x.data[i] / (1 - ratio) : 0;
      }
      assertClose(new Nd(DataType.FLOAT, x.shape, expected), y);
      // 2000 Bernoulli draws: the kept fraction lies within ~8 standard deviations of 1 - ratio
      double frac = kept / (double) x.size();
      assertEquals(1 - ratio, frac, 0.08, "kept fraction for ratio " + ratio);
    }
  }

  @Test
  void dropoutRejectsANonBooleanTrainingMode() {
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.of(2, 3));
    var e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Dropout").name("bad_dropout").inputs(x, b.scalar(0.5f), b.scalar(1f)).build());
    assertMessage(e, "bad_dropout", "training_mode", "bool", "float32");
    Value i = b.input("i", DataType.INT64, Shape.of(2, 3));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("Dropout").name("int_dropout").inputs(i).build());
    assertMessage(e, "int_dropout", "data", "int64");
  }

  // ---------------------------------------------------------------- SoftmaxCrossEntropyLoss

  @Test
  @OpTest("SoftmaxCrossEntropyLoss")
  void softmaxCrossEntropyLossReductionsAndLogProb() {
    Nd scores = Nd.uniform(71, -3, 3, 4, 5);
    Nd labels = Nd.longs(new long[] {4}, 3, 0, 4, 1);
    List<Nd> out = OrtOps.run(c -> {
      List<Value> outs = new ArrayList<>();
      outs.add(sce(c.b(), c.in("scores"), c.in("labels"), null, "mean", null).build());
      outs.add(sce(c.b(), c.in("scores"), c.in("labels"), null, "sum", null).build());
      outs.addAll(sce(c.b(), c.in("scores"), c.in("labels"), null, "none", null).build(2));
      return outs;
    }, feed("scores", Shape.symbolic("N", 5), scores), feed("labels", Shape.symbolic("N"), labels));
    assertClose(sceRef(scores, labels, null, null, "mean"), out.get(0));
    assertClose(sceRef(scores, labels, null, null, "sum"), out.get(1), 1e-5, 1e-5);
    assertClose(sceRef(scores, labels, null, null, "none"), out.get(2));
    assertClose(softmaxRef(scores, 1, true), out.get(3));
    assertArrayEquals(new long[0], out.get(0).shape);
  }

  /** A batch whose labels are all ignored (a crop of unlabelled pixels): ORT's mean is 0, not 0/0. */
  @Test
  @OpTest("SoftmaxCrossEntropyLoss")
  void softmaxCrossEntropyLossWithEveryLabelIgnoredIsZero() {
    Nd scores = Nd.uniform(73, -3, 3, 3, 4);
    Nd labels = Nd.longs(new long[] {3}, 255, 255, 255);
    List<Nd> out = OrtOps.run(c -> List.of(sce(c.b(), c.in("scores"), c.in("labels"), null, "mean", 255L).build()),
        feed("scores", scores), feed("labels", labels));
    assertEquals(0.0, out.get(0).data[0], 0.0);
  }

  @Test
  @OpTest("SoftmaxCrossEntropyLoss")
  void softmaxCrossEntropyLossIgnoreIndexAndWeights() {
    Nd scores = Nd.uniform(72, -3, 3, 6, 4);
    Nd labels = Nd.longs(new long[] {6}, 2, -100, 0, 3, -100, 2);
    Nd weights = Nd.floats(new long[] {4}, 0.5, 2, 1.5, 0.25);
    List<Nd> out = OrtOps.run(c -> {
      Value s = c.in("scores");
      Value l = c.in("labels");
      Value w = c.in("w");
      return List.of(
          sce(c.b(), s, l, null, "mean", -100L).build(),
          sce(c.b(), s, l, w, "mean", -100L).build(),
          sce(c.b(), s, l, w, "sum", -100L).build(),
          sce(c.b(), s, l, w, "none", -100L).build());
    }, feed("scores", scores), feed("labels", labels), feed("w", weights));
    assertClose(sceRef(scores, labels, null, -100L, "mean"), out.get(0));
    assertClose(sceRef(scores, labels, weights, -100L, "mean"), out.get(1));
    assertClose(sceRef(scores, labels, weights, -100L, "sum"), out.get(2), 1e-5, 1e-5);
    assertClose(sceRef(scores, labels, weights, -100L, "none"), out.get(3));
    // the unweighted mean divides by the 4 labels that count, not by all 6
    Nd none = sceRef(scores, labels, null, -100L, "none");
    assertEquals(Arrays.stream(none.data).sum() / 4, out.get(0).data[0], 1e-5);
    assertEquals(0, out.get(3).data[1]);
    assertEquals(0, out.get(3).data[4]);
  }

  @Test
  @OpTest("SoftmaxCrossEntropyLoss")
  void softmaxCrossEntropyLossSpatialLikeSegmentation() {
    Nd scores = Nd.uniform(73, -3, 3, 2, 4, 3); // [N, C, d]
    Nd labels = Nd.longs(new long[] {2, 3}, 1, 3, 0, 2, 1, 1);
    List<Nd> out = OrtOps.run(c -> {
      List<Value> outs = new ArrayList<>(
          sce(c.b(), c.in("scores"), c.in("labels"), null, "none", 1L).build(2));
      outs.add(sce(c.b(), c.in("scores"), c.in("labels"), null, "mean", 1L).build());
      outs.add(sce(c.b(), c.in("scores"), c.in("labels"), null, "sum", null).build());
      return outs;
    }, feed("scores", Shape.symbolic("N", 4, "d"), scores), feed("labels", Shape.symbolic("N", "d"), labels));
    assertClose(sceRef(scores, labels, null, 1L, "none"), out.get(0));
    assertClose(softmaxRef(scores, 1, true), out.get(1));
    assertClose(sceRef(scores, labels, null, 1L, "mean"), out.get(2));
    assertClose(sceRef(scores, labels, null, null, "sum"), out.get(3), 1e-5, 1e-5);
  }

  @Test
  void softmaxCrossEntropyLossRejectsMismatchedLabelsAndAnUnknownReduction() {
    GraphBuilder b = new GraphBuilder("bad", 1);
    Value scores = b.input("scores", DataType.FLOAT, Shape.of(2, 4, 3));
    Value labels = b.input("labels", DataType.INT64, Shape.of(2, 4));
    var e = assertThrows(IllegalArgumentException.class,
        () -> b.node("SoftmaxCrossEntropyLoss").name("bad_labels").inputs(scores, labels).build());
    assertMessage(e, "bad_labels", "labels [2,4]", "scores [2,4,3]");
    Value ok = b.input("ok", DataType.INT64, Shape.of(2, 3));
    e = assertThrows(IllegalArgumentException.class,
        () -> sce(b, scores, ok, null, "avg", null).name("bad_reduction").build());
    assertMessage(e, "bad_reduction", "reduction 'avg'");
    Value fl = b.input("fl", DataType.FLOAT, Shape.of(2, 3));
    e = assertThrows(IllegalArgumentException.class,
        () -> b.node("SoftmaxCrossEntropyLoss").name("float_labels").inputs(scores, fl).build());
    assertMessage(e, "float_labels", "labels", "float32");
  }

  private static NodeBuilder sce(GraphBuilder b, Value scores, Value labels, Value weights, String reduction,
      Long ignoreIndex) {
    NodeBuilder n = b.node("SoftmaxCrossEntropyLoss").inputs(scores, labels);
    if (weights != null) {
      n.inputs(weights);
    }
    n.attr("reduction", reduction);
    if (ignoreIndex != null) {
      n.attr("ignore_index", ignoreIndex.longValue());
    }
    return n;
  }

  // ---------------------------------------------------------------- references

  private static void assertMessage(Throwable e, String... facts) {
    for (String f : facts) {
      assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
    }
  }

  /** Softmax or log-softmax along {@code axis}, shifted by the maximum for stability. */
  private static Nd softmaxRef(Nd x, int axis, boolean log) {
    int ax = axis < 0 ? axis + x.rank() : axis;
    long len = x.shape[ax];
    long stride = Nd.strides(x.shape)[ax];
    double[] out = new double[x.size()];
    for (int i = 0; i < x.size(); i++) {
      if (Nd.unravel(i, x.shape)[ax] != 0) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < len; k++) {
        max = Math.max(max, x.data[(int) (i + k * stride)]);
      }
      double sum = 0;
      for (int k = 0; k < len; k++) {
        sum += Math.exp(x.data[(int) (i + k * stride)] - max);
      }
      for (int k = 0; k < len; k++) {
        int j = (int) (i + k * stride);
        out[j] = log ? x.data[j] - max - Math.log(sum) : Math.exp(x.data[j] - max) / sum;
      }
    }
    return new Nd(DataType.FLOAT, x.shape, out);
  }

  /** Y, Mean, InvStdDev of LayerNormalization: statistics over axes {@code axis..}, population variance. */
  private static Nd[] layerNormRef(Nd x, Nd scale, Nd bias, int axis, double eps) {
    int ax = axis < 0 ? axis + x.rank() : axis;
    int inner = (int) Nd.count(Arrays.copyOfRange(x.shape, ax, x.rank()));
    int outer = x.size() / inner;
    long[] statShape = x.shape.clone();
    Arrays.fill(statShape, ax, statShape.length, 1);
    double[] y = new double[x.size()];
    double[] mean = new double[outer];
    double[] inv = new double[outer];
    for (int o = 0; o < outer; o++) {
      double m = 0;
      for (int j = 0; j < inner; j++) {
        m += x.data[o * inner + j];
      }
      m /= inner;
      double v = 0;
      for (int j = 0; j < inner; j++) {
        double d = x.data[o * inner + j] - m;
        v += d * d;
      }
      v /= inner;
      double is = 1 / Math.sqrt(v + eps);
      mean[o] = m;
      inv[o] = is;
      for (int j = 0; j < inner; j++) {
        y[o * inner + j] = (x.data[o * inner + j] - m) * is * scale.data[j] + (bias == null ? 0 : bias.data[j]);
      }
    }
    return new Nd[] {new Nd(DataType.FLOAT, x.shape, y), new Nd(DataType.FLOAT, statShape, mean),
        new Nd(DataType.FLOAT, statShape, inv)};
  }

  /**
   * N-d convolution (cross-correlation) per the ONNX spec: X [N,C,spatial], W [M,C/group,kernel], pads
   * [begin..., end...]; output position o reads input o·stride − pad_begin + k·dilation.
   */
  private static Nd convRef(Nd x, Nd w, Nd bias, long[] strides, long[] pads, long[] dil, long group) {
    int sp = x.rank() - 2;
    long m = w.shape[0];
    long cPerGroup = w.shape[1];
    long mPerGroup = m / group;
    long[] kShape = Arrays.copyOfRange(w.shape, 2, w.rank());
    long[] outShape = new long[sp + 2];
    outShape[0] = x.shape[0];
    outShape[1] = m;
    for (int d = 0; d < sp; d++) {
      long eff = dil[d] * (kShape[d] - 1) + 1;
      outShape[d + 2] = (x.shape[d + 2] + pads[d] + pads[d + sp] - eff) / strides[d] + 1;
    }
    double[] out = new double[(int) Nd.count(outShape)];
    long kCount = Nd.count(kShape);
    for (int o = 0; o < out.length; o++) {
      long[] idx = Nd.unravel(o, outShape);
      long g = idx[1] / mPerGroup;
      double sum = bias == null ? 0 : bias.data[(int) idx[1]];
      for (long c = 0; c < cPerGroup; c++) {
        for (long k = 0; k < kCount; k++) {
          long[] kIdx = Nd.unravel(k, kShape);
          long[] xi = new long[sp + 2];
          long[] wi = new long[sp + 2];
          xi[0] = idx[0];
          xi[1] = g * cPerGroup + c;
          wi[0] = idx[1];
          wi[1] = c;
          boolean inside = true;
          for (int d = 0; d < sp; d++) {
            long pos = idx[d + 2] * strides[d] - pads[d] + kIdx[d] * dil[d];
            inside &= pos >= 0 && pos < x.shape[d + 2];
            xi[d + 2] = pos;
            wi[d + 2] = kIdx[d];
          }
          if (inside) {
            sum += x.get(xi) * w.get(wi);
          }
        }
      }
      out[o] = sum;
    }
    return new Nd(DataType.FLOAT, outShape, out);
  }

  private static double[] scalesOf(long[] in, long[] out) {
    double[] s = new double[in.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = out[i] / (double) in[i];
    }
    return s;
  }

  /** The ONNX Resize coordinate transform: the input coordinate of output coordinate {@code xOut}. */
  private static double originalCoord(String mode, long xOut, double scale, long lenIn, long lenOut) {
    return switch (mode) {
      case "half_pixel" -> (xOut + 0.5) / scale - 0.5;
      case "pytorch_half_pixel" -> lenOut > 1 ? (xOut + 0.5) / scale - 0.5 : 0;
      case "align_corners" -> lenOut == 1 ? 0 : xOut * (lenIn - 1) / (double) (lenOut - 1);
      case "asymmetric" -> xOut / scale;
      default -> throw new IllegalArgumentException(mode);
    };
  }

  private static long nearest(String mode, double xOrig) {
    double f = Math.floor(xOrig);
    boolean tie = xOrig - f == 0.5;
    return (long) switch (mode) {
      case "floor" -> f;
      case "ceil" -> Math.ceil(xOrig);
      case "round_prefer_floor" -> tie ? f : Math.floor(xOrig + 0.5);
      case "round_prefer_ceil" -> tie ? f + 1 : Math.floor(xOrig + 0.5);
      default -> throw new IllegalArgumentException(mode);
    };
  }

  private static long clamp(long i, long len) {
    return Math.max(0, Math.min(len - 1, i));
  }

  /**
   * Resize per the ONNX spec: each output coordinate is mapped to an input coordinate by the coordinate
   * transform; nearest picks one pixel by {@code nearestMode}, linear interpolates between floor and floor+1
   * along every axis; out-of-range pixels read the edge (the spec's edge padding).
   */
  private static Nd resizeRef(Nd x, long[] outShape, double[] scales, String mode, String ctm, String nearestMode) {
    int r = x.rank();
    double[] out = new double[(int) Nd.count(outShape)];
    for (int o = 0; o < out.length; o++) {
      long[] idx = Nd.unravel(o, outShape);
      double[] orig = new double[r];
      for (int d = 0; d < r; d++) {
        orig[d] = originalCoord(ctm, idx[d], scales[d], x.shape[d], outShape[d]);
      }
      if (mode.equals("nearest")) {
        long[] xi = new long[r];
        for (int d = 0; d < r; d++) {
          xi[d] = clamp(nearest(nearestMode, orig[d]), x.shape[d]);
        }
        out[o] = x.get(xi);
        continue;
      }
      double v = 0;
      for (int corner = 0; corner < 1 << r; corner++) {
        double weight = 1;
        long[] xi = new long[r];
        for (int d = 0; d < r; d++) {
          double lo = Math.floor(orig[d]);
          double frac = orig[d] - lo;
          boolean hi = (corner >> d & 1) == 1;
          weight *= hi ? frac : 1 - frac;
          xi[d] = clamp((long) lo + (hi ? 1 : 0), x.shape[d]);
        }
        if (weight != 0) {
          v += weight * x.get(xi);
        }
      }
      out[o] = v;
    }
    return new Nd(x.dtype, outShape, out);
  }

  /**
   * SoftmaxCrossEntropyLoss per the ONNX spec: loss = −log_softmax(scores)[label]·weight[label], zero with no
   * weight where label == ignore_index; mean divides by the summed weights of the labels that count.
   */
  private static Nd sceRef(Nd scores, Nd labels, Nd weights, Long ignoreIndex, String reduction) {
    Nd logp = softmaxRef(scores, 1, true);
    double[] loss = new double[labels.size()];
    double weightSum = 0;
    for (int j = 0; j < loss.length; j++) {
      long label = (long) labels.data[j];
      if (ignoreIndex != null && label == ignoreIndex) {
        continue;
      }
      long[] li = Nd.unravel(j, labels.shape);
      long[] si = new long[scores.rank()];
      si[0] = li[0];
      si[1] = label;
      System.arraycopy(li, 1, si, 2, li.length - 1);
      double w = weights == null ? 1 : weights.data[(int) label];
      loss[j] = -logp.get(si) * w;
      weightSum += w;
    }
    double total = Arrays.stream(loss).sum();
    return switch (reduction) {
      case "none" -> new Nd(DataType.FLOAT, labels.shape, loss);
      case "sum" -> new Nd(DataType.FLOAT, new long[0], new double[] {total});
      case "mean" -> new Nd(DataType.FLOAT, new long[0], new double[] {total / weightSum});
      default -> throw new IllegalArgumentException(reduction);
    };
  }
}
