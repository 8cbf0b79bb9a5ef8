package dev.loca.graphs.heads;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.build.Scope;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.nn.Layers;
import dev.loca.graphs.vit.PositionResize;

/**
 * The Segmenter linear decoder: a linear layer from each patch token to class logits, the token grid
 * reshaped to a [classes, g, g] map, and bilinear upsampling to the image size (two MatMuls with constant
 * {@link PositionResize} weights, one per axis); the loss is per-pixel cross-entropy with an ignore label.
 */
public final class SegmenterHead {
  /** Segmenter initialises its linear decoder with a normal of std 0.02 truncated at ±2 std, zero bias. */
  public static final double DEFAULT_INIT_STD = 0.02;
  /** The label of pixels that carry no class (ADE20K and VOC "void"). */
  public static final int DEFAULT_IGNORE_LABEL = 255;

  private SegmenterHead() {}

  /** {@link #apply(GraphBuilder, String, Value, int, long, int, int, Init)} with Segmenter's initialisation. */
  public static Value apply(GraphBuilder b, String name, Value tokens, int grid, long width, int classes,
      int imageSize) {
    return apply(b, name, tokens, grid, width, classes, imageSize, Init.truncatedNormal(DEFAULT_INIT_STD));
  }

  /**
   * @param tokens [B, grid·grid, width] in raster order
   * @return per-pixel logits [B, classes, imageSize, imageSize]
   */
  public static Value apply(GraphBuilder b, String name, Value tokens, int grid, long width, int classes,
      int imageSize, Init weight) {
    try (Scope s = b.scope(name)) {
      Value perToken = Layers.linear(b, "head", tokens, width, classes, weight, Init.zeros());
      Value channelsFirst = b.node("Transpose").inputs(perToken).ints("perm", 0, 2, 1).build();
      Value maps = b.op("Reshape", channelsFirst, b.longs(0, classes, grid, grid));
      return upsample(b, maps, grid, imageSize);
    }
  }

  /** Bilinear resize of the last two axes of {@code maps} [.., in, in] to [.., out, out]. */
  public static Value upsample(GraphBuilder b, Value maps, int in, int out) {
    double[][] m = PositionResize.weights(in, out);
    float[] rows = new float[out * in];
    float[] cols = new float[in * out];
    for (int o = 0; o < out; o++) {
      for (int j = 0; j < in; j++) {
        rows[o * in + j] = (float) m[o][j];
        cols[j * out + o] = (float) m[o][j];
      }
    }
    Value left = b.constant(TensorData.ofFloats(new long[] {out, in}, rows));
    Value right = b.constant(TensorData.ofFloats(new long[] {in, out}, cols));
    return b.op("MatMul", b.op("MatMul", left, maps), right);
  }

  /**
   * Mean per-pixel cross-entropy over the pixels whose label is not {@code ignoreLabel}.
   *
   * @param logits [B, classes, S, S]
   * @param labels [B, S, S] int64
   */
  public static Value loss(GraphBuilder b, Value logits, Value labels, int ignoreLabel) {
    return b.node("SoftmaxCrossEntropyLoss").inputs(logits, labels).attr("ignore_index", (long) ignoreLabel)
        .attr("reduction", "mean").build();
  }
}
