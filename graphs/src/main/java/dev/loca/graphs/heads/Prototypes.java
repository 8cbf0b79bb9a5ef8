package dev.loca.graphs.heads;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;

/**
 * The prototypes of the patch-cluster branch (spec §3.5, {@code WeightNormDense}): a kernel W
 * [bottleneck, count] without bias whose columns are L2-normalised at every use (weight norm with gain 1),
 * so that unit-norm inputs give cosine scores in [-1, 1]. The stored kernel is the unnormalised one.
 */
public final class Prototypes {
  /** {@code config.model.head_output_dim}. */
  public static final long DEFAULT_COUNT = 4096;
  /**
   * Added to each column norm before dividing, as the reference code does ({@code + 1e-10}); it only
   * matters for a column that has collapsed to zero.
   */
  public static final float NORM_EPSILON = 1e-10f;

  private Prototypes() {}

  /**
   * {@code h} [.., bottleneck] → {@code h · Ŵ} [.., count]. W starts LeCun-normal (variance 1/bottleneck,
   * so its columns start with norm close to 1).
   */
  public static Value scores(GraphBuilder b, String name, Value h, long bottleneck, long count) {
    try (Scope s = b.scope(name)) {
      Value w = b.parameter("weight", Shape.of(bottleneck, count), Init.lecunNormal());
      Value norm = b.node("ReduceL2").inputs(w).ints("axes", 0L).attr("keepdims", 1L).build();
      Value unit = b.op("Div", w, b.op("Add", norm, b.scalar(NORM_EPSILON)));
      return b.op("MatMul", h, unit);
    }
  }
}
