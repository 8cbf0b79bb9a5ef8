package dev.loca.graphs.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.analysis.Flops;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VitEncoderShapesTest {

  static java.util.List<String> presets() {
    return VitConfig.presetNames();
  }

  /**
   * Output shapes at the reference size, at the query0 size with token dropping (70/196 of the tokens, as
   * {@code query_max_seqlen}) and at the focal size (96 px for the 224-px presets, 32 px for "cpu", 8 px for
   * "micro"), batch symbolic. L and H are built with one block: the shapes do not depend on the depth, and
   * all their blocks would mean drawing 0.3 and 0.6 billion initial values.
   */
  @ParameterizedTest
  @MethodSource("presets")
  void outputShapes(String preset) {
    VitConfig cfg = VitConfig.preset(preset);
    if (cfg.depth() > 12) {
      cfg = new VitConfig(cfg.name(), cfg.width(), 1, cfg.heads(), cfg.mlpDim(), cfg.patch(), cfg.posGrid(),
          cfg.stochasticDepth());
    }
    int ref = cfg.referenceSize();
    int focal = switch (preset) {
      case "cpu" -> 32;
      case "micro" -> 8;
      default -> 96;
    };
    int tokens = cfg.tokens(ref);
    int kept = Math.max(1, tokens * 70 / 196);
    long d = cfg.width();
    GraphBuilder b = new GraphBuilder("vit", 1);
    VitEncoder enc = new VitEncoder(cfg);
    Value reference = b.input("reference", DataType.FLOAT, Shape.symbolic("batch", 3, ref, ref));
    Value refDrop = b.input("reference_drop_path", DataType.FLOAT, Shape.symbolic("batch", DropPath.columns(cfg)));
    Value query = b.input("query0", DataType.FLOAT, Shape.symbolic("batch", 3, ref, ref));
    Value keep = b.input("query0_keep", DataType.INT64, Shape.symbolic("batch", kept));
    Value queryDrop = b.input("query0_drop_path", DataType.FLOAT, Shape.symbolic("batch", cfg.depth()));
    Value focalImages = b.input("focal", DataType.FLOAT, Shape.symbolic("focal_batch", 3, focal, focal));

    assertEquals(Shape.symbolic("batch", tokens, d), enc.apply(b, reference, null, refDrop).shape());
    assertEquals(Shape.symbolic("batch", kept, d), enc.apply(b, query, keep, queryDrop).shape());
    int g = focal / cfg.patch();
    assertEquals(Shape.symbolic("focal_batch", g * g, d), enc.apply(b, focalImages, null, null).shape());
    assertEquals(enc.parameterCount(), b.parameters().stream().mapToLong(p -> p.shape().elementCount()).sum());
  }

  @Test
  void tokenCountsOfTheSpec() {
    VitConfig b16 = VitConfig.preset("B/16");
    assertEquals(196, b16.tokens(224));
    assertEquals(36, b16.tokens(96));
    VitConfig cpu = VitConfig.preset("cpu");
    assertEquals(64, cpu.tokens(64));
    assertEquals(16, cpu.tokens(32));
  }

  @Test
  void badInputsAreNamed() {
    VitConfig micro = VitConfig.preset("micro");
    VitEncoder enc = new VitEncoder(micro);
    GraphBuilder b = new GraphBuilder("vit", 1);
    Value odd = b.input("odd", DataType.FLOAT, Shape.symbolic("batch", 3, 18, 18));
    assertMessage(() -> enc.apply(b, odd, null, null), "image size 18");
    Value gray = b.input("gray", DataType.FLOAT, Shape.symbolic("batch", 1, 16, 16));
    assertMessage(() -> enc.apply(b, gray, null, null), "images 'gray' must be float [B, 3, S, S]");
    Value open = b.input("open", DataType.FLOAT, Shape.symbolic("batch", 3, "h", "w"));
    assertMessage(() -> enc.apply(b, open, null, null), "images 'open'");
    Value images = b.input("images", DataType.FLOAT, Shape.symbolic("batch", 3, 16, 16));
    Value intKeep = b.input("keep32", DataType.INT32, Shape.symbolic("batch", 4));
    assertMessage(() -> enc.apply(b, images, intKeep, null), "keep indices 'keep32' must be int64 [B, K]");
    Value dp = b.input("dp", DataType.FLOAT, Shape.symbolic("batch", 3));
    assertMessage(() -> enc.apply(b, images, null, dp), "must be float [B, 4] (per branch) or [B, 2] (per block)");
    assertTrue(b.parameters().isEmpty(), "nothing declared by rejected applies");
  }

  private static void assertMessage(Runnable r, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  /** Hand count for the cpu preset at its view sizes (2 FLOPs per multiply-add, matmuls and conv only). */
  @Test
  void forwardFlopsOfTheCpuPreset() {
    VitEncoder cpu = new VitEncoder(VitConfig.preset("cpu"));
    long d = 192;
    long m = 768;
    long n = 64;
    long embed = 2 * n * (3 * 8 * 8) * d;
    long block = 2 * (4 * n * d * d + 2 * n * n * d + 2 * n * d * m);
    assertEquals(embed + 4 * block, cpu.forwardFlops(64, 64));
  }

  /** The config's count agrees with the analytic count over the built graph, with and without dropping. */
  @Test
  void forwardFlopsAgreeWithTheGraph() {
    VitEncoder cpu = new VitEncoder(VitConfig.preset("cpu"));
    GraphBuilder b = new GraphBuilder("vit", 1);
    Value images = b.input("images", DataType.FLOAT, Shape.of(1, 3, 64, 64));
    b.output("tokens", cpu.apply(b, images, null, null));
    assertEquals(cpu.forwardFlops(64, 64), Flops.count(b.build()));
    GraphBuilder kept = new GraphBuilder("vit", 1);
    Value keep = kept.input("keep", DataType.INT64, Shape.of(1, 22));
    kept.output("tokens", cpu.apply(kept, kept.input("images", DataType.FLOAT, Shape.of(1, 3, 64, 64)), keep, null));
    assertEquals(cpu.forwardFlops(64, 22), Flops.count(kept.build()));
  }
}
