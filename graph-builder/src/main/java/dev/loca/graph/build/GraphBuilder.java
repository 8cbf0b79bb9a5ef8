package dev.loca.graph.build;

import com.google.common.base.Preconditions;
import dev.loca.graph.check.GraphValidator;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import dev.loca.graph.ops.OpCatalog;
import dev.loca.graph.ops.OpSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds one graph node by node. Each node is checked against its op's schema and its output types are
 * inferred when it is added, so a mistake is reported at the line that made it. Parameters get dotted
 * names from the open {@link Scope}s ({@code encoder.blocks.3.attn.q.weight}) and values drawn from a
 * seeded generator; equal constants are stored once.
 */
public final class GraphBuilder {
  /** The ai.onnx opset the project emits by default. */
  public static final int DEFAULT_ONNX_OPSET = 17;

  private final String name;
  private final OpCatalog catalog;
  private final long seed;
  private final NameAuthority names = new NameAuthority();
  private final List<String> scopes = new ArrayList<>();
  private final List<Value> inputs = new ArrayList<>();
  private final Map<Value, TensorData> initializers = new LinkedHashMap<>();
  private final List<Value> parameters = new ArrayList<>();
  private final Map<String, Value> parametersByName = new HashMap<>();
  private int reuseDepth;
  private final Map<TensorData, Value> constantsByContent = new HashMap<>();
  private final Map<Value, TensorData> knownConstants = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Value> outputs = new ArrayList<>();
  private long nextId;
  private int constantCount;
  private int onnxOpset = DEFAULT_ONNX_OPSET;
  private boolean structureOnly;
  private boolean ortKernels;
  private String docString = "";

  /** A builder over the standard catalog. */
  public GraphBuilder(String name, long seed) {
    this(name, OpCatalog.standard(), seed);
  }

  public GraphBuilder(String name, OpCatalog catalog, long seed) {
    Preconditions.checkArgument(name != null && !name.isEmpty(), "graph name must not be empty");
    this.name = name;
    this.catalog = catalog;
    this.seed = seed;
  }

  /**
   * A builder that continues an existing graph: its inputs, initializers, nodes and outputs are kept and
   * new nodes may use any of its values (autodiff appends the backward pass this way).
   */
  public static GraphBuilder continuing(Graph graph, long seed) {
    GraphBuilder b = new GraphBuilder(graph.name(), seed);
    b.docString = graph.docString();
    for (Value v : graph.inputs()) {
      b.adopt(v);
      b.inputs.add(v);
    }
    graph.initializers().forEach((v, t) -> {
      b.adopt(v);
      b.initializers.put(v, t);
      b.knownConstants.put(v, t);
      b.constantsByContent.putIfAbsent(t, v);
    });
    for (Node n : graph.nodes()) {
      b.names.claimNode(n.name());
      n.outputs().forEach(b::adopt);
      b.nodes.add(n);
    }
    b.outputs.addAll(graph.outputs());
    return b;
  }

  private void adopt(Value v) {
    names.claimValue(v.name());
    nextId = Math.max(nextId, v.id() + 1);
  }

  public OpCatalog catalog() {
    return catalog;
  }

  /** Sets the ai.onnx opset version of the model this builder makes. */
  public GraphBuilder onnxOpset(int version) {
    this.onnxOpset = version;
    return this;
  }

  /**
   * Declares parameters as graph inputs without drawing their values: for the shapes, names and costs of
   * models too large to materialise (the graph cannot be run without feeding them).
   */
  /**
   * Lets layers use ONNX Runtime's {@code com.microsoft} forward kernels where one does the work of several
   * ai.onnx ops (FastGelu with its bias); for graphs ONNX Runtime trains or runs, never for portable exports.
   */
  public GraphBuilder ortKernels() {
    this.ortKernels = true;
    return this;
  }

  /** Whether {@link #ortKernels()} was asked for. */
  public boolean usesOrtKernels() {
    return ortKernels;
  }

  public GraphBuilder structureOnly() {
    this.structureOnly = true;
    return this;
  }

  public GraphBuilder docString(String doc) {
    this.docString = doc;
    return this;
  }

  /** Opens a name scope; parameters made inside get {@code scope.} prefixes, nodes {@code scope/}. */
  public Scope scope(String scopeName) {
    Preconditions.checkArgument(scopeName != null && !scopeName.isEmpty() && !scopeName.contains("/"),
        "scope name must be non-empty and without '/', got '%s'", scopeName);
    scopes.add(scopeName);
    return new Scope(this, scopes.size());
  }

  void popScope(int depth) {
    Preconditions.checkState(scopes.size() == depth,
        "scopes closed out of order: closing depth %s while %s are open (%s)", depth, scopes.size(), scopes);
    scopes.remove(scopes.size() - 1);
  }

  /** The dotted name of {@code local} in the current scope, e.g. {@code encoder.blocks.0.weight}. */
  public String qualify(String local) {
    return scopes.isEmpty() ? local : String.join(".", scopes) + "." + local;
  }

  private String nodePrefix() {
    return scopes.isEmpty() ? "" : String.join("/", scopes) + "/";
  }

  Value newValue(String valueName, ValueType type) {
    names.claimValue(valueName);
    return new Value(nextId++, valueName, type);
  }

  /** Declares a graph input (not scoped: input names are a contract with the caller). */
  public Value input(String inputName, DataType dtype, Shape shape) {
    return input(inputName, ValueType.tensor(dtype, shape));
  }

