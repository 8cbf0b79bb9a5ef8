package dev.loca.export;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.NodeBuilder;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Re-emits a graph node by node into a fresh {@link GraphBuilder}, so that a rewrite (a prefix before the
 * inputs, other dtypes, replaced nodes) gets the builder's schema checks and type inference for every node it
 * keeps. Values are mapped from the old graph to the new one; names are kept.
 */
final class GraphCopy {
  private final GraphBuilder builder;
  private final Map<Value, Value> mapped = new HashMap<>();
  private final Map<Value, TensorData> pending = new HashMap<>();
  private UnaryOperator<TensorData> initializerForm = UnaryOperator.identity();

  GraphCopy(String graphName) {
    this.builder = new GraphBuilder(graphName, 0);
  }

  GraphBuilder builder() {
    return builder;
  }

  /**
   * Makes the initializers of {@code g} available, each added under its name (in the form {@code form} gives it)
   * when a copied node first uses it, so that initializers nothing uses any more are left out.
   */
  void initializersOf(Graph g, UnaryOperator<TensorData> form) {
    pending.putAll(g.initializers());
    initializerForm = form;
  }

  /** Says that {@code old} is {@code now} in the new graph. */
  void bind(Value old, Value now) {
    mapped.put(old, now);
  }

  /** The new value of {@code old}, or null for an omitted optional input. */
  Value get(Value old) {
    if (old == null) {
      return null;
    }
    Value v = mapped.get(old);
    if (v == null && pending.containsKey(old)) {
      v = builder.initializer(old.name(), initializerForm.apply(pending.remove(old)));
      mapped.put(old, v);
    }
    if (v == null) {
      throw new IllegalStateException("value '" + old.name() + "' is used before it is defined in the copy");
    }
    return v;
  }

  List<Value> inputsOf(Node n) {
    List<Value> in = new ArrayList<>(n.inputs().size());
    n.inputs().forEach(v -> in.add(get(v)));
    return in;
  }

  /** Emits {@code n} with {@code inputs}, its name, attributes and output names, and binds its outputs. */
  List<Value> copy(Node n, List<Value> inputs) {
    return copy(n, inputs, n.outputs().stream().map(Value::name).toArray(String[]::new));
  }

  /** The same with other output names. */
  List<Value> copy(Node n, List<Value> inputs, String[] outputNames) {
    NodeBuilder nb = builder.node(n.domain(), n.opType()).inputs(inputs).name(n.name()).outputNames(outputNames);
    n.attributes().forEach(nb::attr);
    List<Value> outs = nb.build(outputNames.length);
    for (int i = 0; i < outs.size(); i++) {
      bind(n.output(i), outs.get(i));
    }
    return outs;
  }

  /** Copies every node of {@code g} unchanged, with its initializers as they are (its inputs bound already). */
  void copyNodes(Graph g) {
    initializersOf(g, UnaryOperator.identity());
    for (Node n : g.nodes()) {
      copy(n, inputsOf(n));
    }
  }
}
