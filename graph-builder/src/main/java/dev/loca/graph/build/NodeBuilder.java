package dev.loca.graph.build;

import com.google.common.base.Preconditions;
import dev.loca.graph.ir.Attribute;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import dev.loca.graph.ops.ConstantFolding;
import dev.loca.graph.ops.InferenceContext;
import dev.loca.graph.ops.OpSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects one node's inputs, attributes and names, then checks and adds it to its builder. */
public final class NodeBuilder {
  private final GraphBuilder graph;
  private final OpSchema schema;
  private final List<Value> inputs = new ArrayList<>();
  private final Map<String, Attribute> attributes = new LinkedHashMap<>();
  private String nodeName;
  private List<String> outputNames;

  NodeBuilder(GraphBuilder graph, OpSchema schema) {
    this.graph = graph;
    this.schema = schema;
  }

  /** Appends inputs; {@code null} leaves an optional input out. */
  public NodeBuilder inputs(Value... in) {
    inputs.addAll(Arrays.asList(in));
    return this;
  }

  public NodeBuilder inputs(List<Value> in) {
    inputs.addAll(in);
    return this;
  }

  public NodeBuilder attr(String attrName, Attribute value) {
    Preconditions.checkArgument(attributes.put(attrName, value) == null, "attribute '%s' set twice", attrName);
    return this;
  }

  public NodeBuilder attr(String attrName, long value) {
    return attr(attrName, Attribute.of(value));
  }

  public NodeBuilder attr(String attrName, float value) {
    return attr(attrName, Attribute.of(value));
  }

  public NodeBuilder attr(String attrName, String value) {
    return attr(attrName, Attribute.of(value));
  }

  public NodeBuilder attr(String attrName, TensorData value) {
    return attr(attrName, Attribute.of(value));
  }

  public NodeBuilder ints(String attrName, long... values) {
    return attr(attrName, Attribute.ints(values));
  }

  public NodeBuilder floats(String attrName, float... values) {
    return attr(attrName, Attribute.floats(values));
  }

  /** Names the node explicitly (within the current scope); otherwise {@code scope/Op_N}. */
  public NodeBuilder name(String local) {
    this.nodeName = graph.nodePrefixForNames() + local;
    return this;
  }

  /** Names the outputs explicitly (not scoped); their count sets the number of outputs. */
  public NodeBuilder outputNames(String... names) {
    this.outputNames = List.of(names);
    return this;
  }

  /** Adds the node with one output and returns it. */
  public Value build() {
    List<Value> out = build(outputNames == null ? 1 : outputNames.size());
    Preconditions.checkState(out.size() == 1, "node has %s outputs; use build(n)", out.size());
    return out.get(0);
  }

  /** Adds the node with {@code outputCount} outputs and returns them. */
  public List<Value> build(int outputCount) {
    String name = nodeName != null ? nodeName : graph.freshNodeName(schema.name());
    List<Boolean> present = new ArrayList<>();
    inputs.forEach(v -> present.add(v != null));
    List<String> problems = schema.check(present, outputCount, attributes);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          String.format("node '%s' (%s): %s", name, schema.qualifiedName(), String.join("; ", problems)));
    }
    List<ValueType> inTypes = new ArrayList<>();
    List<TensorData> constants = new ArrayList<>();
    for (Value v : inputs) {
      inTypes.add(v == null ? null : v.type());
      constants.add(graph.knownConstant(v));
    }
    InferenceContext ctx = new InferenceContext(name, schema, inTypes, constants, attributes, outputCount);
    List<ValueType> outTypes = schema.inference().infer(ctx);
    if (outTypes.size() != outputCount) {
      throw new IllegalStateException("inference for " + schema.qualifiedName() + " gave " + outTypes.size()
          + " types for " + outputCount + " outputs");
    }
    graph.claimNodeName(name);
    List<Value> outs = new ArrayList<>(outputCount);
    for (int i = 0; i < outputCount; i++) {
      String vn = outputNames != null ? outputNames.get(i)
          : outputCount == 1 ? name : name + ":" + outputLabel(i);
      outs.add(graph.newValue(vn, outTypes.get(i)));
    }
    Node node = new Node(name, schema.domain(), schema.name(), inputs, outs, attributes);
    graph.addNode(node, ConstantFolding.fold(node, ctx, constants));
    return outs;
  }

  private String outputLabel(int i) {
    OpSchema.Param p = schema.outputs().get(Math.min(i, schema.outputs().size() - 1));
    return p.presence() == OpSchema.Presence.VARIADIC ? p.name() + "_" + i : p.name();
  }
}
