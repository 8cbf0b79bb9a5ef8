package dev.loca.export;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The int8 rewrite, dynamic quantisation in plain ai.onnx ops: each MatMul whose right operand is a float
 * initializer [K, N] gets int8 weights (symmetric, scale max|w|/127 per output column) and becomes
 * {@code DynamicQuantizeLinear(x) → MatMulInteger(xq, wq, x_zero_point) → Cast → × (x_scale · w_scale)}.
 * Everything else (patch Conv, attention products between activations) stays float32.
 */
final class DynamicQuantization {
  private static final int LEVELS = 127;

  private DynamicQuantization() {}

  static Value emit(GraphCopy copy, Graph g, Value out) {
    copy.initializersOf(g, UnaryOperator.identity());
    for (Node n : g.nodes()) {
      Value w = n.opType().equals("MatMul") ? n.inputs().get(1) : null;
      TensorData weights = w == null ? null : g.initializers().get(w);
      if (weights != null && weights.dtype() == DataType.FLOAT && weights.shape().rank() == 2) {
        quantizedMatMul(copy, n, weights);
      } else {
        copy.copy(n, copy.inputsOf(n));
      }
    }
    return copy.get(out);
  }

  private static void quantizedMatMul(GraphCopy copy, Node n, TensorData weights) {
    GraphBuilder b = copy.builder();
    String w = n.inputs().get(1).name();
    String y = n.output(0).name();
    Quantized q = quantize(weights);
    Value wq = b.initializer(w + ".int8", q.values());
    Value ws = b.initializer(w + ".scale", q.scales());
    List<Value> xq = b.node("DynamicQuantizeLinear").inputs(copy.get(n.inputs().get(0)))
        .outputNames(y + "_xq", y + "_xscale", y + "_xzero").build(3);
    Value product = b.node("MatMulInteger").inputs(xq.get(0), wq, xq.get(2)).outputNames(y + "_int32").build();
    Value real = b.node("Cast").inputs(product).attr("to", (long) DataType.FLOAT.onnxCode())
        .outputNames(y + "_unscaled").build();
    Value scale = b.node("Mul").inputs(xq.get(1), ws).outputNames(y + "_scale").build();
    copy.bind(n.output(0), b.node("Mul").inputs(real, scale).outputNames(y).build());
  }

  /** Int8 weights and one scale per column. */
  record Quantized(TensorData values, TensorData scales) {}

  static Quantized quantize(TensorData weights) {
    long[] dims = weights.dims();
    int rows = Math.toIntExact(dims[0]);
    int cols = Math.toIntExact(dims[1]);
    float[] f = weights.toFloats();
    float[] scale = new float[cols];
    for (int c = 0; c < cols; c++) {
      float max = 0;
      for (int r = 0; r < rows; r++) {
        max = Math.max(max, Math.abs(f[r * cols + c]));
      }
      scale[c] = max > 0 ? max / LEVELS : 1f;
    }
    byte[] q = new byte[f.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        long v = Math.round(f[r * cols + c] / scale[c]);
        q[r * cols + c] = (byte) Math.max(-LEVELS, Math.min(LEVELS, v));
      }
    }
    return new Quantized(TensorData.ofRaw(DataType.INT8, weights.shape(), q),
        TensorData.ofFloats(new long[] {cols}, scale));
  }
}
