package dev.loca.graphs.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Output shapes (batch symbolic), parameter names and shapes, and parameter counts of the heads. */
class HeadsStructureTest {
  private static final Shape TOKENS = Shape.symbolic("B", 5, 12);

  private static Map<String, Shape> parameters(GraphBuilder b) {
    Map<String, Shape> m = new LinkedHashMap<>();
    for (Value p : b.parameters()) {
      m.put(p.name(), p.shape());
    }
    return m;
  }

  private static long count(GraphBuilder b) {
    return b.parameters().stream().mapToLong(p -> p.shape().elementCount()).sum();
  }

  @Test
  void projectionHeadAndPrototypes() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value x = b.input("x", DataType.FLOAT, TOKENS);
    Value h = ProjectionHead.apply(b, "head", x, 12, 16, 8);
    Value p = Prototypes.scores(b, "prototypes", h, 8, 32);
    assertEquals(Shape.symbolic("B", 5, 8), h.shape());
    assertEquals(Shape.symbolic("B", 5, 32), p.shape());
    assertEquals(List.of("head.fc1.weight", "head.fc1.bias", "head.fc2.weight", "head.fc2.bias", "head.fc3.weight",
        "head.fc3.bias", "prototypes.weight"), List.copyOf(parameters(b).keySet()));
    assertEquals(Shape.of(8, 32), parameters(b).get("prototypes.weight"));
    assertEquals(12 * 16 + 16 + 16 * 16 + 16 + 16 * 8 + 8 + 8 * 32, count(b));
    b.output(p);
    b.build();
  }

  @Test
  void projectionHeadTakesFlattenedTokens() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("T", 12));
    Value p = Prototypes.scores(b, "prototypes", ProjectionHead.apply(b, "head", x, 12, 16, 8), 8, 32);
    assertEquals(Shape.symbolic("T", 32), p.shape());
  }

  @Test
  void defaultsAreTheSpecs() {
    assertEquals(2048, ProjectionHead.DEFAULT_HIDDEN);
    assertEquals(256, ProjectionHead.DEFAULT_BOTTLENECK);
    assertEquals(4096, Prototypes.DEFAULT_COUNT);
  }

  @Test
  void crossAttentionBlock() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value q = b.input("q", DataType.FLOAT, TOKENS);
    Value r = b.input("r", DataType.FLOAT, Shape.symbolic("B", 3, 12));
    Value z = CrossAttentionBlock.apply(b, "g", q, r, 12, 3, 20);
    assertEquals(TOKENS, z.shape());
    Map<String, Shape> params = parameters(b);
    assertEquals(List.of("g.ln_q.scale", "g.ln_q.bias", "g.ln_kv.scale", "g.ln_kv.bias",
        "g.attn.query.weight", "g.attn.query.bias", "g.attn.key.weight", "g.attn.key.bias",
        "g.attn.value.weight", "g.attn.value.bias", "g.attn.out.weight", "g.attn.out.bias",
        "g.ln_mlp.scale", "g.ln_mlp.bias", "g.mlp.fc1.weight", "g.mlp.fc1.bias", "g.mlp.fc2.weight",
        "g.mlp.fc2.bias"), List.copyOf(params.keySet()));
    long d = 12;
    long m = 20;
    assertEquals(3 * 2 * d + 4 * (d * d + d) + (d * m + m) + (m * d + d), count(b));
  }

  @Test
  void positionClassifier() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value x = b.input("x", DataType.FLOAT, TOKENS);
    Value logits = PositionClassifier.apply(b, "classifier", x, 12, 49, true);
    assertEquals(Shape.symbolic("B", 5, 49), logits.shape());
    assertEquals(List.of("classifier.final_norm.scale", "classifier.final_norm.bias",
        "classifier.position_predictor.weight", "classifier.position_predictor.bias"),
        List.copyOf(parameters(b).keySet()));
    b.output(logits);
    TensorData w = b.build().initializers().entrySet().stream()
        .filter(e -> e.getKey().name().equals("classifier.position_predictor.weight")).findFirst().orElseThrow()
        .getValue();
    for (float v : w.toFloats()) {
      assertEquals(0f, v);
    }
  }

  @Test
  void segmenterHead() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value tokens = b.input("tokens", DataType.FLOAT, Shape.symbolic("B", 16, 12));
    Value labels = b.input("labels", DataType.INT64, Shape.symbolic("B", 10, 10));
    Value logits = SegmenterHead.apply(b, "segmenter", tokens, 4, 12, 5, 10);
    assertEquals(Shape.symbolic("B", 5, 10, 10), logits.shape());
    assertEquals(List.of("segmenter.head.weight", "segmenter.head.bias"), List.copyOf(parameters(b).keySet()));
    Value loss = SegmenterHead.loss(b, logits, labels, SegmenterHead.DEFAULT_IGNORE_LABEL);
    assertEquals(Shape.scalar(), loss.shape());
  }
}
