package dev.loca.graph.check;

import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import dev.loca.graph.ops.ConstantFolding;
import dev.loca.graph.ops.InferenceContext;
import dev.loca.graph.ops.OpCatalog;
import dev.loca.graph.ops.OpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a whole graph: one producer per value and unique names, topological order with every input
 * defined, outputs defined, each node's arity and attributes against its op's schema, and each declared
 * output type against the type inferred again from its inputs.
 */
public final class GraphValidator {
  private final Graph graph;
  private final OpCatalog catalog;
  private final List<String> problems = new ArrayList<>();
  private final Set<Value> defined = new HashSet<>();
  private final Set<String> valueNames = new HashSet<>();
  private final Map<Value, TensorData> constants = new HashMap<>();

  private GraphValidator(Graph graph, OpCatalog catalog) {
    this.graph = graph;
    this.catalog = catalog;
  }

  /** Validates {@code graph} against {@code catalog}. */
  public static ValidationResult validate(Graph graph, OpCatalog catalog) {
    GraphValidator v = new GraphValidator(graph, catalog);
    v.run();
    return new ValidationResult(graph.name(), v.problems);
  }

  private void run() {
    graph.inputs().forEach(v -> define(v, "graph input"));
    graph.initializers().forEach((v, t) -> {
      define(v, "initializer");
      constants.put(v, t);
      if (v.type() instanceof ValueType.Tensor tt && (tt.dtype() != t.dtype() || !tt.shape().equals(t.shape()))) {
        problems.add("initializer '" + v.name() + "' is declared " + v.type() + " but holds " + t.dtype() + t.shape());
      }
    });
    Set<String> nodeNames = new HashSet<>();
    for (Node n : graph.nodes()) {
      if (!nodeNames.add(n.name())) {
        problems.add("node name '" + n.name() + "' is used twice");
      }
      checkNode(n);
      n.outputs().forEach(o -> define(o, "output of node '" + n.name() + "'"));
    }
    for (Value o : graph.outputs()) {
      if (!defined.contains(o)) {
        problems.add("graph output '" + o.name() + "' is not produced by any node, input or initializer");
      }
    }
  }

  private void define(Value v, String what) {
    if (!defined.add(v)) {
      problems.add("value '" + v.name() + "' has more than one producer (again as " + what + ")");
    } else if (!valueNames.add(v.name())) {
      problems.add("value name '" + v.name() + "' is used by two different values (" + what + ")");
    }
  }

  private void checkNode(Node n) {
    String where = "node '" + n.name() + "' (" + n.qualifiedOp() + ")";
    boolean inputsOk = true;
    for (int i = 0; i < n.inputs().size(); i++) {
      Value in = n.inputs().get(i);
      if (in != null && !defined.contains(in)) {
        problems.add(where + ": input " + i + " '" + in.name() + "' is not defined before the node"
            + " (missing, or nodes are not in topological order)");
        inputsOk = false;
      }
    }
    OpSchema schema = catalog.find(n.domain(), n.opType()).orElse(null);
    if (schema == null) {
      problems.add(where + ": op is not in the catalog");
      return;
    }
    List<Boolean> present = new ArrayList<>();
    n.inputs().forEach(v -> present.add(v != null));
    List<String> schemaProblems = schema.check(present, n.outputs().size(), n.attributes());
    schemaProblems.forEach(p -> problems.add(where + ": " + p));
    if (!schemaProblems.isEmpty() || !inputsOk) {
      return;
    }
    List<ValueType> types = new ArrayList<>();
    List<TensorData> known = new ArrayList<>();
    for (Value v : n.inputs()) {
      types.add(v == null ? null : v.type());
      known.add(v == null ? null : constants.get(v));
    }
    InferenceContext ctx = new InferenceContext(n.name(), schema, types, known, n.attributes(), n.outputs().size());
    List<ValueType> inferred;
    try {
      inferred = schema.inference().infer(ctx);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      problems.add(e.getMessage());
      return;
    }
    for (int i = 0; i < inferred.size(); i++) {
      Value out = n.output(i);
      if (!agrees(out.type(), inferred.get(i))) {
        problems.add(where + ": output '" + out.name() + "' is declared " + out.type() + " but the inputs give "
            + inferred.get(i));
      }
    }
    ConstantFolding.fold(n, ctx, known).ifPresent(t -> constants.put(n.output(0), t));
  }

  /** Declared and inferred types agree when element types match and no dimension provably differs. */
  static boolean agrees(ValueType declared, ValueType inferred) {
    if (declared instanceof ValueType.Sequence ds) {
      return inferred instanceof ValueType.Sequence is && agrees(ds.element(), is.element());
    }
    if (!(inferred instanceof ValueType.Tensor it)) {
      return false;
    }
    ValueType.Tensor dt = (ValueType.Tensor) declared;
    if (dt.dtype() != it.dtype()) {
      return false;
    }
    Shape a = dt.shape();
    Shape b = it.shape();
    if (!a.rankKnown() || !b.rankKnown()) {
      return true;
    }
    if (a.rank() != b.rank()) {
      return false;
    }
    for (int i = 0; i < a.rank(); i++) {
      Dim x = a.dim(i);
      Dim y = b.dim(i);
      if (x.isFixed() && y.isFixed() && x.size() != y.size()) {
        return false;
      }
    }
    return true;
  }
}
