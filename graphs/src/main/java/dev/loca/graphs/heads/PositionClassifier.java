package dev.loca.graphs.heads;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.nn.Layers;

/**
 * The position classifier W (spec §3.4): LayerNorm {@code final_norm}, then a linear layer
 * {@code position_predictor} with bias to one logit per reference position.
 */
public final class PositionClassifier {
  private PositionClassifier() {}

  /** With Flax's default initialisation (LeCun-normal kernel, zero bias). */
  public static Value apply(GraphBuilder b, String name, Value x, long width, long positions) {
    return apply(b, name, x, width, positions, false);
  }

  /**
   * @param zeroInit start the linear layer at zero (every logit 0, so the position loss starts at
   *     ln(positions)); the reference code does not do this
   * @return logits [.., positions]
   */
  public static Value apply(GraphBuilder b, String name, Value x, long width, long positions, boolean zeroInit) {
    try (Scope s = b.scope(name)) {
      Value normed = Layers.layerNorm(b, "final_norm", x, width);
      Init kernel = zeroInit ? Init.zeros() : Init.lecunNormal();
      return Layers.linear(b, "position_predictor", normed, width, positions, kernel, Init.zeros());
    }
  }
}
