package dev.loca.graphs.heads;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.nn.Layers;

/**
 * The cross-attention block g (spec §3.3): query tokens attend to reference tokens only, with separate
 * LayerNorms for the queries and the keys/values, then an MLP; no self-attention, no stochastic depth.
 * <pre>
 *   Y = X + MHA(Q = LN_q(X), K = V = LN_kv(R))
 *   Z = Y + MLP(LN(Y))
 * </pre>
 */
public final class CrossAttentionBlock {
  private CrossAttentionBlock() {}

  /**
   * @param queries X [B, Nq, width]
   * @param memory R [B, Nk, width]
   * @return Z [B, Nq, width]
   */
  public static Value apply(GraphBuilder b, String name, Value queries, Value memory, long width, int heads,
      long mlpDim) {
    try (Scope s = b.scope(name)) {
      Value q = Layers.layerNorm(b, "ln_q", queries, width);
      Value kv = Layers.layerNorm(b, "ln_kv", memory, width);
      Value y = b.op("Add", queries, Layers.attention(b, "attn", q, kv, width, heads));
      Value m = Layers.mlp(b, "mlp", Layers.layerNorm(b, "ln_mlp", y, width), width, mlpDim);
      return b.op("Add", y, m);
    }
  }
}
