package dev.loca.graphs.loca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loca.graph.autodiff.Flavour;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocaConfigTest {
  /** The PyTorch peer's (a) and (b) (shared/peers/torch_loca): model, views and token counts. */
  @Test
  void benchmarkPresetsAreThePeersConfigurations() {
    LocaConfig a = LocaConfig.preset("tiny-p8-64");
    LocaConfig b = LocaConfig.preset("tiny-p16-224");
    for (LocaConfig c : new LocaConfig[] {a, b}) {
      assertEquals(192, c.vit().width());
      assertEquals(12, c.vit().depth());
      assertEquals(3, c.vit().heads());
      assertEquals(768, c.vit().mlpDim());
      assertEquals(0.1, c.vit().stochasticDepth());
      assertEquals(9, c.focalQueries());
      assertEquals(2048, c.headHidden());
      assertEquals(256, c.headBottleneck());
      assertEquals(4096, c.prototypes());
      assertEquals(3, c.sinkhornIterations());
      assertEquals(0.1f, c.temperature());
      assertEquals(0.05f, c.sharpening());
    }
    // (a) patch 8: reference 64 px (64 tokens, 12 kept), query0 64 px (64 -> 23), 9 focal of 32 px (16 tokens)
    assertEquals(8, a.vit().patch());
    assertEquals(64, a.referencePositions());
    assertEquals(12, a.referenceSeqlen());
    assertEquals(64, a.query0Tokens());
    assertEquals(23, a.queryMaxSeqlen());
    assertEquals(16, a.focalTokens());
    // (b) patch 16: reference 224 px (196 tokens, 39 kept), query0 224 px (196 -> 70), 9 focal of 96 px (36)
    assertEquals(16, b.vit().patch());
    assertEquals(196, b.referencePositions());
    assertEquals(39, b.referenceSeqlen());
    assertEquals(196, b.query0Tokens());
    assertEquals(70, b.queryMaxSeqlen());
    assertEquals(36, b.focalTokens());
  }

  @Test
  void fieldsAreSetTogetherFromText() {
    LocaConfig c = LocaConfig.preset("tiny-p16-224").withFields(Map.of("referenceSize", "160", "query0Size", "160",
        "vit.posGrid", "10", "referenceSeqlen", "20", "queryMaxSeqlen", "36", "flavour", "portable"));
    assertEquals(160, c.referenceSize());
    assertEquals(100, c.referencePositions());
    assertEquals(10, c.vit().posGrid());
    assertEquals(20, c.referenceSeqlen());
    assertEquals(Flavour.PORTABLE, c.flavour());
    assertEquals("tiny-p16-224", c.name());
    assertEquals(LocaConfig.preset("micro"), LocaConfig.preset("micro").withFields(Map.of()));
  }

  @Test
  void badFieldsNameTheField() {
    LocaConfig micro = LocaConfig.preset("micro");
    assertEquals("unknown field 'size'; fields are [referenceSize, query0Size, focalSize, focalQueries, "
            + "referenceSeqlen, queryMaxSeqlen, headHidden, headBottleneck, prototypes, temperature, sharpening, "
            + "sinkhornIterations, flavour, applyClusterLoss] and vit.<field>",
        assertThrows(IllegalArgumentException.class, () -> micro.withFields(Map.of("size", "3"))).getMessage());
    assertEquals("field 'flavour' expects one of [PORTABLE, FUSED], got 'fast'",
        assertThrows(IllegalArgumentException.class, () -> micro.withFields(Map.of("flavour", "fast"))).getMessage());
    assertEquals("field 'vit.depth' expects a number, got 'deep'",
        assertThrows(IllegalArgumentException.class, () -> micro.withFields(Map.of("vit.depth", "deep"))).getMessage());
    assertEquals("query_max_seqlen must be in 1..16, got 17", assertThrows(IllegalArgumentException.class,
        () -> micro.withFields(Map.of("queryMaxSeqlen", "17"))).getMessage());
  }
}
