package dev.loca.graphs.vit;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.nn.Layers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ViT encoder of spec §3.1: patch embedding (Conv, kernel = stride = patch), learned position embedding
 * (resized for other grids), optional early token dropping, pre-LN blocks with stochastic depth, final
 * LayerNorm {@code encoder_norm}. No CLS token, no pooling.
 *
 * <p>Parameters live in scope {@code encoder}: {@code encoder.patch_embed.weight} [D, 3, p, p] and
 * {@code .bias}, {@code encoder.posembed} [1, G, G, D], {@code encoder.blocks.<l>.ln1|attn|ln2|mlp.*},
 * {@code encoder.encoder_norm.scale|bias}. The first {@link #apply} on a builder declares them and later
 * applies on the same builder (in the same outer scope) reuse them, through
 * {@link GraphBuilder#reusingParameters}.
 */
public final class VitEncoder {
  /** Image channels. */
  public static final int CHANNELS = 3;

  private final VitConfig cfg;

  public VitEncoder(VitConfig cfg) {
    this.cfg = cfg;
  }

  public VitConfig config() {
    return cfg;
  }

  /**
   * Encodes {@code images} into tokens {@code [B, N, width]} after {@code encoder_norm}.
   *
   * @param images float {@code [B, 3, S, S]}, S a multiple of the patch (B may be symbolic)
   * @param keepIndices null, or int64 {@code [B, K]}: per sample, the tokens (raster indices) to keep, in
   *     this order, right after the position embedding (spec §3.2 "early" dropping); then N = K
   * @param dropPath null (no stochastic depth), or float multipliers of the residual branches, either
   *     {@code [B, 2·depth]} (one per branch, see {@link DropPath}) or {@code [B, depth]} (one per block,
   *     shared by its two branches)
   */
  public Value apply(GraphBuilder b, Value images, Value keepIndices, Value dropPath) {
    return apply(b, images, keepIndices, dropPath, true);
  }

  /**
   * As {@link #apply(GraphBuilder, Value, Value, Value)}; {@code positionEmbedding = false} leaves the
   * position embedding out (the queries of the location-only ablation, spec §4.6).
   */
  public Value apply(GraphBuilder b, Value images, Value keepIndices, Value dropPath, boolean positionEmbedding) {
    int grid = cfg.grid(imageSize(images));
    boolean perBranch = dropPath != null && dropPathColumns(dropPath) == DropPath.columns(cfg);
    checkKeepIndices(keepIndices);
    return b.reusingParameters(() -> encode(b, images, grid, keepIndices, dropPath, perBranch, positionEmbedding));
  }

  private Value encode(GraphBuilder b, Value images, int grid, Value keepIndices, Value dropPath, boolean perBranch,
      boolean usePositionEmbedding) {
    try (Scope s = b.scope("encoder")) {
      Value x = patchEmbedding(b, images, grid);
      if (usePositionEmbedding) {
        x = b.op("Add", x, positionEmbedding(b, grid));
      }
      if (keepIndices != null) {
        x = keepTokens(b, x, keepIndices);
      }
      try (Scope blocks = b.scope("blocks")) {
        for (int l = 0; l < cfg.depth(); l++) {
          try (Scope block = b.scope(Integer.toString(l))) {
            Value attnScale = dropPath == null ? null : column(b, dropPath, perBranch ? 2 * l : l);
            Value mlpScale = dropPath == null ? null : perBranch ? column(b, dropPath, 2 * l + 1) : attnScale;
            Value h = Layers.layerNorm(b, "ln1", x, cfg.width());
            x = residual(b, x, Layers.attention(b, "attn", h, h, cfg.width(), cfg.heads()), attnScale);
            h = Layers.layerNorm(b, "ln2", x, cfg.width());
            x = residual(b, x, Layers.mlp(b, "mlp", h, cfg.width(), cfg.mlpDim()), mlpScale);
          }
        }
      }
      return Layers.layerNorm(b, "encoder_norm", x, cfg.width());
    }
  }

  /** Conv with kernel = stride = patch, then {@code [B, D, g, g] → [B, g², D]} in raster order. */
  private Value patchEmbedding(GraphBuilder b, Value images, int grid) {
    int d = cfg.width();
    int k = cfg.patch();
    try (Scope s = b.scope("patch_embed")) {
      Value w = b.parameter("weight", Shape.of(d, CHANNELS, k, k), Init.lecunNormal());
      Value bias = b.parameter("bias", Shape.of(d), Init.zeros());
      Value y = b.node("Conv").inputs(images, w, bias).ints("kernel_shape", k, k).ints("strides", k, k).build();
      Value flat = b.op("Reshape", y, b.longs(0, d, (long) grid * grid));
      return b.node("Transpose").inputs(flat).ints("perm", 0, 2, 1).build();
    }
  }

  /** The table as {@code [1, g², D]} (or {@code [g², D]} when resized to a grid g other than its own). */
  private Value positionEmbedding(GraphBuilder b, int grid) {
    int d = cfg.width();
    int g0 = cfg.posGrid();
    Value table = b.parameter("posembed", Shape.of(1, g0, g0, d), Init.normal(1 / Math.sqrt(d)));
    if (grid == g0) {
      return b.op("Reshape", table, b.longs(1, (long) g0 * g0, d));
    }
    Value flat = b.op("Reshape", table, b.longs((long) g0 * g0, d));
    long[] dims = {(long) grid * grid, (long) g0 * g0};
    return b.op("MatMul", b.constant(TensorData.ofFloats(dims, PositionResize.matrix(g0, grid))), flat);
  }

  /** {@code x[b, keep[b, k], :]}: GatherElements along the token axis with the indices broadcast over D. */
  private Value keepTokens(GraphBuilder b, Value x, Value keep) {
    Value idx = b.node("Unsqueeze").inputs(keep, b.longs(2)).build();
    idx = b.op("Expand", idx, b.longs(1, 1, cfg.width()));
    return b.node("GatherElements").inputs(x, idx).attr("axis", 1L).build();
  }

  /** Column {@code c} of the drop-path multipliers as {@code [B, 1, 1]}. */
  private static Value column(GraphBuilder b, Value dropPath, int c) {
    Value col = b.node("Gather").inputs(dropPath, b.constant(TensorData.scalar((long) c))).attr("axis", 1L).build();
    return b.node("Unsqueeze").inputs(col, b.longs(1, 2)).build();
  }

  private static Value residual(GraphBuilder b, Value x, Value branch, Value scale) {
    return b.op("Add", x, scale == null ? branch : b.op("Mul", branch, scale));
  }

  private int imageSize(Value images) {
    Shape s = images.shape();
    boolean ok = images.dtype() == DataType.FLOAT && s.rankKnown() && s.rank() == 4
        && s.dim(1).equals(new Dim.Fixed(CHANNELS)) && s.dim(2).isFixed() && s.dim(2).equals(s.dim(3));
    if (!ok) {
      throw new IllegalArgumentException("ViT " + cfg.name() + ": images '" + images.name()
          + "' must be float [B, 3, S, S] with a fixed S, got " + images.type());
    }
    return Math.toIntExact(s.dim(2).size());
  }

  private void checkKeepIndices(Value keep) {
    if (keep != null && (keep.dtype() != DataType.INT64 || !keep.shape().rankKnown() || keep.shape().rank() != 2)) {
      throw new IllegalArgumentException("ViT " + cfg.name() + ": keep indices '" + keep.name()
          + "' must be int64 [B, K], got " + keep.type());
    }
  }

  private int dropPathColumns(Value dropPath) {
    Shape s = dropPath.shape();
    long cols = s.rankKnown() && s.rank() == 2 && s.dim(1).isFixed() ? s.dim(1).size() : -1;
    if (dropPath.dtype() != DataType.FLOAT || (cols != cfg.depth() && cols != DropPath.columns(cfg))) {
      throw new IllegalArgumentException("ViT " + cfg.name() + ": drop-path multipliers '" + dropPath.name()
          + "' must be float [B, " + DropPath.columns(cfg) + "] (per branch) or [B, " + cfg.depth()
          + "] (per block), got " + dropPath.type());
    }
    return (int) cols;
  }

  /** Parameters per module: patch_embed, posembed, blocks, encoder_norm (from the config, not a graph). */
  public Map<String, Long> parameterCounts() {
    long d = cfg.width();
    long m = cfg.mlpDim();
    long p = cfg.patch();
    long layerNorm = 2 * d;
    long attention = 4 * (d * d + d);
    long mlp = d * m + m + m * d + d;
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("patch_embed", d * CHANNELS * p * p + d);
    counts.put("posembed", (long) cfg.posGrid() * cfg.posGrid() * d);
    counts.put("blocks", cfg.depth() * (2 * layerNorm + attention + mlp));
    counts.put("encoder_norm", layerNorm);
    return counts;
  }

  public long parameterCount() {
    return parameterCounts().values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Forward FLOPs per image (2 per multiply-add of the convolution and the matrix products, as
   * {@code graph.analysis.Flops} counts them; LayerNorm, softmax, GELU and additions are left out, and so is
   * the position-table resize, done once per batch) for a square image of side {@code imageSize} of which
   * {@code tokens} tokens enter the blocks.
   */
  public long forwardFlops(int imageSize, int tokens) {
    long n = tokens;
    long d = cfg.width();
    long embed = 2L * cfg.tokens(imageSize) * CHANNELS * cfg.patch() * cfg.patch() * d;
    long perBlock = 2 * (4 * n * d * d + 2 * n * n * d + 2 * n * d * cfg.mlpDim());
    return embed + cfg.depth() * perBlock;
  }
}
