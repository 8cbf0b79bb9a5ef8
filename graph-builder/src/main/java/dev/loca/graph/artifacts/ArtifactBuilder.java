package dev.loca.graph.artifacts;

import com.google.common.base.Preconditions;
import dev.loca.graph.autodiff.Backprop;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Packages a forward graph as ONNX Runtime training artifacts, following the naming contract of
 * {@code shared/spec/ort-training-artifacts.md}: parameters become graph inputs named as in the
 * checkpoint; each trainable parameter P gets the input {@code P_grad.accumulation.buffer}, an
 * {@code InPlaceAccumulatorV2} that adds {@code P_grad} into it (overwriting when {@code lazy_reset_grad}
 * is true) and the hidden output {@code P_grad.accumulation.out}.
 */
public final class ArtifactBuilder {
  public static final String LAZY_RESET_GRAD = "lazy_reset_grad";
  public static final String BUFFER_SUFFIX = "_grad.accumulation.buffer";
  public static final String ACCUMULATED_SUFFIX = "_grad.accumulation.out";

  private ArtifactBuilder() {}

  /**
   * Builds the artifacts.
   *
   * @param forward a graph whose parameters are initializers (as the builder makes them)
   * @param loss the scalar loss, a graph output
   * @param trainable parameters the optimizer updates
   * @param frozen parameters fed from the checkpoint but not updated
   * @param flavour which backward ops to emit
   * @param optimizer AdamW settings
   */
  public static TrainingArtifacts build(Graph forward, Value loss, List<Value> trainable, List<Value> frozen,
      Flavour flavour, OptimizerSettings optimizer) {
    Preconditions.checkArgument(forward.outputs().contains(loss), "loss '%s' must be an output of graph '%s'",
        loss.name(), forward.name());
    Preconditions.checkArgument(!trainable.isEmpty(), "there must be at least one trainable parameter");
    Set<Value> params = new HashSet<>(trainable);
    for (Value v : frozen) {
      Preconditions.checkArgument(params.add(v), "parameter '%s' is both trainable and frozen", v.name());
    }
    for (Value p : params) {
      Preconditions.checkArgument(forward.initializers().containsKey(p),
          "parameter '%s' is not an initializer of graph '%s'", p.name(), forward.name());
      Preconditions.checkArgument(p.dtype() == DataType.FLOAT, "parameter '%s' must be float32, got %s",
          p.name(), p.dtype());
      Preconditions.checkArgument(!p.name().endsWith("_grad"), "parameter name '%s' must not end in _grad", p.name());
    }
    for (Value in : forward.inputs()) {
      Preconditions.checkArgument(!in.name().endsWith("_grad") && !in.name().equals(LAZY_RESET_GRAD),
          "input name '%s' collides with ORT's gradient naming", in.name());
    }
    List<Value> ordered = orderedParams(forward, params);
    Model training = trainingModel(forward, loss, trainable, ordered, flavour);
    Model eval = Model.of(asInputs(forward, ordered, forward.nodes(), forward.outputs()),
        GraphBuilder.DEFAULT_ONNX_OPSET);
    Model optim = optimizerModel(optimizer, trainable.size());
    List<NamedTensor> trainTensors = new ArrayList<>();
    List<NamedTensor> frozenTensors = new ArrayList<>();
    for (Value p : ordered) {
      NamedTensor t = new NamedTensor(p.name(), forward.initializers().get(p));
      (trainable.contains(p) ? trainTensors : frozenTensors).add(t);
    }
    CheckpointData checkpoint = CheckpointData.of(trainTensors, frozenTensors, Optional.empty(), Properties.none());
    List<String> userInputs = forward.inputs().stream().map(Value::name).toList();
    List<String> userOutputs = forward.outputs().stream().map(Value::name).toList();
    return new TrainingArtifacts(training, eval, optim, checkpoint,
        ordered.stream().filter(trainable::contains).map(Value::name).toList(),
        ordered.stream().filter(frozen::contains).map(Value::name).toList(),
        ordered.stream().filter(p -> trainable.contains(p) && p.shape().rank() == 1).map(Value::name).toList(),
        userInputs, userOutputs);
  }

  /** Parameters in the graph's initializer order (the order of ORT's flat parameter buffer). */
  private static List<Value> orderedParams(Graph g, Set<Value> params) {
    return g.initializers().keySet().stream().filter(params::contains).toList();
  }

  /**
   * The graph with {@code params} moved from initializers to inputs (after its own inputs), for an
   * inference session whose weights are fed at run time (the EMA teacher).
   */
  public static Graph parametersAsInputs(Graph g, List<Value> params) {
    return asInputs(g, params, g.nodes(), g.outputs());
  }

  /** The same graph with {@code params} moved from initializers to inputs (after the user inputs). */
  private static Graph asInputs(Graph g, List<Value> params, List<Node> nodes, List<Value> outputs) {
    List<Value> inputs = new ArrayList<>(g.inputs());
    inputs.addAll(params);
    Map<Value, TensorData> inits = new LinkedHashMap<>(g.initializers());
    params.forEach(inits::remove);
    return new Graph(g.name(), inputs, inits, nodes, outputs, g.docString());
  }

