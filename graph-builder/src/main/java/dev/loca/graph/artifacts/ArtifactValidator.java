package dev.loca.graph.artifacts;

import dev.loca.graph.check.GraphValidator;
import dev.loca.graph.check.ValidationResult;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import dev.loca.graph.ops.OpCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks training artifacts against ONNX Runtime's naming contract before ORT sees them, so that a
 * mistake is reported here with its cause instead of as ORT's symptom (a feed-count mismatch, a null
 * tensor, a silently reset optimizer).
 */
public final class ArtifactValidator {
  static final List<String> OPTIMIZER_INPUTS = List.of("learning_rate", "step", "params", "gradients",
      "first_order_moments", "second_order_moments");

  private final List<String> problems = new ArrayList<>();

  private ArtifactValidator() {}

  /** Validates packaged artifacts, reading their checkpoint (bytes, or the tensors of a large state). */
  public static ValidationResult validate(TrainingArtifacts a) {
    ArtifactValidator v = new ArtifactValidator();
    CheckpointContents ckpt;
    try {
      ckpt = a.checkpointData().contents();
    } catch (RuntimeException e) {
      v.problems.add("checkpoint: " + e.getMessage());
      return new ValidationResult("training artifacts", v.problems);
    }
    v.check(a.training(), a.eval(), a.optimizer(), ckpt, a.userInputs());
    return new ValidationResult("training artifacts", v.problems);
  }

  /**
   * Validates models and a checkpoint.
   *
   * @param userInputs the inputs the caller means to feed to the training model
   */
  public static ValidationResult validate(Model training, Model eval, Model optimizer, CheckpointContents checkpoint,
      List<String> userInputs) {
    ArtifactValidator v = new ArtifactValidator();
    v.check(training, eval, optimizer, checkpoint, userInputs);
    return new ValidationResult("training artifacts", v.problems);
  }

  private void check(Model training, Model eval, Model optimizer, CheckpointContents ckpt, List<String> userInputs) {
    Map<String, NamedTensor> trainable = new HashMap<>();
    ckpt.trainable().forEach(t -> trainable.put(t.name(), t));
    Set<String> frozen = new HashSet<>();
    ckpt.frozen().forEach(t -> frozen.add(t.name()));
    checkTraining(training.graph(), trainable, frozen, List.copyOf(userInputs), ckpt);
    if (eval != null) {
      checkEval(eval.graph(), trainable.keySet(), frozen);
    }
    if (optimizer != null) {
      checkOptimizer(optimizer.graph());
    }
  }

  private void checkTraining(Graph g, Map<String, NamedTensor> trainable, Set<String> frozen, List<String> userInputs,
      CheckpointContents ckpt) {
    GraphValidator.validate(g, OpCatalog.standard()).problems().forEach(p -> problems.add("training model: " + p));
    Map<String, Value> inputs = new HashMap<>();
    g.inputs().forEach(v -> inputs.put(v.name(), v));
    for (Value in : g.inputs()) {
      String n = in.name();
      if (trainable.containsKey(n) || frozen.contains(n) || userInputs.contains(n)) {
        continue;
      }
      if (n.equals(ArtifactBuilder.LAZY_RESET_GRAD)) {
        if (!in.type().equals(ValueType.tensor(DataType.BOOL, Shape.of(1L)))) {
          problems.add("training model: input lazy_reset_grad must be bool[1], got " + in.type());
        }
      } else if (n.endsWith(ArtifactBuilder.BUFFER_SUFFIX)) {
        String param = n.substring(0, n.length() - ArtifactBuilder.BUFFER_SUFFIX.length());
        if (!trainable.containsKey(param)) {
          problems.add("training model: gradient buffer '" + n + "' belongs to no trainable parameter of the checkpoint");
        }
      } else {
        problems.add("training model: input '" + n + "' is neither a user input " + userInputs
            + " nor a parameter of the checkpoint (missing from the checkpoint?)");
      }
    }
    boolean anyBuffer = false;
    for (NamedTensor t : ckpt.trainable()) {
      Value p = inputs.get(t.name());
      if (p == null) {
        problems.add("checkpoint: trainable parameter '" + t.name() + "' is not an input of the training model");
        continue;
      }
      ValueType expected = ValueType.tensor(t.data().dtype(), t.data().shape());
      if (!p.type().equals(expected)) {
        problems.add("training model: parameter '" + t.name() + "' is " + p.type() + " but the checkpoint holds "
            + expected);
      }
      String buffer = t.name() + ArtifactBuilder.BUFFER_SUFFIX;
      if (!inputs.containsKey(buffer)) {
        problems.add("training model: trainable parameter '" + t.name() + "' has no gradient buffer input '"
            + buffer + "'");
      } else {
        anyBuffer = true;
        checkAccumulator(g, inputs.get(buffer));
      }
    }
    if (anyBuffer && !inputs.containsKey(ArtifactBuilder.LAZY_RESET_GRAD)) {
      problems.add("training model: input 'lazy_reset_grad' (bool[1]) is missing");
    }
    for (Value o : g.outputs()) {
      if (o.name().endsWith("_grad") || o.name().endsWith(ArtifactBuilder.BUFFER_SUFFIX)) {
        problems.add("training model: output '" + o.name() + "' ends in a suffix ORT reserves for gradients");
      }
    }
  }

