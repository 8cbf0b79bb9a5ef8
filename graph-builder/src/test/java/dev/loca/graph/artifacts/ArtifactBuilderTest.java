package dev.loca.graph.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The packager follows ORT's naming contract, and the validator names each way to break it. */
class ArtifactBuilderTest {

  private static TrainingArtifacts linear(OptimizerSettings settings) {
    GraphBuilder b = new GraphBuilder("linear", 3);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", 3));
    Value t = b.input("target", DataType.FLOAT, Shape.symbolic("batch", 2));
    Value w = b.parameter("W", Shape.of(3, 2), Init.xavierUniform());
    Value bias = b.parameter("b", Shape.of(2), Init.zeros());
    Value scale = b.parameter("scale", Shape.of(2), Init.ones());
    Value y = b.op("Mul", b.op("Add", b.op("MatMul", x, w), bias), scale);
    Value d = b.op("Sub", y, t);
    Value loss = b.node("ReduceMean").inputs(b.op("Mul", d, d)).attr("keepdims", 0L).build();
    b.output("loss", loss);
    Graph g = b.build();
    return ArtifactBuilder.build(g, g.outputs().get(0), List.of(w, bias), List.of(scale), Flavour.FUSED, settings);
  }

  @Test
  void trainingModelFollowsTheNamingContract() {
    TrainingArtifacts a = linear(OptimizerSettings.adamW());
    List<String> inputs = a.training().graph().inputs().stream().map(Value::name).toList();
    assertEquals(List.of("x", "target", "W", "b", "scale", "W_grad.accumulation.buffer", "b_grad.accumulation.buffer",
        "lazy_reset_grad"), inputs);
    List<String> outputs = a.training().graph().outputs().stream().map(Value::name).toList();
    assertEquals(List.of("loss", "W_grad.accumulation.out", "b_grad.accumulation.out"), outputs);
    assertEquals(List.of("W", "b"), a.trainable());
    assertEquals(List.of("scale"), a.frozen());
    assertEquals(List.of("b"), a.rankOne());
    assertTrue(a.training().graph().initializers().keySet().stream().noneMatch(v -> v.name().equals("W")));
    List<String> evalInputs = a.eval().graph().inputs().stream().map(Value::name).toList();
    assertEquals(List.of("x", "target", "W", "b", "scale"), evalInputs);
    CheckpointContents c = CheckpointReader.fromBytes(a.checkpoint());
    assertEquals(List.of("W", "b"), c.trainable().stream().map(NamedTensor::name).toList());
    assertEquals(List.of("scale"), c.frozen().stream().map(NamedTensor::name).toList());
    assertEquals(List.of(), ArtifactValidator.validate(a).problems());
  }

  @Test
  void optimizerModelHasTheExactInputsAndOptionalClipping() {
    Graph plain = linear(OptimizerSettings.adamW()).optimizer().graph();
    assertEquals(ArtifactValidator.OPTIMIZER_INPUTS, plain.inputs().stream().map(Value::name).toList());
    Node plainAdam = plain.nodes().stream().filter(n -> n.opType().equals("AdamWOptimizer")).findFirst().orElseThrow();
    assertEquals(plain.find("gradients").orElseThrow(), plainAdam.inputs().get(3));
    Graph clipped = linear(OptimizerSettings.adamW().withMaxGradNorm(1f)).optimizer().graph();
    // clipped in sorted order (GradientClipOrderTest runs it), not with ORT's order-dependent InplaceClipGradNorm
    assertTrue(clipped.nodes().stream().noneMatch(n -> n.opType().equals("InplaceClipGradNorm")));
    Node adam = clipped.nodes().stream().filter(n -> n.opType().equals("AdamWOptimizer")).findFirst().orElseThrow();
    Node clip = clipped.producer(adam.inputs().get(3)).orElseThrow();
    assertEquals("SequenceConstruct", clip.opType());
    assertEquals(2, clip.inputs().size(), "one clipped gradient per trainable parameter (W, b)");
    assertTrue(clipped.nodes().stream().anyMatch(n -> n.opType().equals("TopK")));
    assertEquals(Shape.of(1L), clipped.outputs().get(0).shape());
    assertEquals(DataType.BOOL, clipped.outputs().get(0).dtype());
  }