  private static Model trainingModel(Graph forward, Value loss, List<Value> trainable, List<Value> ordered,
      Flavour flavour) {
    List<Value> wrt = ordered.stream().filter(trainable::contains).toList();
    Backprop.Result bp = Backprop.differentiate(forward, loss, wrt, flavour);
    Graph withGrads = bp.graph().withNodes(bp.graph().nodes(), forward.outputs());
    GraphBuilder b = GraphBuilder.continuing(withGrads, 0);
    Value reset = b.input(LAZY_RESET_GRAD, DataType.BOOL, Shape.of(1L));
    List<Value> buffers = new ArrayList<>();
    List<Value> flags = new ArrayList<>();
    for (Value p : wrt) {
      Value buffer = b.input(p.name() + BUFFER_SUFFIX, p.type());
      buffers.add(buffer);
      flags.add(b.node(OpsetId.MICROSOFT, "InPlaceAccumulatorV2").inputs(buffer, bp.gradients().get(p), reset)
          .outputNames(p.name() + ACCUMULATED_SUFFIX).build());
    }
    flags.forEach(b::output);
    Graph g = b.build();
    // inputs: user inputs, parameters, gradient buffers, lazy_reset_grad
    List<Value> userInputs = new ArrayList<>(forward.inputs());
    Graph moved = asInputs(new Graph(g.name(), userInputs, g.initializers(), g.nodes(), g.outputs(), g.docString()),
        ordered, g.nodes(), g.outputs());
    List<Value> inputs = new ArrayList<>(moved.inputs());
    inputs.addAll(buffers);
    inputs.add(reset);
    return Model.of(new Graph(g.name(), inputs, moved.initializers(), g.nodes(), g.outputs(), g.docString()),
        GraphBuilder.DEFAULT_ONNX_OPSET);
  }

  /** The AdamW model for {@code count} trainable parameters (the length of each of its sequences). */
  static Model optimizerModel(OptimizerSettings s, int count) {
    GraphBuilder b = new GraphBuilder("AdamW", 0);
    ValueType seq = ValueType.sequence(ValueType.tensor(DataType.FLOAT, Shape.unknownRank()));
    Value lr = b.input("learning_rate", DataType.FLOAT, Shape.of(1L));
    Value step = b.input("step", DataType.INT64, Shape.of(1L));
    Value params = b.input("params", seq);
    Value grads = b.input("gradients", seq);
    Value m1 = b.input("first_order_moments", seq);
    Value m2 = b.input("second_order_moments", seq);
    if (s.maxGradNorm().isPresent()) {
      grads = clipToNorm(b, grads, count, s.maxGradNorm().get());
    }
    Value flag = b.node(OpsetId.MICROSOFT, "AdamWOptimizer").inputs(lr, step, params, grads, m1, m2)
        .attr("alpha", s.beta1()).attr("beta", s.beta2()).attr("epsilon", s.epsilon())
        .attr("weight_decay", s.weightDecay()).attr("correct_bias", s.correctBias() ? 1L : 0L)
        .attr("adam_mode", (long) s.adamMode()).outputNames("updated_flag_raw").build();
    // ORT's schema infers a scalar flag but the kernel returns shape [1]; a Reshape to [1] keeps ORT from
    // warning about the mismatch on every step
    b.output(b.node("Reshape").inputs(flag, b.longs(1)).outputNames("updated_flag").build());
    return b.model();
  }

  /**
   * The gradients scaled by {@code min(1, maxNorm / (‖g‖ + 1e-6))}, ‖g‖ the norm of all of them together, as
   * ORT's {@code InplaceClipGradNorm} scales them, but the same to the last bit in every session. ORT fills
   * the sequences by iterating a hash map of the parameters, in an order that changes from one session (and
   * process) to the next, and its kernel adds the tensors' squared norms in that order: the float sum, and so
   * every clipped update, then differs in the last bits (a run and its resumed copy drifted apart). Here each
   * tensor's norm is taken alone and the squares are sorted (TopK over all of them, smallest first) before
   * they are added, so the total does not depend on the order. AdamW pairs the i-th gradient with the i-th
   * parameter, so the clipped gradients keep their positions.
   */
  public static Value clipToNorm(GraphBuilder b, Value grads, int count, float maxNorm) {
    Preconditions.checkArgument(count > 0, "clipping needs at least one gradient, got %s", count);
    List<Value> tensors = new ArrayList<>(count);
    List<Value> squares = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Value g = b.node("SequenceAt").inputs(grads, b.constant(TensorData.scalar((long) i))).build();
      tensors.add(g);
      Value norm = b.node("ReduceL2").inputs(g).attr("keepdims", 0L).build();
      squares.add(b.op("Reshape", b.op("Mul", norm, norm), b.longs(1)));
    }
    Value all = count == 1 ? squares.get(0) : b.node("Concat").inputs(squares).attr("axis", 0L).build();
    Value sorted = b.node("TopK").inputs(all, b.longs(count)).attr("largest", 0L).build(2).get(0);
    Value total = b.op("Sqrt", b.node("ReduceSum").inputs(sorted).attr("keepdims", 0L).build());
    Value scale = b.op("Min", b.op("Div", b.scalar(maxNorm), b.op("Add", total, b.scalar(1e-6f))), b.scalar(1f));
    List<Value> clipped = tensors.stream().map(g -> b.op("Mul", g, scale)).toList();
    return b.node("SequenceConstruct").inputs(clipped).outputNames("clipped_gradients").build();
  }
}