  private void checkAccumulator(Graph g, Value buffer) {
    for (Node n : g.nodes()) {
      if (n.inputs().contains(buffer)) {
        boolean ok = n.domain().equals(OpsetId.MICROSOFT) && n.opType().equals("InPlaceAccumulatorV2")
            && n.inputs().indexOf(buffer) == 0 && g.outputs().contains(n.output(0))
            && n.output(0).name().endsWith(ArtifactBuilder.ACCUMULATED_SUFFIX);
        if (!ok) {
          problems.add("training model: gradient buffer '" + buffer.name() + "' must be input 0 of an "
              + "InPlaceAccumulatorV2 whose flag is a graph output named '..." + ArtifactBuilder.ACCUMULATED_SUFFIX + "'");
        }
        return;
      }
    }
    problems.add("training model: gradient buffer '" + buffer.name() + "' is never accumulated into");
  }

  private void checkEval(Graph g, Set<String> trainable, Set<String> frozen) {
    GraphValidator.validate(g, OpCatalog.standard()).problems().forEach(p -> problems.add("eval model: " + p));
    for (Value in : g.inputs()) {
      if (in.name().endsWith("_grad") || in.name().endsWith(ArtifactBuilder.BUFFER_SUFFIX)
          || in.name().equals(ArtifactBuilder.LAZY_RESET_GRAD)) {
        problems.add("eval model: input '" + in.name() + "' belongs in the training model only");
      }
    }
    for (String t : trainable) {
      if (g.inputs().stream().noneMatch(v -> v.name().equals(t)) && !frozen.contains(t)) {
        problems.add("eval model: trainable parameter '" + t + "' is not an input");
      }
    }
  }

  private void checkOptimizer(Graph g) {
    List<String> names = g.inputs().stream().map(Value::name).toList();
    if (!names.equals(OPTIMIZER_INPUTS)) {
      problems.add("optimizer model: inputs must be exactly " + OPTIMIZER_INPUTS + " in this order, got " + names);
    }
    List<Node> optimizers = g.nodes().stream().filter(n -> n.domain().equals(OpsetId.MICROSOFT)
        && (n.opType().equals("AdamWOptimizer") || n.opType().equals("SGDOptimizerV2"))).toList();
    if (optimizers.size() != 1) {
      problems.add("optimizer model: needs exactly one AdamWOptimizer or SGDOptimizerV2 node, found "
          + optimizers.size());
    } else if (optimizers.get(0).output(0).type() instanceof ValueType.Tensor t && t.dtype() != DataType.BOOL) {
      problems.add("optimizer model: output 0 of " + optimizers.get(0).opType() + " must be bool, got " + t);
    }
  }
}