  @Test
  void missingGradientBufferIsNamed() {
    TrainingArtifacts a = linear(OptimizerSettings.adamW());
    Graph g = a.training().graph();
    Value buffer = g.find("b_grad.accumulation.buffer").orElseThrow();
    List<Node> nodes = new ArrayList<>(g.nodes());
    Node acc = nodes.stream().filter(n -> n.inputs().contains(buffer)).findFirst().orElseThrow();
    nodes.remove(acc);
    List<Value> inputs = new ArrayList<>(g.inputs());
    inputs.remove(buffer);
    List<Value> outputs = new ArrayList<>(g.outputs());
    outputs.remove(acc.output(0));
    Graph broken = new Graph(g.name(), inputs, g.initializers(), nodes, outputs, g.docString());
    assertProblem(a.withTraining(a.training().withGraph(broken)),
        "training model: trainable parameter 'b' has no gradient buffer input 'b_grad.accumulation.buffer'");
  }

  @Test
  void wrongOptimizerInputNamesAreNamed() {
    TrainingArtifacts a = linear(OptimizerSettings.adamW());
    GraphBuilder b = new GraphBuilder("AdamW", 0);
    var seq = dev.loca.graph.ir.ValueType.sequence(dev.loca.graph.ir.ValueType.tensor(DataType.FLOAT,
        Shape.unknownRank()));
    Value lr = b.input("lr", DataType.FLOAT, Shape.of(1L));
    Value step = b.input("step", DataType.INT64, Shape.of(1L));
    Value p = b.input("params", seq);
    Value g = b.input("gradients", seq);
    Value m1 = b.input("m1", seq);
    Value m2 = b.input("m2", seq);
    b.output(b.node("com.microsoft", "AdamWOptimizer").inputs(lr, step, p, g, m1, m2).build());
    assertProblem(a.withOptimizer(b.model()), "optimizer model: inputs must be exactly [learning_rate, step, params, "
        + "gradients, first_order_moments, second_order_moments] in this order, got [lr, step, params, gradients, m1, m2]");
  }

  @Test
  void wrongCheckpointVersionIsNamed() {
    TrainingArtifacts a = linear(OptimizerSettings.adamW());
    FlatBufferBuilder b = new FlatBufferBuilder(64);
    int empty = b.createVectorOfTables(new int[0]);
    b.startTable(4);
    b.addOffset(0, empty, 0);
    b.addOffset(1, empty, 0);
    int module = b.endTable();
    b.startTable(4);
    b.addInt(0, 3, 0);
    b.addOffset(1, module, 0);
    b.finish(b.endTable(), "ODTC");
    assertProblem(a.withCheckpoint(b.sizedByteArray()), "has version 3, expected 2");
  }

  @Test
  void parameterMissingFromTheCheckpointIsNamed() {
    TrainingArtifacts a = linear(OptimizerSettings.adamW());
    CheckpointContents c = CheckpointReader.fromBytes(a.checkpoint());
    byte[] withoutScale = CheckpointWriter.toBytes(c.trainable(), List.of(), Optional.empty(), Properties.none());
    assertProblem(a.withCheckpoint(withoutScale),
        "training model: input 'scale' is neither a user input [x, target] nor a parameter of the checkpoint");
  }

  @Test
  void extraTrainableTensorInTheCheckpointIsNamed() {
    TrainingArtifacts a = linear(OptimizerSettings.adamW());
    CheckpointContents c = CheckpointReader.fromBytes(a.checkpoint());
    List<NamedTensor> more = new ArrayList<>(c.trainable());
    more.add(new NamedTensor("ghost", dev.loca.graph.ir.TensorData.vector(1f, 2f)));
    assertProblem(a.withCheckpoint(CheckpointWriter.toBytes(more, c.frozen(), Optional.empty(), Properties.none())),
        "checkpoint: trainable parameter 'ghost' is not an input of the training model");
  }

  private static void assertProblem(TrainingArtifacts a, String fragment) {
    List<String> problems = ArtifactValidator.validate(a).problems();
    assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)), "expected '" + fragment + "' in " + problems);
  }
}
