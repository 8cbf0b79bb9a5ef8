package dev.loca.graph.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable computation graph: inputs, initializers (constant tensors, parameters among them), nodes
 * in topological order, outputs, and the doc string. The builder guarantees well-formedness; graphs read
 * from files are checked by the validator.
 *
 * @param name graph name
 * @param inputs graph inputs, in order
 * @param initializers initializer values and their contents, in order
 * @param nodes nodes in topological order
 * @param outputs graph outputs, in order
 * @param docString documentation, may be empty
 */
public record Graph(String name, List<Value> inputs, Map<Value, TensorData> initializers, List<Node> nodes,
    List<Value> outputs, String docString) {

  public Graph {
    Objects.requireNonNull(name, "name");
    inputs = ImmutableList.copyOf(inputs);
    initializers = ImmutableMap.copyOf(initializers);
    nodes = ImmutableList.copyOf(nodes);
    outputs = ImmutableList.copyOf(outputs);
    docString = docString == null ? "" : docString;
  }

  /** The input or initializer or node output with this name. */
  public Optional<Value> find(String valueName) {
    for (Value v : inputs) {
      if (v.name().equals(valueName)) {
        return Optional.of(v);
      }
    }
    for (Value v : initializers.keySet()) {
      if (v.name().equals(valueName)) {
        return Optional.of(v);
      }
    }
    for (Node n : nodes) {
      for (Value v : n.outputs()) {
        if (v.name().equals(valueName)) {
          return Optional.of(v);
        }
      }
    }
    return Optional.empty();
  }

  /** The node that produces {@code v}, if any. */
  public Optional<Node> producer(Value v) {
    for (Node n : nodes) {
      if (n.outputs().contains(v)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /** A copy with other nodes and outputs, keeping inputs and initializers. */
  public Graph withNodes(List<Node> newNodes, List<Value> newOutputs) {
    return new Graph(name, inputs, initializers, newNodes, newOutputs, docString);
  }
}
