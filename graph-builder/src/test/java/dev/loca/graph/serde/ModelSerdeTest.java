package dev.loca.graph.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.build.Scope;
import dev.loca.graph.check.GraphValidator;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ops.OpCatalog;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelSerdeTest {

  /** A small MLP with a LayerNorm, a Split with optional outputs, a symbolic batch and metadata. */
  static Model sampleModel(long seed) {
    GraphBuilder b = new GraphBuilder("mlp", seed);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", 8));
    Value h;
    try (Scope s = b.scope("block")) {
      Value w = b.parameter("fc.weight", Shape.of(8, 16), Init.xavierUniform());
      Value bias = b.parameter("fc.bias", Shape.of(16), Init.zeros());
      h = b.op("Add", b.op("MatMul", x, w), bias);
      Value scale = b.parameter("ln.scale", Shape.of(16), Init.ones());
      h = b.node("LayerNormalization").inputs(h, scale).attr("epsilon", 1e-6f).build(3).get(0);
    }
    var parts = b.node("Split").inputs(h, b.longs(4, 12)).attr("axis", 1L).build(2);
    Value m = b.node("ReduceMean").inputs(parts.get(1)).ints("axes", 1).attr("keepdims", 0L).build();
    b.output("y", m);
    return b.model().withMetadata(Map.of("preset", "tiny", "mean", "0.485,0.456,0.406"));
  }

  @Test
  void roundTripKeepsEverything() {
    Model m = sampleModel(1);
    Model back = ModelReader.fromBytes(ModelWriter.toBytes(m));
    assertEquals(m.irVersion(), back.irVersion());
    assertEquals(m.opsets(), back.opsets());
    assertEquals(m.metadata(), back.metadata());
    assertEquals(m.producerName(), back.producerName());
    Graph g = m.graph();
    Graph h = back.graph();
    assertEquals(names(g.inputs()), names(h.inputs()));
    assertEquals(names(g.outputs()), names(h.outputs()));
    assertEquals(g.initializers().size(), h.initializers().size());
    g.initializers().forEach((v, t) -> assertEquals(t, h.initializers().get(h.find(v.name()).orElseThrow())));
    assertEquals(g.nodes().size(), h.nodes().size());
    for (int i = 0; i < g.nodes().size(); i++) {
      Node a = g.nodes().get(i);
      Node c = h.nodes().get(i);
      assertEquals(a.name(), c.name());
      assertEquals(a.opType(), c.opType());
      assertEquals(a.attributes(), c.attributes());
      for (int o = 0; o < a.outputs().size(); o++) {
        assertEquals(a.output(o).type(), c.output(o).type());
        assertEquals(a.output(o).name(), c.output(o).name());
      }
    }
    assertEquals(Shape.symbolic("batch"), h.outputs().get(0).shape());
    assertTrue(GraphValidator.validate(h, OpCatalog.standard()).isValid());
    assertArrayEquals(ModelWriter.toBytes(m), ModelWriter.toBytes(back), "write(read(write(m))) == write(m)");
  }

  @Test
  void typesAreInferredWhenValueInfoIsMissing() {
    Model m = sampleModel(1);
    byte[] bytes = ModelWriter.toBytes(m, new WriteOptions(false, WriteOptions.ExternalData.NEVER, 0));
    Graph h = ModelReader.fromBytes(bytes).graph();
    for (int i = 0; i < m.graph().nodes().size(); i++) {
      assertEquals(m.graph().nodes().get(i).output(0).type(), h.nodes().get(i).output(0).type());
    }
  }

  @Test
  void sameCodeAndSeedGiveIdenticalBytes() {
    assertArrayEquals(ModelWriter.toBytes(sampleModel(42)), ModelWriter.toBytes(sampleModel(42)));
    assertTrue(!java.util.Arrays.equals(ModelWriter.toBytes(sampleModel(42)), ModelWriter.toBytes(sampleModel(43))));
  }

  @Test
  void externalDataRoundTripOnAnInMemoryFileSystem() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = fs.getPath("/models/m.onnx");
      Model m = sampleModel(5);
      ModelWriter.write(m, file, WriteOptions.defaults().withExternalData(WriteOptions.ExternalData.ALWAYS, 64));
      Path data = fs.getPath("/models/m.onnx.data");
      assertTrue(Files.exists(data));
      assertTrue(Files.size(file) < 2000, "weights are outside the model file");
      Model back = ModelReader.read(file);
      m.graph().initializers().forEach((v, t) ->
          assertEquals(t, back.graph().initializers().get(back.graph().find(v.name()).orElseThrow())));
      Files.delete(data);
      SerdeException e = assertThrows(SerdeException.class, () -> ModelReader.read(file));
      assertTrue(e.getMessage().contains("external data file not found"), e.getMessage());
    }
  }

  @Test
  void fileWriteIsByteIdenticalToInMemoryBytes() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = fs.getPath("/m.onnx");
      Model m = sampleModel(9);
      ModelWriter.write(m, file);
      assertArrayEquals(ModelWriter.toBytes(m, WriteOptions.defaults()), Files.readAllBytes(file));
    }
  }

  @Test
  void readErrorsNameTheFile() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      SerdeException e = assertThrows(SerdeException.class, () -> ModelReader.read(fs.getPath("/nope.onnx")));
      assertEquals("model file not found: /nope.onnx", e.getMessage());
      Path junk = fs.getPath("/junk.onnx");
      Files.write(junk, new byte[] {(byte) 0xff, 0x13, 0x37});
      e = assertThrows(SerdeException.class, () -> ModelReader.read(junk));
      assertTrue(e.getMessage().startsWith("/junk.onnx is not an ONNX model"), e.getMessage());
    }
  }

  private static java.util.List<String> names(java.util.List<Value> vs) {
    return vs.stream().map(Value::name).toList();
  }
}
