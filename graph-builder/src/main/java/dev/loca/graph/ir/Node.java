package dev.loca.graph.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator application. Inputs may contain {@code null} for an omitted optional input (written as
 * the empty name in ONNX); outputs are never null.
 *
 * @param name unique node name
 * @param domain the operator domain ({@code ""} for ai.onnx)
 * @param opType the operator name
 * @param inputs the input values, {@code null} where an optional input is left out
 * @param outputs the output values
 * @param attributes attributes by name, in insertion order
 */
public record Node(String name, String domain, String opType, List<Value> inputs, List<Value> outputs,
    Map<String, Attribute> attributes) {

  public Node {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(opType, "opType");
    inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
    outputs = ImmutableList.copyOf(outputs);
    attributes = ImmutableMap.copyOf(attributes);
  }

  /** The i-th input, or empty when it is absent or left out. */
  public Optional<Value> input(int i) {
    return i < inputs.size() ? Optional.ofNullable(inputs.get(i)) : Optional.empty();
  }

  public Value output(int i) {
    return outputs.get(i);
  }

  public Optional<Attribute> attribute(String attrName) {
    return Optional.ofNullable(attributes.get(attrName));
  }

  /** {@code domain::opType}, or just the op type for ai.onnx. */
  public String qualifiedOp() {
    return domain.isEmpty() ? opType : domain + "::" + opType;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(name).append(" = ").append(qualifiedOp()).append('(');
    for (int i = 0; i < inputs.size(); i++) {
      b.append(i > 0 ? ", " : "").append(inputs.get(i) == null ? "<none>" : inputs.get(i).name());
    }
    b.append(')');
    if (!attributes.isEmpty()) {
      b.append(' ').append(attributes);
    }
    return b.toString();
  }
}
