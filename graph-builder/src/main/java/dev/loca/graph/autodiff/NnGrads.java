package dev.loca.graph.autodiff;

import static dev.loca.graph.autodiff.ElementwiseGrads.one;
import static dev.loca.graph.autodiff.GradientRules.rule;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.List;
import java.util.Map;

/** Softmax, LogSoftmax, LayerNormalization, Dropout, SoftmaxCrossEntropyLoss and Conv. */
final class NnGrads {
  private NnGrads() {}

  static void register(Map<String, GradientRules.Entry> m) {
    rule(m, "Softmax", c -> {
      Value y = c.y(0);
      Value s = c.node("ReduceSum").inputs(c.op("Mul", c.dy(0), y), c.longs(c.attrs().intAttr("axis")))
          .attr("keepdims", 1L).build();
      return one(c, c.op("Mul", y, c.op("Sub", c.dy(0), s)));
    }, c -> one(c, c.msNode("SoftmaxGrad_13").inputs(c.dy(0), c.y(0)).attr("axis", c.attrs().intAttr("axis"))
        .build()));
    rule(m, "LogSoftmax", c -> {
      Value s = c.node("ReduceSum").inputs(c.dy(0), c.longs(c.attrs().intAttr("axis"))).attr("keepdims", 1L).build();
      return one(c, c.op("Sub", c.dy(0), c.op("Mul", c.op("Exp", c.y(0)), s)));
    }, c -> one(c, c.msNode("LogSoftmaxGrad_13").inputs(c.dy(0), c.y(0)).attr("axis", c.attrs().intAttr("axis"))
        .build()));
    rule(m, "LayerNormalization", NnGrads::layerNormPortable, NnGrads::layerNormFused);
    rule(m, "Dropout", NnGrads::dropoutPortable, NnGrads::dropoutFused);
    rule(m, "SoftmaxCrossEntropyLoss", NnGrads::crossEntropyPortable, NnGrads::crossEntropyFused);
    rule(m, "Conv", NnGrads::convPortable, NnGrads::convFused);
  }

