package dev.loca.graph.autodiff;

import com.google.common.base.Preconditions;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ops.OpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation of a graph: appends to the same graph the nodes that compute the
 * gradient of a scalar loss with respect to chosen values. The engine walks only nodes that lie between
 * those values and the loss, sums gradients where a value fans out, reduces gradients of broadcast inputs
 * back to the input's shape, treats a missing gradient as a symbolic zero, and names the gradient of each
 * requested value {@code <value>_grad}. The ops' local derivatives come from {@link GradientRules}.
 */
public final class Backprop {
  /** Suffix of the gradient of a requested value. */
  public static final String GRAD_SUFFIX = "_grad";

  private final GraphBuilder b;
  private final Flavour flavour;
  private final Map<Value, List<Value>> contributions = new HashMap<>();

  private Backprop(GraphBuilder b, Flavour flavour) {
    this.b = b;
    this.flavour = flavour;
  }

  /**
   * The result: the graph with the backward nodes appended (forward outputs first, then one gradient
   * output per requested value, in order) and each requested value's gradient.
   *
   * @param graph the forward graph plus backward nodes
   * @param gradients gradient value of each requested value
   */
  public record Result(Graph graph, Map<Value, Value> gradients) {}

  /**
   * Differentiates {@code loss} (a scalar output of {@code graph}, or any scalar value in it) with respect
   * to {@code wrt}. A requested value the loss does not depend on gets a zero gradient.
   */
  public static Result differentiate(Graph graph, Value loss, List<Value> wrt, Flavour flavour) {
    Preconditions.checkArgument(loss.shape().rankKnown() && loss.shape().elementCount() == 1,
        "loss '%s' must be a scalar, got %s", loss.name(), loss.type());
    Preconditions.checkArgument(loss.dtype().isFloatingPoint(), "loss '%s' must be floating point", loss.name());
    GraphBuilder b = GraphBuilder.continuing(graph, 0);
    Backprop engine = new Backprop(b, flavour);
    Map<Value, Value> grads;
    try (Scope s = b.scope("grad")) {
      grads = engine.run(graph, loss, wrt);
    }
    grads.values().forEach(b::output);
    return new Result(b.build(), grads);
  }

  private Map<Value, Value> run(Graph graph, Value loss, List<Value> wrt) {
    Set<Value> wanted = new HashSet<>(wrt);
    Set<Value> dependsOnWrt = forwardReach(graph, wanted);
    Set<Value> reachesLoss = backwardReach(graph, loss);
    contributions.put(loss, new ArrayList<>(List.of(b.constant(TensorData.filled(loss.dtype(), loss.shape(), 1)))));
    List<Node> nodes = graph.nodes();
    for (int k = nodes.size() - 1; k >= 0; k--) {
      Node n = nodes.get(k);
      if (!n.outputs().stream().anyMatch(reachesLoss::contains)) {
        continue;
      }
      boolean[] needed = new boolean[n.inputs().size()];
      boolean any = false;
      for (int i = 0; i < needed.length; i++) {
        Value in = n.inputs().get(i);
        needed[i] = in != null && dependsOnWrt.contains(in) && in.dtype().isFloatingPoint();
        any |= needed[i];
      }
      if (!any) {
        continue;
      }
      List<Value> outGrads = new ArrayList<>();
      boolean anyGrad = false;
      for (Value o : n.outputs()) {
        Value g = total(o);
        outGrads.add(g);
        anyGrad |= g != null;
      }
      if (anyGrad) {
        backward(n, outGrads, needed);
      }
    }
    Map<Value, Value> out = new LinkedHashMap<>();
    for (Value v : wrt) {
      Value g = total(v);
      if (g == null) {
        g = zeros(v);
      }
      out.put(v, b.node("Identity").inputs(g).outputNames(v.name() + GRAD_SUFFIX).build());
    }
    return out;
  }

  private Value zeros(Value v) {
    return b.node("ConstantOfShape").inputs(b.op("Shape", v))
        .attr("value", TensorData.filled(v.dtype(), Shape.of(1L), 0)).build();
  }

