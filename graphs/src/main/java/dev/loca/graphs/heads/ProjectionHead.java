package dev.loca.graphs.heads;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.nn.Layers;

/**
 * The per-token projection head of the patch-cluster branch (spec §3.5): Linear(width→hidden) → GELU(tanh)
 * → Linear(hidden→hidden) → GELU(tanh) → Linear(hidden→bottleneck) → L2-normalised along the last axis.
 * The dense layers have Flax's default initialisation (LeCun-normal kernel, zero bias).
 */
public final class ProjectionHead {
  /** {@code config.model.head_hidden_dim}. */
  public static final long DEFAULT_HIDDEN = 2048;
  /** {@code config.model.head_bottleneck_dim}. */
  public static final long DEFAULT_BOTTLENECK = 256;

  private ProjectionHead() {}

  /** {@code x} [.., width] → unit vectors [.., bottleneck]. */
  public static Value apply(GraphBuilder b, String name, Value x, long width, long hidden, long bottleneck) {
    try (Scope s = b.scope(name)) {
      Value h = Layers.linearGelu(b, "fc1", x, width, hidden, Init.lecunNormal(), Init.zeros());
      h = Layers.linearGelu(b, "fc2", h, hidden, hidden, Init.lecunNormal(), Init.zeros());
      return l2Normalise(b, dense(b, "fc3", h, hidden, bottleneck));
    }
  }

  /**
   * {@code x / ||x||} along the last axis, without an epsilon as in the reference code: a zero vector gives
   * NaN, which a trained head does not produce.
   */
  public static Value l2Normalise(GraphBuilder b, Value x) {
    Value norm = b.node("ReduceL2").inputs(x).ints("axes", -1L).attr("keepdims", 1L).build();
    return b.op("Div", x, norm);
  }

  private static Value dense(GraphBuilder b, String name, Value x, long in, long out) {
    return Layers.linear(b, name, x, in, out, Init.lecunNormal(), Init.zeros());
  }
}
