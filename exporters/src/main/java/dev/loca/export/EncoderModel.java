package dev.loca.export;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.graphs.vit.VitEncoder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ViT encoder as an inference model with trained weights: {@value PortableExport#INPUT} float32
 * [N, 3, S, S] (normalised) → {@value PortableExport#TOKENS} [N, (S/patch)², width] after the final LayerNorm, no
 * stochastic depth, no token dropping. S other than the position grid's resizes the position table with a
 * constant bilinear matrix, so S is fixed per export.
 */
public final class EncoderModel {
  private EncoderModel() {}

  /**
   * @param weights every {@code encoder.*} parameter by name, shaped as {@link VitEncoder} declares it
   * @throws IllegalArgumentException naming a missing, extra or misshapen weight
   */
  public static Model build(VitConfig vit, int imageSize, Map<String, TensorData> weights) {
    GraphBuilder b = new GraphBuilder("encoder", 0);
    Value images = b.input(PortableExport.INPUT, DataType.FLOAT, Shape.symbolic("N", 3, imageSize, imageSize));
    b.output(PortableExport.TOKENS, new VitEncoder(vit.withStochasticDepth(0)).apply(b, images, null, null));
    Graph g = b.build();
    Map<Value, TensorData> trained = new LinkedHashMap<>();
    TreeSet<String> unused = new TreeSet<>(weights.keySet());
    for (Map.Entry<Value, TensorData> e : g.initializers().entrySet()) {
      Value v = e.getKey();
      if (!b.parameters().contains(v)) {
        trained.put(v, e.getValue());
        continue;
      }
      TensorData t = weights.get(v.name());
      if (t == null) {
        throw new IllegalArgumentException("the weights have no " + v.name() + " " + v.shape()
            + " that the " + vit.name() + " encoder needs");
      }
      if (t.dtype() != DataType.FLOAT || !Arrays.equals(t.dims(), v.shape().sizes())) {
        throw new IllegalArgumentException("weight " + v.name() + " is " + t.dtype() + Arrays.toString(t.dims())
            + ", the " + vit.name() + " encoder needs float" + v.shape());
      }
      trained.put(v, t);
      unused.remove(v.name());
    }
    unused.removeIf(n -> !n.startsWith("encoder."));
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException("the weights hold encoder parameters the " + vit.name()
          + " encoder does not have: " + unused);
    }
    return Model.of(new Graph(g.name(), g.inputs(), trained, g.nodes(), g.outputs(), g.docString()),
        PortableExport.OPSET);
  }
}