  public Value input(String inputName, ValueType type) {
    Value v = newValue(inputName, type);
    inputs.add(v);
    return v;
  }

  /** Declares a float32 parameter named in the current scope and initialised from the seeded generator. */
  public Value parameter(String local, Shape shape, Init init) {
    return parameter(local, DataType.FLOAT, shape, init);
  }

  public Value parameter(String local, DataType dtype, Shape shape, Init init) {
    Preconditions.checkArgument(shape.isStatic(), "parameter %s needs a static shape, got %s", qualify(local), shape);
    String full = qualify(local);
    Value existing = parametersByName.get(full);
    if (existing != null && reuseDepth > 0) {
      Preconditions.checkArgument(existing.type().equals(ValueType.tensor(dtype, shape)),
          "parameter %s is reused as %s%s but was declared %s", full, dtype, shape, existing.type());
      return existing;
    }
    Value v = newValue(full, ValueType.tensor(dtype, shape));
    if (structureOnly) {
      inputs.add(v);
    } else {
      initializers.put(v, InitSampler.sample(init, dtype, shape, seed, full));
    }
    parameters.add(v);
    parametersByName.put(full, v);
    return v;
  }

  /**
   * Runs {@code body} with parameter sharing on: a parameter whose full name was declared before is
   * returned again (same shape and type required) instead of failing as a duplicate. This applies one
   * set of weights to several inputs, e.g. the encoder to query0 and to the focal queries.
   */
  public <T> T reusingParameters(java.util.function.Supplier<T> body) {
    reuseDepth++;
    try {
      return body.get();
    } finally {
      reuseDepth--;
    }
  }

  /** Parameters in declaration order. */
  public List<Value> parameters() {
    return Collections.unmodifiableList(parameters);
  }

  /** A constant initializer; equal contents give the same value. */
  public Value constant(TensorData data) {
    Value existing = constantsByContent.get(data);
    if (existing != null) {
      return existing;
    }
    String cname;
    do {
      cname = "const_" + constantCount++;
    } while (names.isValueNameTaken(cname));
    Value v = newValue(cname, ValueType.tensor(data.dtype(), data.shape()));
    initializers.put(v, data);
    constantsByContent.put(data, v);
    knownConstants.put(v, data);
    return v;
  }

  /**
   * An initializer with a given name and contents (trained weights, converted or quantised tensors), kept
   * under that exact name; unlike {@link #constant} equal contents are not shared.
   */
  public Value initializer(String initializerName, TensorData data) {
    Value v = newValue(initializerName, ValueType.tensor(data.dtype(), data.shape()));
    initializers.put(v, data);
    knownConstants.put(v, data);
    constantsByContent.putIfAbsent(data, v);
    return v;
  }

  /** A float32 scalar constant. */
  public Value scalar(float v) {
    return constant(TensorData.scalar(v));
  }

  /** An int64 vector constant (shapes, axes, indices). */
  public Value longs(long... v) {
    return constant(TensorData.vector(v));
  }

  /** The value of {@code v} when it is known while building (constants and what folds from them). */
  public Optional<TensorData> constantValue(Value v) {
    return Optional.ofNullable(knownConstants.get(v));
  }

  /** Starts a node of an ai.onnx op. */
  public NodeBuilder node(String opType) {
    return node(OpsetId.ONNX, opType);
  }

  /** Starts a node of an op in any domain. */
  public NodeBuilder node(String domain, String opType) {
    OpSchema schema = catalog.get(domain, opType);
    return new NodeBuilder(this, schema);
  }

  /** Shorthand for a single-output ai.onnx node without attributes. */
  public Value op(String opType, Value... in) {
    return node(opType).inputs(in).build();
  }

  String freshNodeName(String opType) {
    return names.fresh(nodePrefix(), opType);
  }

  void claimNodeName(String nodeName) {
    names.claimNode(nodeName);
  }

  String nodePrefixForNames() {
    return nodePrefix();
  }

  void addNode(Node node, Optional<TensorData> folded) {
    nodes.add(node);
    folded.ifPresent(t -> knownConstants.put(node.output(0), t));
  }

  TensorData knownConstant(Value v) {
    return v == null ? null : knownConstants.get(v);
  }

  /** Marks values as graph outputs, in order. */
  public GraphBuilder output(Value... vs) {
    for (Value v : vs) {
      Preconditions.checkArgument(!outputs.contains(v), "value '%s' is already a graph output", v.name());
      outputs.add(v);
    }
    return this;
  }

  /** Marks {@code v} as a graph output called {@code outputName}, adding an Identity if it is named otherwise. */
  public Value output(String outputName, Value v) {
    Value out = v.name().equals(outputName) ? v : node("Identity").inputs(v).outputNames(outputName).build();
    output(out);
    return out;
  }

  /** The graph as built so far, validated. */
  public Graph build() {
    Preconditions.checkState(!outputs.isEmpty(), "graph '%s' has no outputs", name);
    Graph g = new Graph(name, inputs, initializers, nodes, outputs, docString);
    GraphValidator.validate(g, catalog).throwIfInvalid();
    return g;
  }

  /** A model around {@link #build()}, importing ai.onnx and, when used, com.microsoft. */
  public Model model() {
    return Model.of(build(), onnxOpset);
  }
}
