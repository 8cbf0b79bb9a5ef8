package dev.loca.graph.autodiff;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.NodeBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import dev.loca.graph.ops.InferenceContext;
import dev.loca.graph.ops.OpSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What a {@link GradientRule} sees of one forward node, and helpers to emit backward ops. */
public final class GradContext {
  private final GraphBuilder b;
  private final Node node;
  private final List<Value> outputGrads;
  private final boolean[] needed;
  private final Flavour flavour;
  private final InferenceContext attrs;

  GradContext(GraphBuilder b, Node node, OpSchema schema, List<Value> outputGrads, boolean[] needed,
      Flavour flavour) {
    this.b = b;
    this.node = node;
    this.outputGrads = outputGrads;
    this.needed = needed;
    this.flavour = flavour;
    List<ValueType> types = new ArrayList<>();
    List<TensorData> constants = new ArrayList<>();
    for (Value v : node.inputs()) {
      types.add(v == null ? null : v.type());
      constants.add(v == null ? null : b.constantValue(v).orElse(null));
    }
    this.attrs = new InferenceContext(node.name(), schema, types, constants, node.attributes(), node.outputs().size());
  }

  public GraphBuilder b() {
    return b;
  }

  public Node node() {
    return node;
  }

  public Flavour flavour() {
    return flavour;
  }

  /** Attributes (with schema defaults) and constant inputs of the forward node. */
  public InferenceContext attrs() {
    return attrs;
  }

  /** Forward input {@code i}. */
  public Value x(int i) {
    return node.input(i).orElseThrow(() -> new IllegalStateException(node.name() + " has no input " + i));
  }

  public boolean hasX(int i) {
    return node.input(i).isPresent();
  }

  /** Forward output {@code i}. */
  public Value y(int i) {
    return node.output(i);
  }

  /** Gradient of output {@code i}, or null when nothing downstream depends on it. */
  public Value dy(int i) {
    return i < outputGrads.size() ? outputGrads.get(i) : null;
  }

  /** Gradient of output {@code i}, materialising zeros when it is null. */
  public Value dyOrZeros(int i) {
    Value g = dy(i);
    return g != null ? g : zerosLike(y(i));
  }

  /** Whether the engine wants the gradient of input {@code i}. */
  public boolean needs(int i) {
    return i < needed.length && needed[i];
  }

  /** A list of {@code n} nulls, to fill with the gradients a rule produces. */
  public List<Value> none() {
    return new ArrayList<>(Arrays.asList(new Value[node.inputs().size()]));
  }

  public Value op(String opType, Value... in) {
    return b.op(opType, in);
  }

  public NodeBuilder node(String opType) {
    return b.node(opType);
  }

  public NodeBuilder msNode(String opType) {
    return b.node("com.microsoft", opType);
  }

  /** A scalar constant of {@code like}'s element type. */
  public Value scalar(Value like, double v) {
    DataType t = like.dtype();
    return b.constant(TensorData.filled(t, Shape.scalar(), v));
  }

  /** The runtime shape of {@code v} (folded to a constant when static). */
  public Value shapeOf(Value v) {
    return b.op("Shape", v);
  }

  /** Zeros with {@code v}'s shape and type. */
  public Value zerosLike(Value v) {
    return b.node("ConstantOfShape").inputs(shapeOf(v))
        .attr("value", TensorData.filled(v.dtype(), Shape.of(1L), 0)).build();
  }

  /** int64 vector constant. */
  public Value longs(long... v) {
    return b.longs(v);
  }
}
