package dev.loca.graph.autodiff;

import dev.loca.graph.ir.OpsetId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one registry of gradient rules: every op of the catalog is listed here as a rule (with a portable
 * and, where ORT has a kernel, a fused variant), as having zero gradient (its outputs are integers,
 * booleans or shapes), or as not differentiable. A test fails when a catalog op is missing.
 */
public final class GradientRules {

  /** What autodiff does with an op. */
  public sealed interface Entry permits Rule, ZeroGradient, NotDifferentiable {}

  /**
   * A local derivative.
   *
   * @param portable the rule using plain ai.onnx ops
   * @param fused the rule using ORT's gradient kernels, or null when the portable one is used for both
   */
  public record Rule(GradientRule portable, GradientRule fused) implements Entry {
    public GradientRule pick(Flavour f) {
      return f == Flavour.FUSED && fused != null ? fused : portable;
    }

    public boolean hasFused() {
      return fused != null;
    }
  }

  /** The op's outputs carry no gradient (integer, boolean or shape outputs); paths through it are cut. */
  public record ZeroGradient() implements Entry {}

  /** Autodiff refuses to differentiate through the op. */
  public record NotDifferentiable(String reason) implements Entry {}

  private static final Map<String, Entry> ENTRIES = build();

  private GradientRules() {}

  /** The entry of {@code domain::op}; ops missing from the registry are not differentiable. */
  public static Entry entry(String domain, String op) {
    return find(domain, op).orElse(new NotDifferentiable("not in the gradient registry"));
  }

  public static Optional<Entry> find(String domain, String op) {
    return Optional.ofNullable(ENTRIES.get(domain + "::" + op));
  }

  private static Map<String, Entry> build() {
    Map<String, Entry> m = new LinkedHashMap<>();
    ElementwiseGrads.register(m);
    LinalgGrads.register(m);
    ReduceGrads.register(m);
    ShapeGrads.register(m);
    NnGrads.register(m);
    ContribGrads.register(m);
    for (String op : new String[] {"Shape", "Size", "ArgMax", "Equal", "Less", "Greater", "Not", "And", "OneHot",
        "ConstantOfShape", "Range", "Constant"}) {
      m.put(OpsetId.ONNX + "::" + op, new ZeroGradient());
    }
    notDifferentiable(m, OpsetId.ONNX, "index-writing ops have no rule yet", "ScatterElements", "ScatterND");
    notDifferentiable(m, OpsetId.ONNX, "resizing is built from MatMul with constant weights instead", "Resize");
    notDifferentiable(m, OpsetId.ONNX, "integer quantisation appears only in exported inference models",
        "DynamicQuantizeLinear", "MatMulInteger");
    notDifferentiable(m, OpsetId.ONNX, "sequences appear only in optimizer graphs", "SequenceConstruct", "SequenceAt");
    notDifferentiable(m, OpsetId.ONNX, "sorting appears only in the optimizer graph's gradient clipping", "TopK");
    notDifferentiable(m, OpsetId.MICROSOFT, "training-only kernel", "InPlaceAccumulatorV2", "AdamWOptimizer",
        "InplaceClipGradNorm", "SGDOptimizerV2", "ZeroGradient", "ReduceAllL2");
    notDifferentiable(m, OpsetId.MICROSOFT, "gradient kernel (no second derivatives)", "SoftmaxGrad_13",
        "LogSoftmaxGrad_13", "LayerNormalizationGrad", "SimplifiedLayerNormalizationGrad",
        "InvertibleLayerNormalizationGrad", "GeluGrad", "FastGeluGrad", "BiasGeluGrad_dX", "BiasFastGeluGrad_dX",
        "ReluGrad", "SigmoidGrad", "TanhGrad", "GatherGrad", "GatherElementsGrad", "SliceGrad", "ReduceSumTraining",
        "BroadcastGradientArgs", "SoftmaxCrossEntropyLossInternal", "SoftmaxCrossEntropyLossInternalGrad",
        "SoftmaxCrossEntropyLossGrad", "ConvGrad", "DropoutGrad");
    return m;
  }

  private static void notDifferentiable(Map<String, Entry> m, String domain, String reason, String... ops) {
    for (String op : ops) {
      m.put(domain + "::" + op, new NotDifferentiable(reason));
    }
  }

  static void rule(Map<String, Entry> m, String op, GradientRule portable) {
    m.put(OpsetId.ONNX + "::" + op, new Rule(portable, null));
  }

  static void rule(Map<String, Entry> m, String op, GradientRule portable, GradientRule fused) {
    m.put(OpsetId.ONNX + "::" + op, new Rule(portable, fused));
  }

  /** A rule of the {@code com.microsoft} op {@code op} (the forward contrib ops of the fused flavour). */
  static void msRule(Map<String, Entry> m, String op, GradientRule portable, GradientRule fused) {
    m.put(OpsetId.MICROSOFT + "::" + op, new Rule(portable, fused));
  }

  /** Short description for tables: {@code rule (portable, fused)}, {@code zero}, {@code none}. */
  public static String describe(String domain, String op) {
    Entry e = entry(domain, op);
    if (e instanceof Rule r) {
      return r.hasFused() ? "rule (portable, fused)" : "rule (portable)";
    }
    return e instanceof ZeroGradient ? "zero" : "none";
  }
}
