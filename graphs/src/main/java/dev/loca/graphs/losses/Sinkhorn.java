package dev.loca.graphs.losses;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.Value;

/**
 * The teacher's cluster targets (spec §4.2): a sharpened softmax of the cosine scores, then Sinkhorn–Knopp
 * balancing over all reference tokens of the batch. Each iteration divides every column by its sum over
 * all N rows, then every row by its row sum, so the result's rows sum to 1. Forward only: the targets are
 * constants for the student.
 */
public final class Sinkhorn {
  /** Teacher sharpening temperature {@code config.sharpening}. */
  public static final float DEFAULT_SHARPENING = 0.05f;
  /** {@code utils.sinkhorn(num_itr=3)}. */
  public static final int DEFAULT_ITERATIONS = 3;

  private Sinkhorn() {}

  /** {@code scores} [N, K] (N may be symbolic) → targets [N, K]. */
  public static Value targets(GraphBuilder b, Value scores, float sharpening, int iterations) {
    if (scores.shape().rankKnown() && scores.shape().rank() != 2) {
      throw new IllegalArgumentException("Sinkhorn scores '" + scores.name() + "' must be [N, K], got "
          + scores.shape());
    }
    if (!(sharpening > 0) || iterations < 0) {
      throw new IllegalArgumentException("Sinkhorn needs sharpening > 0 and iterations >= 0, got " + sharpening
          + " and " + iterations);
    }
    Value t = b.node("Softmax").inputs(b.op("Div", scores, b.scalar(sharpening))).attr("axis", -1L).build();
    for (int i = 0; i < iterations; i++) {
      t = b.op("Div", t, sum(b, t, 0));
      t = b.op("Div", t, sum(b, t, 1));
    }
    return t;
  }

  private static Value sum(GraphBuilder b, Value t, long axis) {
    return b.node("ReduceSum").inputs(t, b.longs(axis)).attr("keepdims", 1L).build();
  }
}
