package dev.loca.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtFailure;
import dev.loca.runtime.ort.SessionConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Which ops ONNX Runtime's CPU provider runs in float16: the evidence behind {@link HalfPrecision#HALF_OPS}. */
class HalfPrecisionOpsTest {
  private static final TreeMap<String, BiFunction<GraphBuilder, Value, Value>> CANDIDATES = new TreeMap<>();

  static {
    CANDIDATES.put("Add", (b, x) -> b.op("Add", x, x));
    CANDIDATES.put("Sub", (b, x) -> b.op("Sub", x, x));
    CANDIDATES.put("Mul", (b, x) -> b.op("Mul", x, x));
    CANDIDATES.put("Div", (b, x) -> b.op("Div", x, x));
    CANDIDATES.put("MatMul", (b, x) -> b.op("MatMul", x, x));
    CANDIDATES.put("Softmax", (b, x) -> b.node("Softmax").inputs(x).attr("axis", -1L).build());
    CANDIDATES.put("Tanh", (b, x) -> b.op("Tanh", x));
    CANDIDATES.put("Erf", (b, x) -> b.op("Erf", x));

    CANDIDATES.put("LayerNormalization", (b, x) -> b.node("LayerNormalization").inputs(x,
        b.initializer("s", HalfPrecision.toHalf(dev.loca.graph.ir.TensorData.ofFloats(new long[] {4}, 1, 1, 1, 1))))
        .attr("axis", -1L).build());
    CANDIDATES.put("Conv", (b, x) -> b.node("Conv").inputs(b.op("Reshape", x, b.longs(1, 1, 4, 4)),
        b.initializer("w", HalfPrecision.toHalf(dev.loca.graph.ir.TensorData.ofFloats(new long[] {1, 1, 2, 2},
            1, 2, 3, 4)))).ints("kernel_shape", 2, 2).build());
  }

  private static boolean runsInHalf(String op) {
    GraphBuilder b = new GraphBuilder("probe_" + op, 0);
    Value x = b.node("Cast").inputs(b.input("x", DataType.FLOAT, Shape.of(4, 4)))
        .attr("to", (long) DataType.FLOAT16.onnxCode()).build();
    b.output("y", CANDIDATES.get(op).apply(b, x));
    byte[] bytes = ModelWriter.toBytes(b.model());
    float[] data = new float[16];
    for (int i = 0; i < 16; i++) {
      data[i] = 0.25f * i - 2;
    }
    try (InferenceSession s = OrtEnvironment.shared().openSession(bytes, SessionConfig.defaults());
        OrtTensor in = OrtTensor.fromFloats(data, 4, 4);
        RunResult r = s.run(Map.of("x", in))) {
      return r.get("y").elementCount() > 0;
    } catch (OrtFailure e) {
      return false;
    }
  }

  @Test
  void ortCpuRunsEveryHalfOpInFloat16() {
    assertEquals(HalfPrecision.HALF_OPS, CANDIDATES.keySet(), "one probe per half op");
    List<String> failing = CANDIDATES.keySet().stream().filter(op -> !runsInHalf(op)).toList();
    assertTrue(failing.isEmpty(), "ORT CPU cannot run in float16: " + failing);
  }
}
