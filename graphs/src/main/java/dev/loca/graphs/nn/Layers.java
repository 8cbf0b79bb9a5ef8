package dev.loca.graphs.nn;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;

/**
 * The layers LOCA's models are made of, as functions over a {@link GraphBuilder}. Each layer opens its
 * own name scope, so parameters are named {@code <scope>.<layer>.weight} and {@code .bias}. Tokens are
 * {@code [batch, tokens, width]} with a symbolic batch.
 */
public final class Layers {
  /** LayerNorm epsilon of the ViT (spec §3.1). */
  public static final float LN_EPS = 1e-6f;
  private static final double GELU_C = Math.sqrt(2 / Math.PI);

  private Layers() {}

  /**
   * {@code x · W + b} over the last axis; W is {@code [in, out]}.
   *
   * @param bias the bias initialiser, or null for no bias
   */
  public static Value linear(GraphBuilder b, String name, Value x, long in, long out, Init weight, Init bias) {
    try (Scope s = b.scope(name)) {
      Value y = b.op("MatMul", x, b.parameter("weight", Shape.of(in, out), weight));
      return bias == null ? y : b.op("Add", y, b.parameter("bias", Shape.of(out), bias));
    }
  }

  /**
   * LayerNorm over the last axis with a learned scale (ones) and shift (zeros). The node keeps its mean
   * and inverse-std outputs so that the fused gradient can reuse them.
   */
  public static Value layerNorm(GraphBuilder b, String name, Value x, long dim) {
    try (Scope s = b.scope(name)) {
      Value scale = b.parameter("scale", Shape.of(dim), Init.ones());
      Value shift = b.parameter("bias", Shape.of(dim), Init.zeros());
      return b.node("LayerNormalization").inputs(x, scale, shift).attr("axis", -1L).attr("epsilon", LN_EPS)
          .build(3).get(0);
    }
  }

  /** GELU with the tanh approximation: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. */
  public static Value geluTanh(GraphBuilder b, Value x) {
    Value x3 = b.op("Mul", b.op("Mul", x, x), x);
    Value inner = b.op("Mul", b.op("Add", x, b.op("Mul", x3, b.scalar(0.044715f))), b.scalar((float) GELU_C));
    Value t = b.op("Add", b.op("Tanh", inner), b.scalar(1f));
    return b.op("Mul", b.op("Mul", x, t), b.scalar(0.5f));
  }

  /**
   * {@code geluTanh(x · W + b)}. With {@link GraphBuilder#usesOrtKernels()} one ORT FastGelu node (the same
   * tanh form) adds the bias and applies GELU, and its backward keeps only the node's input (one
   * BiasFastGeluGrad_dX in the fused flavour, the derivative recomputed from plain ops in the portable one);
   * otherwise the plain ops of {@link #linear} and {@link #geluTanh}. Same parameters either way.
   */
  public static Value linearGelu(GraphBuilder b, String name, Value x, long in, long out, Init weight, Init bias) {
    if (!b.usesOrtKernels()) {
      return geluTanh(b, linear(b, name, x, in, out, weight, bias));
    }
    try (Scope s = b.scope(name)) {
      Value y = b.op("MatMul", x, b.parameter("weight", Shape.of(in, out), weight));
      return b.node("com.microsoft", "FastGelu").inputs(y, b.parameter("bias", Shape.of(out), bias)).build();
    }
  }

  /** The transformer MLP: Linear → GELU(tanh) → Linear, xavier-uniform kernels, biases ~ N(0, 1e-6). */
  public static Value mlp(GraphBuilder b, String name, Value x, long dim, long hidden) {
    try (Scope s = b.scope(name)) {
      Value h = linearGelu(b, "fc1", x, dim, hidden, Init.xavierUniform(), Init.normal(1e-6));
      return linear(b, "fc2", h, hidden, dim, Init.xavierUniform(), Init.normal(1e-6));
    }
  }

  /**
   * Multi-head attention of queries {@code q} [B, Nq, D] over keys and values {@code kv} [B, Nk, D]: Q, K, V
   * and output projections D×D (xavier-uniform, zero bias), scaling 1/sqrt(D/heads). Self-attention when
   * {@code q == kv}.
   */
  public static Value attention(GraphBuilder b, String name, Value q, Value kv, long dim, int heads) {
    if (dim % heads != 0) {
      throw new IllegalArgumentException("width " + dim + " is not divisible by " + heads + " heads");
    }
    long headDim = dim / heads;
    try (Scope s = b.scope(name)) {
      Value qh = splitHeads(b, headProjection(b, "query", q, dim, heads, headDim), heads, headDim);
      Value kh = splitHeads(b, headProjection(b, "key", kv, dim, heads, headDim), heads, headDim);
      Value vh = splitHeads(b, headProjection(b, "value", kv, dim, heads, headDim), heads, headDim);
      Value kt = b.node("Transpose").inputs(kh).ints("perm", 0, 1, 3, 2).build();
      Value scores = b.op("Mul", b.op("MatMul", qh, kt), b.scalar((float) (1 / Math.sqrt(headDim))));
      Value weights = b.node("Softmax").inputs(scores).attr("axis", -1L).build();
      Value ctx = b.node("Transpose").inputs(b.op("MatMul", weights, vh)).ints("perm", 0, 2, 1, 3).build();
      Value merged = b.op("Reshape", ctx, b.longs(0, -1, dim));
      return linear(b, "out", merged, dim, dim, Init.xavierUniform(), Init.zeros());
    }
  }

  /**
   * A Q, K or V projection. Its bias is stored per head as {@code [heads, D/heads]}, the shape Flax's
   * DenseGeneral gives it: being 2-D it is weight-decayed, as in the reference code (the decay mask
   * exempts only 1-D parameters).
   */
  private static Value headProjection(GraphBuilder b, String name, Value x, long dim, int heads, long headDim) {
    try (Scope s = b.scope(name)) {
      Value y = b.op("MatMul", x, b.parameter("weight", Shape.of(dim, dim), Init.xavierUniform()));
      Value bias = b.parameter("bias", Shape.of(heads, headDim), Init.zeros());
      return b.op("Add", y, b.op("Reshape", bias, b.longs(dim)));
    }
  }

  /** [B, N, D] → [B, heads, N, D/heads]. */
  private static Value splitHeads(GraphBuilder b, Value x, int heads, long headDim) {
    Value r = b.op("Reshape", x, b.longs(0, -1, heads, headDim));
    return b.node("Transpose").inputs(r).ints("perm", 0, 2, 1, 3).build();
  }
}
