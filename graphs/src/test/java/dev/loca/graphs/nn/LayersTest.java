package dev.loca.graphs.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The MLP with ORT's FastGelu and with plain ops: same parameters, and only the ORT graph uses com.microsoft. */
class LayersTest {
  private static Graph mlp(boolean ortKernels) {
    GraphBuilder b = new GraphBuilder("t", 3);
    if (ortKernels) {
      b.ortKernels();
    }
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("B", 5, 8));
    Value y = Layers.mlp(b, "mlp", x, 8, 32);
    assertEquals(Shape.symbolic("B", 5, 8), y.shape());
    b.output("y", y);
    return b.build();
  }

  /** The parameters (initializers in the layer's scope; the plain GELU adds constants too). */
  private static Map<String, TensorData> parameters(Graph g) {
    Map<String, TensorData> m = new LinkedHashMap<>();
    g.initializers().forEach((v, t) -> {
      if (v.name().startsWith("mlp.")) {
        m.put(v.name(), t);
      }
    });
    return m;
  }

  @Test
  void fastGeluOnlyWithOrtKernelsAndTheSameParameters() {
    Graph fused = mlp(true);
    Graph plain = mlp(false);
    List<String> fusedOps = fused.nodes().stream().map(Node::qualifiedOp).toList();
    assertEquals(List.of("MatMul", "com.microsoft::FastGelu", "MatMul", "Add", "Identity"), fusedOps);
    assertTrue(plain.nodes().stream().noneMatch(n -> n.qualifiedOp().contains("::")), plain.nodes().toString());
    assertTrue(plain.nodes().stream().anyMatch(n -> n.opType().equals("Tanh")));
    assertEquals(parameters(plain), parameters(fused));
    assertEquals(List.of("mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"),
        List.copyOf(parameters(fused).keySet()));
  }
}