  private void backward(Node n, List<Value> outGrads, boolean[] needed) {
    GradientRules.Entry entry = GradientRules.entry(n.domain(), n.opType());
    if (!(entry instanceof GradientRules.Rule rule)) {
      if (entry instanceof GradientRules.ZeroGradient) {
        return;
      }
      throw new IllegalArgumentException("cannot differentiate through node '" + n.name() + "' ("
          + n.qualifiedOp() + "): the op is not differentiable");
    }
    OpSchema schema = b.catalog().get(n.domain(), n.opType());
    GradContext ctx = new GradContext(b, n, schema, outGrads, needed, flavour);
    List<Value> grads = rule.pick(flavour).apply(ctx);
    if (grads.size() != n.inputs().size()) {
      throw new IllegalStateException("gradient rule of " + n.qualifiedOp() + " returned " + grads.size()
          + " gradients for " + n.inputs().size() + " inputs");
    }
    for (int i = 0; i < grads.size(); i++) {
      Value g = grads.get(i);
      if (g == null || !needed[i]) {
        continue;
      }
      Value in = n.inputs().get(i);
      contributions.computeIfAbsent(in, v -> new ArrayList<>()).add(unbroadcast(g, in, n));
    }
  }

  /** The summed gradient of {@code v}, or null if nothing contributed. */
  private Value total(Value v) {
    List<Value> cs = contributions.get(v);
    if (cs == null || cs.isEmpty()) {
      return null;
    }
    Value sum = cs.get(0);
    for (int i = 1; i < cs.size(); i++) {
      sum = b.op("Add", sum, cs.get(i));
    }
    cs.clear();
    cs.add(sum);
    return sum;
  }

  /** Sums a gradient over the dimensions along which {@code input} was broadcast. */
  private Value unbroadcast(Value grad, Value input, Node n) {
    Shape gs = grad.shape();
    Shape is = input.shape();
    if (gs.equals(is)) {
      return grad;
    }
    if (!gs.rankKnown() || !is.rankKnown()) {
      throw new IllegalStateException("cannot reduce the gradient of '" + input.name() + "' at node '" + n.name()
          + "': ranks unknown (" + gs + " vs " + is + ")");
    }
    int lead = gs.rank() - is.rank();
    List<Long> axes = new ArrayList<>();
    for (int i = 0; i < gs.rank(); i++) {
      if (i < lead) {
        axes.add((long) i);
        continue;
      }
      Dim gd = gs.dim(i);
      Dim id = is.dim(i - lead);
      boolean inputIsOne = id instanceof Dim.Fixed f && f.size() == 1;
      boolean gradIsOne = gd instanceof Dim.Fixed f && f.size() == 1;
      if (inputIsOne && !gradIsOne) {
        axes.add((long) i);
      } else if (id.isFixed() && gd.isFixed() && id.size() != gd.size()) {
        throw new IllegalStateException("gradient " + gs + " does not fit input '" + input.name() + "' " + is
            + " at node '" + n.name() + "'");
      }
    }
    Value r = grad;
    if (!axes.isEmpty()) {
      r = b.node("ReduceSum").inputs(grad, b.longs(axes.stream().mapToLong(Long::longValue).toArray()))
          .attr("keepdims", 1L).build();
    }
    return lead > 0 ? b.op("Reshape", r, b.op("Shape", input)) : r;
  }

  private static Set<Value> forwardReach(Graph g, Set<Value> from) {
    Set<Value> reach = new HashSet<>(from);
    for (Node n : g.nodes()) {
      if (GradientRules.entry(n.domain(), n.opType()) instanceof GradientRules.ZeroGradient) {
        continue;
      }
      if (n.inputs().stream().anyMatch(v -> v != null && reach.contains(v))) {
        reach.addAll(n.outputs());
      }
    }
    return reach;
  }

  private static Set<Value> backwardReach(Graph g, Value loss) {
    Set<Value> reach = new HashSet<>(Set.of(loss));
    List<Node> nodes = g.nodes();
    for (int k = nodes.size() - 1; k >= 0; k--) {
      Node n = nodes.get(k);
      if (n.outputs().stream().anyMatch(reach::contains)) {
        n.inputs().stream().filter(v -> v != null).forEach(reach::add);
      }
    }
    return reach;
  }
}