  private static long[] normAxes(GradContext c) {
    int r = c.x(0).shape().rank();
    long a = c.attrs().intAttr("axis");
    int axis = (int) (a < 0 ? a + r : a);
    long[] axes = new long[r - axis];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axis + i;
    }
    return axes;
  }

  /** Mean and inverse standard deviation of the normalised axes: the node's own outputs when it has them. */
  private static Value[] stats(GradContext c, long[] axes) {
    if (c.node().outputs().size() >= 3) {
      return new Value[] {c.y(1), c.y(2)};
    }
    Value x = c.x(0);
    Value mean = c.node("ReduceMean").inputs(x).ints("axes", axes).attr("keepdims", 1L).build();
    Value xc = c.op("Sub", x, mean);
    Value var = c.node("ReduceMean").inputs(c.op("Mul", xc, xc)).ints("axes", axes).attr("keepdims", 1L).build();
    float eps = c.attrs().floatAttr("epsilon");
    Value inv = c.op("Reciprocal", c.op("Sqrt", c.op("Add", var, c.scalar(var, eps))));
    return new Value[] {mean, inv};
  }

  private static List<Value> layerNormPortable(GradContext c) {
    long[] axes = normAxes(c);
    Value x = c.x(0);
    Value[] st = stats(c, axes);
    Value xhat = c.op("Mul", c.op("Sub", x, st[0]), st[1]);
    Value dy = c.dyOrZeros(0);
    List<Value> g = c.none();
    if (c.needs(0)) {
      Value dxhat = c.op("Mul", dy, c.x(1));
      Value m1 = c.node("ReduceMean").inputs(dxhat).ints("axes", axes).attr("keepdims", 1L).build();
      Value m2 = c.node("ReduceMean").inputs(c.op("Mul", dxhat, xhat)).ints("axes", axes).attr("keepdims", 1L)
          .build();
      g.set(0, c.op("Mul", st[1], c.op("Sub", c.op("Sub", dxhat, m1), c.op("Mul", xhat, m2))));
    }
    if (c.needs(1)) {
      g.set(1, c.op("Mul", dy, xhat));
    }
    if (c.hasX(2) && c.needs(2)) {
      g.set(2, dy);
    }
    return g;
  }

  private static List<Value> layerNormFused(GradContext c) {
    long[] axes = normAxes(c);
    Value[] st = stats(c, axes);
    List<Value> outs = c.msNode("LayerNormalizationGrad").inputs(c.dyOrZeros(0), c.x(0), c.x(1), st[0], st[1])
        .attr("axis", c.attrs().intAttr("axis")).build(3);
    List<Value> g = c.none();
    g.set(0, c.needs(0) ? outs.get(0) : null);
    g.set(1, c.needs(1) ? outs.get(1) : null);
    if (c.hasX(2)) {
      g.set(2, c.needs(2) ? outs.get(2) : null);
    }
    return g;
  }

  private static Value mask(GradContext c) {
    if (c.node().outputs().size() < 2) {
      throw new IllegalArgumentException("gradient of Dropout '" + c.node().name() + "' needs its mask output: "
          + "build the node with two outputs");
    }
    return c.y(1);
  }

  private static Value ratio(GradContext c) {
    return c.hasX(1) ? c.x(1) : c.scalar(c.x(0), 0.5);
  }

  private static List<Value> dropoutPortable(GradContext c) {
    Value scale = c.op("Div", c.scalar(c.x(0), 1), c.op("Sub", c.scalar(c.x(0), 1), ratio(c)));
    boolean training = c.hasX(2);
    Value dy = c.dy(0);
    if (!training) {
      return one(c, dy);
    }
    Value scaled = c.op("Where", c.x(2), c.op("Mul", dy, scale), dy);
    return one(c, c.op("Where", mask(c), scaled, c.scalar(dy, 0)));
  }

  private static List<Value> dropoutFused(GradContext c) {
    if (!c.hasX(2)) {
      return one(c, c.dy(0));
    }
    return one(c, c.msNode("DropoutGrad").inputs(c.dy(0), mask(c), ratio(c), c.x(2)).build());
  }

  private static Value logProb(GradContext c) {
    if (c.node().outputs().size() >= 2) {
      return c.y(1);
    }
    return c.node("LogSoftmax").inputs(c.x(0)).attr("axis", 1L).build();
  }

  private static List<Value> crossEntropyPortable(GradContext c) {
    Value scores = c.x(0);
    Value labels = c.x(1);
    String reduction = c.attrs().stringAttr("reduction");
    Value lp = logProb(c);
    Value classes = c.op("Gather", c.shapeOf(scores), c.b().constant(TensorData.scalar(1L)));
    Value lab = labels.dtype() == DataType.INT64 ? labels : c.node("Cast").inputs(labels).attr("to", 7L).build();
    Value w = c.op("Cast", lab);
    Value valid = null;
    if (c.attrs().attribute("ignore_index").isPresent()) {
      Value ign = c.b().constant(TensorData.scalar(c.attrs().intAttr("ignore_index")));
      valid = c.op("Not", c.op("Equal", lab, ign));
      lab = c.op("Where", valid, lab, c.b().constant(TensorData.scalar(0L)));
    }
    Value onOff = c.b().constant(TensorData.filled(scores.dtype(), dev.loca.graph.ir.Shape.of(2L), 0));
    onOff = c.op("Add", onOff, c.b().constant(TensorData.vector(0f, 1f)));
    Value onehot = c.node("OneHot").inputs(lab, c.op("Reshape", classes, c.longs(1)), onOff).attr("axis", 1L).build();
    Value grad = c.op("Sub", c.op("Exp", lp), onehot);
    // per-element weight: class weight of the label (if any), zero where ignored
    Value weight = c.hasX(2) ? c.op("Gather", c.x(2), lab) : null;
    if (valid != null) {
      Value vf = c.node("Cast").inputs(valid).attr("to", (long) scores.dtype().onnxCode()).build();
      weight = weight == null ? vf : c.op("Mul", weight, vf);
    }
    Value dy = c.dy(0);
    Value perElement;
    if (reduction.equals("none")) {
      perElement = weight == null ? dy : c.op("Mul", dy, weight);
    } else {
      Value scale = dy;
      if (reduction.equals("mean")) {
        Value denom = weight == null ? c.node("Cast").inputs(c.op("Size", labels))
            .attr("to", (long) scores.dtype().onnxCode()).build()
            : c.node("ReduceSum").inputs(weight).attr("keepdims", 0L).build();
        scale = c.op("Div", dy, denom);
      }
      perElement = weight == null ? c.op("Expand", scale, c.shapeOf(labels)) : c.op("Mul", weight, scale);
    }
    grad = c.op("Mul", grad, c.node("Unsqueeze").inputs(perElement, c.longs(1)).build());
    List<Value> g = c.none();
    g.set(0, grad);
    return g;
  }

  private static List<Value> crossEntropyFused(GradContext c) {
    var nb = c.msNode("SoftmaxCrossEntropyLossGrad").inputs(c.dy(0), logProb(c), c.x(1));
    if (c.hasX(2)) {
      nb.inputs(c.x(2));
    }
    nb.attr("reduction", c.attrs().stringAttr("reduction"));
    if (c.attrs().attribute("ignore_index").isPresent()) {
      nb.attr("ignore_index", c.attrs().intAttr("ignore_index"));
    }
    List<Value> g = c.none();
    g.set(0, nb.build());
    return g;
  }

  private static List<Value> convFused(GradContext c) {
    var nb = c.msNode("ConvGrad").inputs(c.dy(0), c.x(0), c.x(1));
    for (String a : List.of("auto_pad", "group")) {
      c.node().attribute(a).ifPresent(v -> nb.attr(a, v));
    }
    for (String a : List.of("dilations", "kernel_shape", "pads", "strides")) {
      c.node().attribute(a).ifPresent(v -> nb.attr(a, v));
    }
    List<Value> outs = nb.build(c.hasX(2) ? 3 : 2);
    List<Value> g = c.none();
    for (int i = 0; i < outs.size(); i++) {
      g.set(i, c.needs(i) ? outs.get(i) : null);
    }
    return g;
  }

  /**
   * Portable Conv gradient for the patch embedding: 2-D, stride equal to the kernel, no padding, no
   * dilation, one group. Then the conv is patchify + matmul and its gradient is matmuls and reshapes.
   */
  private static List<Value> convPortable(GradContext c) {
    Value x = c.x(0);
    Value w = c.x(1);
    long[] ws = w.shape().sizes();
    long[] strides = c.attrs().intsAttr("strides").orElse(new long[] {1, 1});
    long[] pads = c.attrs().intsAttr("pads").orElse(new long[4]);
    long[] dil = c.attrs().intsAttr("dilations").orElse(new long[] {1, 1});
    boolean patchify = ws.length == 4 && strides.length == 2 && strides[0] == ws[2] && strides[1] == ws[3]
        && java.util.Arrays.stream(pads).allMatch(p -> p == 0) && dil[0] == 1 && dil[1] == 1
        && c.attrs().intAttr("group") == 1 && c.attrs().stringAttr("auto_pad").equals("NOTSET");
    if (!patchify) {
      throw new IllegalArgumentException("portable gradient of Conv '" + c.node().name() + "' supports only the "
          + "patch embedding (2-D, stride = kernel, no padding or dilation, one group); use the fused flavour");
    }
    long m = ws[0];
    long ch = ws[1];
    long ph = ws[2];
    long pw = ws[3];
    Value dy = c.dy(0);
    // dY [N,M,h,w] -> [N*h*w, M]
    Value dyFlat = c.op("Reshape", c.node("Transpose").inputs(dy).ints("perm", 0, 2, 3, 1).build(), c.longs(-1, m));
    Value wFlat = c.op("Reshape", w, c.longs(m, ch * ph * pw));
    List<Value> g = c.none();
    Value yShape = c.shapeOf(dy);
    Value hw = c.op("Slice", yShape, c.longs(2), c.longs(4));
    Value n = c.op("Slice", yShape, c.longs(0), c.longs(1));
    if (c.needs(0)) {
      Value dp = c.op("MatMul", dyFlat, wFlat);
      Value six = c.node("Concat").inputs(n, hw, c.longs(ch, ph, pw)).attr("axis", 0L).build();
      Value p6 = c.op("Reshape", dp, six);
      Value back = c.node("Transpose").inputs(p6).ints("perm", 0, 3, 1, 4, 2, 5).build();
      g.set(0, c.op("Reshape", back, c.shapeOf(x)));
    }
    if (c.needs(1)) {
      Value h = c.op("Slice", yShape, c.longs(2), c.longs(3));
      Value wd = c.op("Slice", yShape, c.longs(3), c.longs(4));
      Value six = c.node("Concat").inputs(n, c.longs(ch), h, c.longs(ph), wd, c.longs(pw)).attr("axis", 0L).build();
      Value x6 = c.op("Reshape", x, six);
      Value patches = c.op("Reshape", c.node("Transpose").inputs(x6).ints("perm", 0, 2, 4, 1, 3, 5).build(),
          c.longs(-1, ch * ph * pw));
      Value dw = c.op("MatMul", LinalgGrads.transposeLast2(c, dyFlat), patches);
      g.set(1, c.op("Reshape", dw, c.shapeOf(w)));
    }
    if (c.hasX(2) && c.needs(2)) {
      g.set(2, c.node("ReduceSum").inputs(dy, c.longs(0, 2, 3)).attr("keepdims", 0L).build());
    }
    return g;
  }
}
