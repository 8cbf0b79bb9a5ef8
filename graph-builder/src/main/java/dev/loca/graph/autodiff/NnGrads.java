package dev.loca.graph.autodiff;

import static dev.loca.graph.autodiff.ElementwiseGrads.one;
import static dev.loca.graph.autodiff.GradientRules.rule;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
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
    List<Value> g = c.none();
    if (c.dy(0) != null) {
      Value xhat = c.op("Mul", c.op("Sub", x, st[0]), st[1]);
      Value dy = c.dy(0);
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
    }
    g.set(0, addStatsGrad(c, g.get(0), st));
    return g;
  }

  /**
   * Fused: ORT's LayerNormalizationGrad(Y_grad, X, scale, mean, inv_std_dev) with attribute axis, as ORT's
   * own gradient builder feeds it. Its CPU kernel reads scale as a full vector of the normalised size M and
   * mean and inv_std_dev as float vectors of N = size(X[:axis]) entries (any shape with N elements, e.g.
   * LayerNormalization-17's [N...,1...] outputs). A scale that only broadcasts to the normalised shape is
   * expanded first; the engine sums its gradient back to the scale's shape.
   */
  private static List<Value> layerNormFused(GradContext c) {
    long[] axes = normAxes(c);
    Value[] st = stats(c, axes);
    List<Value> g = c.none();
    if (c.dy(0) != null) {
      Value x = c.x(0);
      Value scale = c.x(1);
      Shape normalized = Shape.of(x.shape().dims().subList((int) axes[0], x.shape().rank()));
      if (!scale.shape().equals(normalized)) {
        Value nshape = normalized.isStatic() ? c.longs(normalized.sizes())
            : c.op("Slice", c.shapeOf(x), c.longs(axes[0]), c.longs(x.shape().rank()));
        scale = c.op("Expand", scale, nshape);
      }
      List<Value> outs = c.msNode("LayerNormalizationGrad").inputs(c.dy(0), x, scale, st[0], st[1])
          .attr("axis", c.attrs().intAttr("axis")).build(3);
      g.set(0, c.needs(0) ? outs.get(0) : null);
      g.set(1, c.needs(1) ? outs.get(1) : null);
      if (c.hasX(2)) {
        g.set(2, c.needs(2) ? outs.get(2) : null);
      }
    }
    g.set(0, addStatsGrad(c, g.get(0), st));
    return g;
  }

  /**
   * Adds to {@code gx} what flows into X through the Mean and InvStdDev outputs when they are used:
   * d mean / d x = 1/M and d inv / d x = -inv^3 (x - mean) / M, M the number of normalised elements.
   */
  private static Value addStatsGrad(GradContext c, Value gx, Value[] st) {
    Value dMean = c.node().outputs().size() > 1 ? c.dy(1) : null;
    Value dInv = c.node().outputs().size() > 2 ? c.dy(2) : null;
    if (!c.needs(0) || (dMean == null && dInv == null)) {
      return gx;
    }
    Value x = c.x(0);
    Value xc = c.op("Sub", x, st[0]);
    Value sum;
    if (dInv != null) {
      Value inv3 = c.op("Mul", c.op("Mul", st[1], st[1]), st[1]);
      sum = c.op("Neg", c.op("Mul", c.op("Mul", dInv, inv3), xc));
      if (dMean != null) {
        sum = c.op("Add", sum, dMean);
      }
    } else {
      sum = c.op("Expand", dMean, c.shapeOf(x));
    }
    Value count = c.node("Cast").inputs(c.op("Div", c.op("Size", x), c.op("Size", st[0])))
        .attr("to", (long) x.dtype().onnxCode()).build();
    Value contribution = c.op("Div", sum, count);
    return gx == null ? contribution : c.op("Add", gx, contribution);
  }

  private static Value mask(GradContext c) {
    if (c.node().outputs().size() < 2) {
      throw new IllegalArgumentException("gradient of Dropout '" + c.node().name() + "' needs its mask output: "
          + "build the node with two outputs");
    }
    return c.y(1);
  }

  /** The ratio in {@code like}'s element type (0.5 when the input is absent). */
  private static Value ratio(GradContext c, Value like) {
    if (!c.hasX(1)) {
      return c.scalar(like, 0.5);
    }
    Value r = c.x(1);
    return r.dtype() == like.dtype() ? r
        : c.node("Cast").inputs(r).attr("to", (long) like.dtype().onnxCode()).build();
  }

  /** Dropout drops nothing when training_mode is absent or a constant false. */
  private static boolean mayTrain(GradContext c) {
    if (!c.hasX(2)) {
      return false;
    }
    return c.attrs().constant(2).map(t -> t.toBooleans()[0]).orElse(true);
  }

  /** training_mode is a constant true (not a value known only at run time). */
  private static boolean surelyTrains(GradContext c) {
    return c.hasX(2) && c.attrs().constant(2).map(t -> t.toBooleans()[0]).orElse(false);
  }

  private static List<Value> dropoutPortable(GradContext c) {
    Value dy = c.dy(0);
    if (!mayTrain(c)) {
      return one(c, dy);
    }
    Value scale = c.op("Div", c.scalar(dy, 1), c.op("Sub", c.scalar(dy, 1), ratio(c, dy)));
    Value kept = c.op("Where", mask(c), c.op("Mul", dy, scale), c.scalar(dy, 0));
    return one(c, surelyTrains(c) ? kept : c.op("Where", c.x(2), kept, dy));
  }

  /**
   * Fused: DropoutGrad(dy, mask, ratio, training_mode). ORT's CPU kernel ignores training_mode and always
   * computes dy * mask / (1 - ratio) (a copy when ratio is 0), while Dropout outside training returns X
   * with an all-true mask. So a constant-false or absent training_mode gives the identity, and a
   * training_mode known only at run time selects ratio 0 when it is false.
   */
  private static List<Value> dropoutFused(GradContext c) {
    Value dy = c.dy(0);
    if (!mayTrain(c)) {
      return one(c, dy);
    }
    Value ratio = c.hasX(1) ? c.x(1) : c.scalar(dy, 0.5);
    if (!surelyTrains(c)) {
      ratio = c.op("Where", c.x(2), ratio, c.scalar(ratio, 0));
    }
    return one(c, c.msNode("DropoutGrad").inputs(dy, mask(c), ratio, c.x(2)).build());
  }

  private static Value logProb(GradContext c) {
    if (c.node().outputs().size() >= 2) {
      return c.y(1);
    }
    return c.node("LogSoftmax").inputs(c.x(0)).attr("axis", 1L).build();
  }

  /** The class weights are data: the rules give no gradient for them, so differentiating them is refused. */
  private static void requireFixedWeights(GradContext c) {
    if (c.hasX(2) && c.needs(2)) {
      throw new IllegalArgumentException("gradient of SoftmaxCrossEntropyLoss '" + c.node().name() + "' with "
          + "respect to its class weights '" + c.x(2).name() + "' is not supported: the weights must not depend "
          + "on the values differentiated");
    }
  }

  private static List<Value> crossEntropyPortable(GradContext c) {
    requireFixedWeights(c);
    Value scores = c.x(0);
    Value lp = logProb(c);
    Value grad = null;
    if (c.dy(0) != null) {
      Value labels = c.x(1);
      String reduction = c.attrs().stringAttr("reduction");
      long floatType = scores.dtype().onnxCode();
      Value classes = c.op("Gather", c.shapeOf(scores), c.b().constant(TensorData.scalar(1L)));
      Value lab = labels.dtype() == DataType.INT64 ? labels : c.node("Cast").inputs(labels).attr("to", 7L).build();
      Value valid = null;
      if (c.attrs().attribute("ignore_index").isPresent()) {
        Value ign = c.b().constant(TensorData.scalar(c.attrs().intAttr("ignore_index")));
        valid = c.op("Not", c.op("Equal", lab, ign));
        lab = c.op("Where", valid, lab, c.b().constant(TensorData.scalar(0L)));
      }
      Value onOff = c.node("Cast").inputs(c.b().constant(TensorData.vector(0f, 1f))).attr("to", floatType).build();
      Value onehot = c.node("OneHot").inputs(lab, c.op("Reshape", classes, c.longs(1)), onOff).attr("axis", 1L)
          .build();
      Value diff = c.op("Sub", c.op("Exp", lp), onehot);
      // per-element weight: class weight of the label (if any), zero where ignored
      Value weight = c.hasX(2) ? c.op("Gather", c.x(2), lab) : null;
      if (valid != null) {
        Value vf = c.node("Cast").inputs(valid).attr("to", floatType).build();
        weight = weight == null ? vf : c.op("Mul", weight, vf);
      }
      Value dy = c.dy(0);
      Value perElement;
      if (reduction.equals("none")) {
        perElement = weight == null ? dy : c.op("Mul", dy, weight);
      } else {
        Value scale = dy;
        if (reduction.equals("mean")) {
          Value denom = weight == null ? c.node("Cast").inputs(c.op("Size", labels)).attr("to", floatType).build()
              : c.node("ReduceSum").inputs(weight).attr("keepdims", 0L).build();
          // every label ignored: the loss is 0 and so is its gradient (as in ORT's kernel), not 0/0
          denom = c.op("Where", c.op("Equal", denom, c.scalar(denom, 0)), c.scalar(denom, 1), denom);
          scale = c.op("Div", dy, denom);
        }
        perElement = weight == null ? c.op("Expand", scale, c.shapeOf(labels)) : c.op("Mul", weight, scale);
      }
      grad = c.op("Mul", diff, c.node("Unsqueeze").inputs(perElement, c.longs(1)).build());
    }
    Value dlp = c.node().outputs().size() > 1 ? c.dy(1) : null;
    if (dlp != null) {
      // log_prob = LogSoftmax(scores, axis 1)
      Value s = c.node("ReduceSum").inputs(dlp, c.longs(1)).attr("keepdims", 1L).build();
      Value viaLp = c.op("Sub", dlp, c.op("Mul", c.op("Exp", lp), s));
      grad = grad == null ? viaLp : c.op("Add", grad, viaLp);
    }
    List<Value> g = c.none();
    g.set(0, grad);
    return g;
  }

  /**
   * Fused: SoftmaxCrossEntropyLossGrad(dY, log_prob, label, weight?) with the forward node's reduction and
   * ignore_index attributes, as ORT's gradient builder feeds it; a used log_prob output adds
   * LogSoftmaxGrad_13 along the class axis.
   */
  private static List<Value> crossEntropyFused(GradContext c) {
    requireFixedWeights(c);
    Value lp = logProb(c);
    Value grad = null;
    if (c.dy(0) != null) {
      var nb = c.msNode("SoftmaxCrossEntropyLossGrad").inputs(c.dy(0), lp, c.x(1));
      if (c.hasX(2)) {
        nb.inputs(c.x(2));
      }
      nb.attr("reduction", c.attrs().stringAttr("reduction"));
      if (c.attrs().attribute("ignore_index").isPresent()) {
        nb.attr("ignore_index", c.attrs().intAttr("ignore_index"));
      }
      grad = nb.build();
    }
    Value dlp = c.node().outputs().size() > 1 ? c.dy(1) : null;
    if (dlp != null) {
      Value viaLp = c.msNode("LogSoftmaxGrad_13").inputs(dlp, lp).attr("axis", 1L).build();
      grad = grad == null ? viaLp : c.op("Add", grad, viaLp);
    }
    List<Value> g = c.none();
    g.set(0, grad);
    return g;
  }

  /**
   * Fused: ConvGrad(dY, X, W) with the forward node's attributes, as ORT's gradient builder feeds it;
   * outputs dX, dW and (with a bias) dB. ORT's CPU kernel reads pads, strides, dilations, group and
   * kernel_shape but does not resolve auto_pad (it uses the pads attribute, default 0), so auto_pad is
   * replaced by the explicit pads that ORT's forward Conv computes; SAME_UPPER and SAME_LOWER need static
   * spatial sizes for that.
   */
  private static List<Value> convFused(GradContext c) {
    var nb = c.msNode("ConvGrad").inputs(c.dy(0), c.x(0), c.x(1));
    for (String a : List.of("group", "dilations", "kernel_shape", "strides")) {
      c.node().attribute(a).ifPresent(v -> nb.attr(a, v));
    }
    String autoPad = c.attrs().stringAttr("auto_pad");
    if (autoPad.equals("NOTSET")) {
      c.node().attribute("pads").ifPresent(v -> nb.attr("pads", v));
    } else if (!autoPad.equals("VALID")) {
      nb.ints("pads", samePads(c, autoPad.equals("SAME_LOWER")));
    }
    List<Value> outs = nb.build(c.hasX(2) ? 3 : 2);
    List<Value> g = c.none();
    for (int i = 0; i < outs.size(); i++) {
      g.set(i, c.needs(i) ? outs.get(i) : null);
    }
    return g;
  }

  /** The pads ORT's Conv uses for auto_pad SAME_UPPER / SAME_LOWER ({@code ComputePadAndOutputShape}). */
  private static long[] samePads(GradContext c, boolean lower) {
    Shape xs = c.x(0).shape();
    Shape ws = c.x(1).shape();
    if (!xs.rankKnown() || !ws.rankKnown() || !Shape.of(xs.dims().subList(2, xs.rank())).isStatic()
        || !ws.isStatic()) {
      throw new IllegalArgumentException("fused gradient of Conv '" + c.node().name() + "' with auto_pad "
          + c.attrs().stringAttr("auto_pad") + " needs static spatial sizes of X and a static W to compute the "
          + "pads, got X " + xs + " and W " + ws + "; give explicit pads instead");
    }
    int n = xs.rank() - 2;
    long[] kernel = c.attrs().intsAttr("kernel_shape").orElse(null);
    long[] strides = c.attrs().intsAttr("strides").orElse(null);
    long[] dil = c.attrs().intsAttr("dilations").orElse(null);
    long[] pads = new long[2 * n];
    for (int i = 0; i < n; i++) {
      long in = xs.dim(i + 2).size();
      long k = kernel != null ? kernel[i] : ws.dim(i + 2).size();
      long s = strides != null ? strides[i] : 1;
      long d = dil != null ? dil[i] : 1;
      long target = (in + s - 1) / s;
      long needed = (target - 1) * s + d * (k - 1) + 1 - in;
      long head = lower ? (needed + 1) / 2 : needed / 2;
      pads[i] = head;
      pads[i + n] = needed - head;
    }
    return pads;
  }

  /**
   * Portable Conv gradient for the patch embedding: 2-D, stride equal to the kernel, no padding, no
   * dilation, one group, image sizes divisible by the patch size (a symbolic size must be at run time).
   * Then the conv is patchify + matmul and its gradient is matmuls and reshapes.
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
        && c.attrs().intAttr("group") == 1
        && (c.attrs().stringAttr("auto_pad").equals("NOTSET") || c.attrs().stringAttr("auto_pad").equals("VALID"));
    if (!patchify) {
      throw new IllegalArgumentException("portable gradient of Conv '" + c.node().name() + "' supports only the "
          + "patch embedding (2-D, stride = kernel, no padding or dilation, one group); use the fused flavour");
    }
    Shape xs = x.shape();
    for (int i = 0; i < 2 && xs.rankKnown(); i++) {
      if (xs.dim(i + 2).isFixed() && xs.dim(i + 2).size() % ws[i + 2] != 0) {
        throw new IllegalArgumentException("portable gradient of Conv '" + c.node().name() + "' needs the image "
            + "size to be divisible by the patch size, got X " + xs + " and patches " + ws[2] + "x" + ws[3]
            + "; crop the image or use the fused flavour");
      }
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
