package dev.loca.export;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Float16;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fp16 rewrite: float initializers are stored as float16, the ops of {@link #HALF_OPS} compute in float16,
 * data-movement ops ({@link #PASS_THROUGH}) keep whatever type reaches them, and every other op computes in
 * float32 between Casts. Input and outputs stay float32.
 */
final class HalfPrecision {
  /**
   * Ops computed in float16: every compute op of the ViT and the segmenter head. Tried one by one
   * (HalfPrecisionOpsTest), ONNX Runtime 1.24's CPU provider runs each of them in float16 (where it lacks a
   * kernel, its own cast-insertion pass computes in float32), so none has to be kept in float32 here; any other
   * op (e.g. a future Resize) is.
   */
  static final Set<String> HALF_OPS = Set.of("Add", "Sub", "Mul", "Div", "MatMul", "LayerNormalization", "Conv",
      "Softmax", "Tanh", "Erf");
  /** Ops that only move or reshape data and accept any element type. */
  static final Set<String> PASS_THROUGH = Set.of("Reshape", "Transpose", "Identity", "Unsqueeze", "Squeeze",
      "Gather", "GatherElements", "Expand", "Concat", "Slice", "Flatten");

  private final GraphCopy copy;
  private final Map<Value, Map<DataType, Value>> casts = new HashMap<>();

  private HalfPrecision(GraphCopy copy) {
    this.copy = copy;
  }

  /** Emits {@code g} (its input already bound) in mixed precision; returns {@code out} in float32. */
  static Value emit(GraphCopy copy, Graph g, Value out) {
    HalfPrecision h = new HalfPrecision(copy);
    copy.initializersOf(g, t -> t.dtype() == DataType.FLOAT ? toHalf(t) : t);
    for (Node n : g.nodes()) {
      h.emitNode(n, out);
    }
    return h.as(copy.get(out), DataType.FLOAT);
  }

  private void emitNode(Node n, Value out) {
    List<Value> in = copy.inputsOf(n);
    DataType want;
    if (HALF_OPS.contains(n.opType())) {
      want = DataType.FLOAT16;
    } else if (PASS_THROUGH.contains(n.opType())) {
      want = in.stream().filter(HalfPrecision::isReal).map(Value::dtype).findFirst().orElse(null);
    } else {
      want = DataType.FLOAT;
    }
    for (int i = 0; i < in.size(); i++) {
      if (want != null && isReal(in.get(i))) {
        in.set(i, as(in.get(i), want));
      }
    }
    String[] names = n.outputs().stream().map(v -> v == out ? v.name() + "_half" : v.name()).toArray(String[]::new);
    copy.copy(n, in, names);
  }

  private static boolean isReal(Value v) {
    return v != null && v.type() instanceof ValueType.Tensor t
        && (t.dtype() == DataType.FLOAT || t.dtype() == DataType.FLOAT16);
  }

  /** {@code v} as {@code dtype}, through one shared Cast per value and type. */
  private Value as(Value v, DataType dtype) {
    if (v.dtype() == dtype) {
      return v;
    }
    return casts.computeIfAbsent(v, k -> new HashMap<>()).computeIfAbsent(dtype, d -> copy.builder().node("Cast")
        .inputs(v).attr("to", (long) d.onnxCode()).outputNames(v.name() + "_to_" + d.shortName()).build());
  }

  static TensorData toHalf(TensorData t) {
    float[] f = t.toFloats();
    ByteBuffer bytes = ByteBuffer.allocate(f.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : f) {
      bytes.putShort(Float16.fromFloat(x));
    }
    return TensorData.ofRaw(DataType.FLOAT16, t.shape(), bytes.array());
  }
}
