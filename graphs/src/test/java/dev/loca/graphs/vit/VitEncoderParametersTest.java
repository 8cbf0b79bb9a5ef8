package dev.loca.graphs.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VitEncoderParametersTest {

  /**
   * Counts from the architecture, by hand: patch embedding D·3·p² + D; position table 14²·D; per block
   * two LayerNorms (2·2D), Q/K/V/out projections 4·(D² + D), MLP D·M + M + M·D + D; final LayerNorm 2D.
   * Cross-check of the totals: adding a CLS token (D), one more position (D) and a 1000-class head
   * (1000·D + 1000) gives the familiar ImageNet counts 5,717,416 (Ti/16), 22,050,664 (S/16) and
   * 86,567,656 (B/16).
   */
  @ParameterizedTest
  @ValueSource(strings = {"Ti/16", "S/16", "B/16"})
  void countsMatchTheArchitectureAndTheGraph(String preset) {
    long[] dm = switch (preset) {
      case "Ti/16" -> new long[] {192, 768};
      case "S/16" -> new long[] {384, 1536};
      default -> new long[] {768, 3072};
    };
    long d = dm[0];
    long m = dm[1];
    long patchEmbed = d * 3 * 16 * 16 + d;
    long posembed = 14 * 14 * d;
    long block = 4 * d + 4 * (d * d + d) + (d * m + m + m * d + d);
    long byHand = patchEmbed + posembed + 12 * block + 2 * d;
    long expected = switch (preset) {
      case "Ti/16" -> 5_524_032L;
      case "S/16" -> 21_664_896L;
      default -> 85_797_120L;
    };
    assertEquals(expected, byHand, "hand count of " + preset);

    VitEncoder enc = new VitEncoder(VitConfig.preset(preset));
    assertEquals(byHand, enc.parameterCount());
    assertEquals(patchEmbed, enc.parameterCounts().get("patch_embed"));
    assertEquals(posembed, enc.parameterCounts().get("posembed"));
    assertEquals(12 * block, enc.parameterCounts().get("blocks"));
    assertEquals(2 * d, enc.parameterCounts().get("encoder_norm"));

    GraphBuilder b = new GraphBuilder("vit", 1);
    enc.apply(b, b.input("images", DataType.FLOAT, Shape.symbolic("batch", 3, 224, 224)), null, null);
    assertEquals(enc.parameterCounts(), countsByModule(b.parameters()));
  }

  private static Map<String, Long> countsByModule(List<Value> params) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Value p : params) {
      String module = p.name().split("\\.")[1];
      counts.merge(module, p.shape().elementCount(), Long::sum);
    }
    return counts;
  }

  @Test
  void microParameterNamesAreStable() {
    GraphBuilder b = new GraphBuilder("vit", 1);
    new VitEncoder(VitConfig.preset("micro"))
        .apply(b, b.input("images", DataType.FLOAT, Shape.symbolic("batch", 3, 16, 16)), null, null);
    List<String> block = List.of("ln1.scale", "ln1.bias", "attn.query.weight", "attn.query.bias", "attn.key.weight",
        "attn.key.bias", "attn.value.weight", "attn.value.bias", "attn.out.weight", "attn.out.bias", "ln2.scale",
        "ln2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias");
    List<String> expected = new java.util.ArrayList<>(List.of("encoder.patch_embed.weight",
        "encoder.patch_embed.bias", "encoder.posembed"));
    for (int l = 0; l < 2; l++) {
      for (String n : block) {
        expected.add("encoder.blocks." + l + "." + n);
      }
    }
    expected.addAll(List.of("encoder.encoder_norm.scale", "encoder.encoder_norm.bias"));
    assertEquals(expected, b.parameters().stream().map(Value::name).toList());
    Map<String, String> shapes = new LinkedHashMap<>();
    b.parameters().forEach(p -> shapes.put(p.name(), Arrays.toString(p.shape().sizes())));
    assertEquals("[16, 3, 4, 4]", shapes.get("encoder.patch_embed.weight"));
    assertEquals("[1, 4, 4, 16]", shapes.get("encoder.posembed"));
    assertEquals("[2, 8]", shapes.get("encoder.blocks.0.attn.query.bias"));
    assertEquals("[16, 32]", shapes.get("encoder.blocks.1.mlp.fc1.weight"));
  }

  /** Both applies of the student (query0 with dropping, focal queries) share one set of parameters. */
  @Test
  void laterAppliesReuseTheParametersWhicheverComesFirst() {
    VitConfig micro = VitConfig.preset("micro");
    List<String> queryFirst = twoApplies(micro, true);
    List<String> focalFirst = twoApplies(micro, false);
    assertEquals(queryFirst, focalFirst);
    GraphBuilder one = new GraphBuilder("vit", 1);
    new VitEncoder(micro).apply(one, one.input("images", DataType.FLOAT, Shape.symbolic("batch", 3, 16, 16)),
        null, null);
    assertEquals(one.parameters().stream().map(Value::name).toList(), queryFirst);
  }

  private static List<String> twoApplies(VitConfig cfg, boolean queryFirst) {
    GraphBuilder b = new GraphBuilder("vit", 1);
    VitEncoder enc = new VitEncoder(cfg);
    Value query = b.input("query0", DataType.FLOAT, Shape.symbolic("batch", 3, 16, 16));
    Value keep = b.input("keep", DataType.INT64, Shape.symbolic("batch", 6));
    Value focal = b.input("focal", DataType.FLOAT, Shape.symbolic("focal_batch", 3, 8, 8));
    Value dp = b.input("drop_path", DataType.FLOAT, Shape.symbolic("focal_batch", DropPath.columns(cfg)));
    if (queryFirst) {
      enc.apply(b, query, keep, null);
      enc.apply(b, focal, null, dp);
    } else {
      enc.apply(b, focal, null, dp);
      enc.apply(b, query, keep, null);
    }
    return b.parameters().stream().map(Value::name).toList();
  }

  @Test
  void sameSeedGivesIdenticalBytes() {
    byte[] first = modelBytes(7);
    assertArrayEquals(first, modelBytes(7));
    assertFalse(Arrays.equals(first, modelBytes(8)));
  }

  private static byte[] modelBytes(long seed) {
    VitConfig micro = VitConfig.preset("micro");
    GraphBuilder b = new GraphBuilder("vit", seed);
    VitEncoder enc = new VitEncoder(micro);
    Value query = b.input("query0", DataType.FLOAT, Shape.symbolic("batch", 3, 16, 16));
    Value keep = b.input("keep", DataType.INT64, Shape.symbolic("batch", 6));
    Value dp = b.input("drop_path", DataType.FLOAT, Shape.symbolic("batch", DropPath.columns(micro)));
    Value focal = b.input("focal", DataType.FLOAT, Shape.symbolic("focal_batch", 3, 8, 8));
    b.output("query_tokens", enc.apply(b, query, keep, dp));
    b.output("focal_tokens", enc.apply(b, focal, null, null));
    return ModelWriter.toBytes(b.model());
  }
}
