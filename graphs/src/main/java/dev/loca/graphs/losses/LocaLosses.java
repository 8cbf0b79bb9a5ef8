package dev.loca.graphs.losses;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;

/**
 * The student's losses and metrics over the pooled query tokens (spec §4.1–§4.5), T tokens flattened. For
 * token i with label y_i (negative = outside the reference, no label) the weight is v_i = [y_i ≥ 0].
 * <ul>
 *   <li>{@code position} = Σ v·CE(ℓ_i, y_i) / (Σv + 1e-8);
 *   <li>{@code feature} = Σ v·(−Σ_k T[row_i, k]·log softmax(p_i/τ)_k) / (Σv + 1e-8), T the teacher's targets;
 *   <li>{@code memax} = Σ_k q̄_k·log q̄_k with q̄ the mean of softmax(p_i/τ) over all T tokens, valid or not
 *       (no epsilon in the log, as the reference code);
 *   <li>{@code total} = position + feature + memax, or position alone in location-only mode (spec §4.6);
 *   <li>{@code positionAccuracy} = fraction of valid tokens whose argmax logit is the label (0 when none is
 *       valid), {@code validCount} = Σv. Metrics, not on the loss's gradient path.
 * </ul>
 * All are float scalars. {@code feature} and {@code memax} are null in location-only mode.
 */
public record LocaLosses(Value position, Value feature, Value memax, Value total, Value positionAccuracy,
    Value validCount) {
  /** Student temperature τ ({@code config.model.temperature}). */
  public static final float DEFAULT_TEMPERATURE = 0.1f;
  /** Added to Σv in the means over valid tokens, as scenic's {@code weighted_softmax_cross_entropy}. */
  public static final float NORMALISER_EPSILON = 1e-8f;

  /** Location-only mode: the position loss and metrics. */
  public static LocaLosses compute(GraphBuilder b, Value positionLogits, Value labels) {
    return compute(b, positionLogits, null, labels, null, null, DEFAULT_TEMPERATURE);
  }

  /**
   * @param positionLogits ℓ [T, nRef]
   * @param clusterScores p [T, K] (cosine scores), or null in location-only mode
   * @param labels y [T] int64, negative where the token has no label
   * @param targetRows [T] int64: the row of {@code targets} each token reads (its reference image's row
   *     offset plus its label); ignored where the label is negative; null in location-only mode
   * @param targets teacher targets [N, K], or null in location-only mode
   * @param temperature student temperature τ
   */
  public static LocaLosses compute(GraphBuilder b, Value positionLogits, Value clusterScores, Value labels,
      Value targetRows, Value targets, float temperature) {
    requireRank(positionLogits, 2, "position logits");
    requireIndices(labels, "labels");
    boolean clusters = clusterScores != null;
    if (clusters != (targets != null) || clusters != (targetRows != null)) {
      throw new IllegalArgumentException("cluster scores, target rows and targets must be given together "
          + "(cluster-loss mode) or all be null (location-only mode)");
    }
    try (Scope s = b.scope("losses")) {
      Value valid = b.op("Greater", labels, b.constant(TensorData.scalar(-1L)));
      Value v = b.node("Cast").inputs(valid).attr("to", (long) DataType.FLOAT.onnxCode()).build();
      Value validCount = sumAll(b, v);
      Value normaliser = b.op("Add", validCount, b.scalar(NORMALISER_EPSILON));
      Value safeLabels = orZero(b, valid, labels);

      Value position = validMean(b, positionCrossEntropy(b, positionLogits, safeLabels), v, normaliser);
      Value accuracy = accuracy(b, positionLogits, safeLabels, v, validCount);
      if (!clusters) {
        // a value of its own, so that position and total can both be graph outputs
        return new LocaLosses(position, null, null, b.op("Identity", position), accuracy, validCount);
      }

      requireRank(clusterScores, 2, "cluster scores");
      requireRank(targets, 2, "targets");
      requireIndices(targetRows, "target rows");
      Value logits = b.op("Div", clusterScores, b.scalar(temperature));
      Value tokenTargets = b.node("Gather").inputs(targets, orZero(b, valid, targetRows)).attr("axis", 0L).build();
      Value feature = validMean(b, softCrossEntropy(b, logits, tokenTargets), v, normaliser);
      Value memax = memax(b, logits);
      Value total = b.op("Add", b.op("Add", position, feature), memax);
      return new LocaLosses(position, feature, memax, total, accuracy, validCount);
    }
  }

  /** −log softmax(ℓ_i)[y_i] per token [T]. */
  private static Value positionCrossEntropy(GraphBuilder b, Value logits, Value safeLabels) {
    Value picked = b.node("GatherElements").inputs(logSoftmax(b, logits), b.op("Unsqueeze", safeLabels, b.longs(1)))
        .attr("axis", 1L).build();
    return b.op("Neg", b.op("Squeeze", picked, b.longs(1)));
  }

  /** −Σ_k t_ik log softmax(z_i)_k per token [T]. */
  private static Value softCrossEntropy(GraphBuilder b, Value logits, Value targets) {
    Value dot = b.node("ReduceSum").inputs(b.op("Mul", targets, logSoftmax(b, logits)), b.longs(1))
        .attr("keepdims", 0L).build();
    return b.op("Neg", dot);
  }

  /** Σ_k q̄_k log q̄_k, q̄ the mean over all tokens of softmax(logits). */
  private static Value memax(GraphBuilder b, Value logits) {
    Value probs = b.node("Softmax").inputs(logits).attr("axis", -1L).build();
    Value meanProbs = b.node("ReduceMean").inputs(probs).ints("axes", 0L).attr("keepdims", 0L).build();
    return sumAll(b, b.op("Mul", meanProbs, b.op("Log", meanProbs)));
  }

  private static Value validMean(GraphBuilder b, Value perToken, Value v, Value normaliser) {
    return b.op("Div", sumAll(b, b.op("Mul", v, perToken)), normaliser);
  }

  /** Valid tokens whose argmax is the label, over max(Σv, 1). */
  private static Value accuracy(GraphBuilder b, Value positionLogits, Value safeLabels, Value v, Value validCount) {
    Value predicted = b.node("ArgMax").inputs(positionLogits).attr("axis", 1L).attr("keepdims", 0L).build();
    Value hit = b.node("Cast").inputs(b.op("Equal", predicted, safeLabels))
        .attr("to", (long) DataType.FLOAT.onnxCode()).build();
    return b.op("Div", sumAll(b, b.op("Mul", hit, v)), b.op("Max", validCount, b.scalar(1f)));
  }

  private static Value orZero(GraphBuilder b, Value valid, Value indices) {
    return b.op("Where", valid, indices, b.constant(TensorData.scalar(0L)));
  }

  private static Value logSoftmax(GraphBuilder b, Value x) {
    return b.node("LogSoftmax").inputs(x).attr("axis", -1L).build();
  }

  private static Value sumAll(GraphBuilder b, Value x) {
    return b.node("ReduceSum").inputs(x).attr("keepdims", 0L).build();
  }

  private static void requireRank(Value v, int rank, String what) {
    if (v.shape().rankKnown() && v.shape().rank() != rank) {
      throw new IllegalArgumentException(what + " '" + v.name() + "' must have rank " + rank + ", got " + v.shape());
    }
  }

  private static void requireIndices(Value v, String what) {
    requireRank(v, 1, what);
    if (v.dtype() != DataType.INT64) {
      throw new IllegalArgumentException(what + " '" + v.name() + "' must be int64, got " + v.dtype());
    }
  }
}
