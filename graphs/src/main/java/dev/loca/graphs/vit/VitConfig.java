package dev.loca.graphs.vit;

import java.util.List;
import java.util.Map;

/**
 * The shape of a ViT encoder.
 *
 * @param name the preset name it came from (informational)
 * @param width token width D
 * @param depth number of transformer blocks
 * @param heads attention heads (must divide {@code width})
 * @param mlpDim hidden size of each block's MLP
 * @param patch patch side in pixels (the patch-embedding kernel and stride)
 * @param posGrid side of the learned position-embedding grid: reference image size / patch
 * @param stochasticDepth drop rate of the last block; block l drops with {@code stochasticDepth·l/(depth−1)}
 *     (spec §3.1; default 0.1 in every preset)
 */
public record VitConfig(String name, int width, int depth, int heads, int mlpDim, int patch, int posGrid,
    double stochasticDepth) {

  /** Reference view side of the spec's presets (§2): 224 px, so a 14×14 grid at patch 16. */
  public static final int REFERENCE_SIZE = 224;
  /** Stochastic depth of the spec (§3.1, {@code config.model.stochastic_depth}). */
  public static final double DEFAULT_STOCHASTIC_DEPTH = 0.1;

  private record Variant(int width, int depth, int heads, int mlpDim) {}

  /** Spec §3.1 sizes. */
  private static final Map<String, Variant> VARIANTS = Map.of(
      "Ti", new Variant(192, 12, 3, 768),
      "S", new Variant(384, 12, 6, 1536),
      "B", new Variant(768, 12, 12, 3072),
      "L", new Variant(1024, 24, 16, 4096),
      "H", new Variant(1280, 32, 16, 5120));
  private static final List<String> VARIANT_ORDER = List.of("Ti", "S", "B", "L", "H");

  public VitConfig {
    if (width <= 0 || depth <= 0 || heads <= 0 || mlpDim <= 0 || patch <= 0 || posGrid <= 0) {
      throw new IllegalArgumentException("ViT config " + name + ": sizes must be positive, got width " + width
          + ", depth " + depth + ", heads " + heads + ", mlp " + mlpDim + ", patch " + patch + ", grid " + posGrid);
    }
    if (width % heads != 0) {
      throw new IllegalArgumentException("ViT config " + name + ": width " + width + " is not divisible by "
          + heads + " heads");
    }
    if (!(stochasticDepth >= 0 && stochasticDepth < 1)) {
      throw new IllegalArgumentException("ViT config " + name + ": stochastic depth must be in [0, 1), got "
          + stochasticDepth);
    }
  }

  /**
   * A named preset: {@code <variant>/<patch>} with variant Ti, S, B, L or H (e.g. "B/16", "Ti/8"; the
   * position grid is 224 / patch), "cpu" (Ti width, 4 blocks, patch 8, 64-px reference, 32-px queries) or
   * "micro" (for tests: width 16, 2 heads, 2 blocks, patch 4, 16-px reference).
   */
  public static VitConfig preset(String presetName) {
    switch (presetName) {
      case "cpu":
        return new VitConfig("cpu", 192, 4, 3, 768, 8, 8, DEFAULT_STOCHASTIC_DEPTH);
      case "micro":
        return new VitConfig("micro", 16, 2, 2, 32, 4, 4, DEFAULT_STOCHASTIC_DEPTH);
      default:
        break;
    }
    int slash = presetName.indexOf('/');
    Variant v = slash < 0 ? null : VARIANTS.get(presetName.substring(0, slash));
    int patch = slash < 0 ? -1 : parsePatch(presetName.substring(slash + 1));
    if (v == null || patch <= 0) {
      throw new IllegalArgumentException("unknown ViT preset '" + presetName + "': expected one of "
          + presetNames() + ", or <variant>/<patch> with variant in " + VARIANT_ORDER);
    }
    if (REFERENCE_SIZE % patch != 0) {
      throw new IllegalArgumentException("ViT preset '" + presetName + "': patch " + patch + " does not divide the "
          + REFERENCE_SIZE + "-px reference; pick a divisor of " + REFERENCE_SIZE);
    }
    return new VitConfig(presetName, v.width(), v.depth(), v.heads(), v.mlpDim(), patch, REFERENCE_SIZE / patch,
        DEFAULT_STOCHASTIC_DEPTH);
  }

  private static int parsePatch(String s) {
    return s.matches("[1-9][0-9]{0,3}") ? Integer.parseInt(s) : -1;
  }

  /** The presets {@link #preset} names, in size order. */
  public static List<String> presetNames() {
    return List.of("Ti/16", "S/16", "B/16", "L/16", "H/16", "cpu", "micro");
  }

  /** This config with another position-embedding grid (reference size / patch). */
  public VitConfig withPosGrid(int grid) {
    return new VitConfig(name, width, depth, heads, mlpDim, patch, grid, stochasticDepth);
  }

  /** This config with another stochastic depth (0 switches it off). */
  public VitConfig withStochasticDepth(double rate) {
    return new VitConfig(name, width, depth, heads, mlpDim, patch, posGrid, rate);
  }

  /** The reference image side the position table is learned for: {@code posGrid · patch}. */
  public int referenceSize() {
    return posGrid * patch;
  }

  /** The token grid side of a square image of this side. */
  public int grid(int imageSize) {
    if (imageSize <= 0 || imageSize % patch != 0) {
      throw new IllegalArgumentException("ViT " + name + ": image size " + imageSize
          + " is not a positive multiple of the patch size " + patch);
    }
    return imageSize / patch;
  }

  /** Tokens of a square image of this side: {@code grid²}. */
  public int tokens(int imageSize) {
    int g = grid(imageSize);
    return g * g;
  }

  /** Drop rate of block {@code layer} (0-based): {@code stochasticDepth · layer / max(depth − 1, 1)}. */
  public double dropRate(int layer) {
    if (layer < 0 || layer >= depth) {
      throw new IndexOutOfBoundsException("block " + layer + " of a " + depth + "-block ViT");
    }
    return stochasticDepth * layer / Math.max(depth - 1, 1);
  }
}
