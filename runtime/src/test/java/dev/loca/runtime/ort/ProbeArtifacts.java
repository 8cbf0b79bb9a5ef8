package dev.loca.runtime.ort;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.loca.runtime.ort.TinyOnnx.Pb;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The training artifacts of spec/ort-training-artifacts.md's probe, hand-encoded for tests (test code
 * only: graph-builder produces the real ones, and runtime must not depend on it).
 *
 * <p>Model: {@code y = x·W + b (+ shift)}, {@code loss = ReduceMean((y − target)²)}, with x [batch,3],
 * target [batch,2], W [3,2], b [2] trainable, and optionally shift [2] frozen. The training model carries
 * the hand-written backward (Size→Cast→Div for 2/numel, Mul, Transpose+MatMul, ReduceSum) and one
 * InPlaceAccumulatorV2 per trainable parameter; the eval model is the forward graph plus the loss; the
 * optimizer models are AdamW (optionally behind InplaceClipGradNorm) and SGDOptimizerV2. The checkpoint
 * is an ODTC v2 flatbuffer written with flatbuffers-java.
 *
 * <p>Both optimizer models end in {@code Reshape(updated_flag_raw, [1]) -> updated_flag}, declared
 * {@code tensor(bool) [1]}: the optimizer ops' schemas infer a scalar flag but their kernels return shape
 * {1}, and with the op's output as the graph output ORT logs "Expected shape from model of {} does not
 * match actual shape of {1} for output updated_flag" on every OptimizerStep (with the output declared
 * [1], [] or without a shape alike). ORT reads only the flag's value, so the Reshape is harmless.
 */
final class ProbeArtifacts {
  private ProbeArtifacts() {}

  static final String MS = "com.microsoft";
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final int BOOL = 9;

  // ---- models -------------------------------------------------------------------------------------

  /** The training model; with {@code frozenShift} it also adds a frozen parameter {@code shift} to y. */
  static byte[] trainingModel(boolean frozenShift) {
    Pb g = new Pb();
    forward(g, frozenShift);
    // backward: dloss/dy = 2 (y - target) / numel
    g.message(1, node("Size", "", "size", List.of("diff"), List.of("numel")));
    g.message(1, node("Cast", "", "cast", List.of("numel"), List.of("numel_f"), attrInt("to", FLOAT)));
    g.message(1, node("Div", "", "two_over_n", List.of("const_two", "numel_f"), List.of("scale")));
    g.message(1, node("Mul", "", "dy", List.of("diff", "scale"), List.of("dy")));
    g.message(1, node("Transpose", "", "x_t", List.of("x"), List.of("x_t"), attrInts("perm", 1, 0)));
    g.message(1, node("MatMul", "", "w_grad", List.of("x_t", "dy"), List.of("W_grad")));
    g.message(1, node("ReduceSum", "", "b_grad", List.of("dy", "axes0"), List.of("b_grad"),
        attrInt("keepdims", 0)));
    for (String p : List.of("W", "b")) {
      g.message(1, node("InPlaceAccumulatorV2", MS, p + "_accumulate",
          List.of(p + "_grad.accumulation.buffer", p + "_grad", "lazy_reset_grad"),
          List.of(p + "_grad.accumulation.out")));
    }
    g.string(2, "probe_training");
    g.message(5, tensor("const_two", FLOAT, new long[0], floats(2f)));
    g.message(5, tensor("axes0", INT64, new long[] {1}, longs(0L)));
    userAndParameterInputs(g, frozenShift);
    g.message(11, value("W_grad.accumulation.buffer", FLOAT, 3L, 2L));
    g.message(11, value("b_grad.accumulation.buffer", FLOAT, 2L));
    g.message(11, value("lazy_reset_grad", BOOL, 1L));
    g.message(12, value("loss", FLOAT));
    g.message(12, value("W_grad.accumulation.out", BOOL, 1L));
    g.message(12, value("b_grad.accumulation.out", BOOL, 1L));
    return model(g, true);
  }

  /** The eval model: forward plus loss, outputs [loss, y]. */
  static byte[] evalModel(boolean frozenShift) {
    Pb g = new Pb();
    forward(g, frozenShift);
    g.string(2, "probe_eval");
    userAndParameterInputs(g, frozenShift);
    g.message(12, value("loss", FLOAT));
    g.message(12, value("y", FLOAT, "batch", 2L));
    return model(g, false);
  }

  private static void forward(Pb g, boolean frozenShift) {
    g.message(1, node("MatMul", "", "matmul", List.of("x", "W"), List.of("xw")));
    g.message(1, node("Add", "", "add_b", List.of("xw", "b"), List.of(frozenShift ? "xwb" : "y")));
    if (frozenShift) {
      g.message(1, node("Add", "", "add_shift", List.of("xwb", "shift"), List.of("y")));
    }
    g.message(1, node("Sub", "", "sub", List.of("y", "target"), List.of("diff")));
    g.message(1, node("Mul", "", "square", List.of("diff", "diff"), List.of("sq")));
    g.message(1, node("ReduceMean", "", "mean", List.of("sq"), List.of("loss"), attrInt("keepdims", 0)));
  }

  private static void userAndParameterInputs(Pb g, boolean frozenShift) {
    g.message(11, value("x", FLOAT, "batch", 3L));
    g.message(11, value("target", FLOAT, "batch", 2L));
    g.message(11, value("W", FLOAT, 3L, 2L));
    g.message(11, value("b", FLOAT, 2L));
    if (frozenShift) {
      g.message(11, value("shift", FLOAT, 2L));
    }
  }

  /**
   * AdamW over all trainable parameters ({@code updated_flag} declared tensor(bool), as ORT 1.24 needs),
   * optionally clipping the gradients first with InplaceClipGradNorm (Frobenius norm). {@code adam_mode}
   * 0: decay before the update, as torch's AdamW.
   */
  static byte[] adamWModel(float weightDecay, Float clipMaxNorm) {
    Pb g = new Pb();
    String gradients = "gradients";
    if (clipMaxNorm != null) {
      g.message(1, node("InplaceClipGradNorm", MS, "clip", List.of("gradients"), List.of("clipped_gradients"),
          attrFloat("max_norm", clipMaxNorm), attrString("norm_type", "fro")));
      gradients = "clipped_gradients";
    }
    g.message(1, node("AdamWOptimizer", MS, "adamw",
        List.of("learning_rate", "step", "params", gradients, "first_order_moments", "second_order_moments"),
        List.of("updated_flag_raw"),
        attrFloat("alpha", 0.9f), attrFloat("beta", 0.999f), attrFloat("epsilon", 1e-8f),
        attrFloat("weight_decay", weightDecay), attrInt("correct_bias", 1), attrInt("adam_mode", 0)));
    g.string(2, "probe_adamw");
    optimizerInputs(g, true);
    if (clipMaxNorm != null) {
      g.message(13, sequence("clipped_gradients"));
    }
    flagOutput(g);
    return model(g, true);
  }

  /** SGDOptimizerV2: w ← w − lr·g; ORT still wants step and first_order_moments declared. */
  static byte[] sgdModel() {
    Pb g = new Pb();
    g.message(1, node("SGDOptimizerV2", MS, "sgd", List.of("learning_rate", "params", "gradients"),
        List.of("updated_flag_raw")));
    g.string(2, "probe_sgd");
    optimizerInputs(g, false);
    flagOutput(g);
    return model(g, true);
  }

  /** updated_flag_raw (the optimizer op's scalar-typed flag) reshaped to [1]: see the class comment. */
  private static void flagOutput(Pb g) {
    g.message(1, node("Reshape", "", "flag_shape", List.of("updated_flag_raw", "shape1"), List.of("updated_flag")));
    g.message(5, tensor("shape1", INT64, new long[] {1}, longs(1L)));
    g.message(12, value("updated_flag", BOOL, 1L));
  }

  private static void optimizerInputs(Pb g, boolean secondMoments) {
    g.message(11, value("learning_rate", FLOAT, 1L));
    g.message(11, value("step", INT64, 1L));
    g.message(11, sequence("params"));
    g.message(11, sequence("gradients"));
    g.message(11, sequence("first_order_moments"));
    if (secondMoments) {
      g.message(11, sequence("second_order_moments"));
    }
  }

  private static byte[] model(Pb graph, boolean microsoft) {
    Pb m = new Pb()
        .varint(1, 8) // ir_version
        .string(2, "loca-test")
        .message(7, graph)
        .message(8, new Pb().string(1, "").varint(2, 17));
    if (microsoft) {
      m.message(8, new Pb().string(1, MS).varint(2, 1));
    }
    return m.toByteArray();
  }

  private static Pb node(String op, String domain, String name, List<String> in, List<String> out, Pb... attrs) {
    Pb n = new Pb();
    in.forEach(i -> n.string(1, i));
    out.forEach(o -> n.string(2, o));
    n.string(3, name).string(4, op);
    for (Pb a : attrs) {
      n.message(5, a);
    }
    if (!domain.isEmpty()) {
      n.string(7, domain);
    }
    return n;
  }

  private static Pb attrFloat(String name, float v) {
    return new Pb().string(1, name).float32(2, v).varint(20, 1);
  }

  private static Pb attrInt(String name, long v) {
    return new Pb().string(1, name).varint(3, v).varint(20, 2);
  }

  private static Pb attrString(String name, String v) {
    return new Pb().string(1, name).string(4, v).varint(20, 3);
  }

  private static Pb attrInts(String name, long... v) {
    Pb a = new Pb().string(1, name);
    for (long x : v) {
      a.varint(8, x);
    }
    return a.varint(20, 7);
  }

  /** A tensor ValueInfoProto; no dims means a scalar, each dim a Long (value) or a String (param). */
  private static Pb value(String name, int elemType, Object... dims) {
    Pb shape = new Pb();
    for (Object d : dims) {
      shape.message(1, d instanceof String s ? new Pb().string(2, s) : new Pb().varint(1, (Long) d));
    }
    Pb tensorType = new Pb().varint(1, elemType).message(2, shape);
    return new Pb().string(1, name).message(2, new Pb().message(1, tensorType));
  }

  /** A ValueInfoProto of type seq(tensor(float)). */
  private static Pb sequence(String name) {
    Pb element = new Pb().message(1, new Pb().varint(1, FLOAT));
    return new Pb().string(1, name).message(2, new Pb().message(4, new Pb().message(1, element)));
  }

  private static Pb tensor(String name, int type, long[] dims, byte[] raw) {
    Pb t = new Pb();
    for (long d : dims) {
      t.varint(1, d);
    }
    return t.varint(2, type).string(8, name).bytes(9, raw);
  }

  // ---- checkpoint ---------------------------------------------------------------------------------

  /** A float tensor for a checkpoint. */
  record Tensor(long[] dims, float[] values) {}

  /** Builds ODTC checkpoints (version 2, "group0", momentum0/momentum1, sorted tensors). */
  static final class Checkpoint {
    private final Map<String, Tensor> trainable = new TreeMap<>();
    private final Map<String, Tensor> frozen = new TreeMap<>();
    private final Map<String, Long> ints = new TreeMap<>();
    private final Map<String, Float> floats = new TreeMap<>();
    private final Map<String, String> strings = new TreeMap<>();
    private Long step;
    private float initialLr;
    private boolean zeroMoments;
    private int version = 2;

    Checkpoint trainable(String name, long[] dims, float... values) {
      trainable.put(name, new Tensor(dims, values));
      return this;
    }

    Checkpoint frozen(String name, long[] dims, float... values) {
      frozen.put(name, new Tensor(dims, values));
      return this;
    }

    /** Adds optimizer group "group0"; with {@code zeroMoments}, explicit zero momentum0/momentum1. */
    Checkpoint optimizer(long optimizerStep, float initialLearningRate, boolean withZeroMoments) {
      this.step = optimizerStep;
      this.initialLr = initialLearningRate;
      this.zeroMoments = withZeroMoments;
      return this;
    }

    Checkpoint property(String name, long value) {
      ints.put(name, value);
      return this;
    }

    Checkpoint property(String name, float value) {
      floats.put(name, value);
      return this;
    }

    Checkpoint property(String name, String value) {
      strings.put(name, value);
      return this;
    }

    Checkpoint version(int v) {
      this.version = v;
      return this;
    }

    byte[] toBytes() {
      FlatBufferBuilder b = new FlatBufferBuilder(1024);
      int trainableVector = tensors(b, trainable);
      int frozenVector = tensors(b, frozen);
      b.startTable(4);
      b.addOffset(0, trainableVector, 0);
      b.addOffset(1, frozenVector, 0);
      int module = b.endTable();
      int groups = 0;
      if (step != null) {
        List<Integer> states = new ArrayList<>();
        if (zeroMoments) {
          for (Map.Entry<String, Tensor> e : trainable.entrySet()) {
            float[] zeros = new float[e.getValue().values().length];
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("momentum0", new Tensor(e.getValue().dims(), zeros));
            m.put("momentum1", new Tensor(e.getValue().dims(), zeros));
            int momentums = tensors(b, m);
            int name = b.createString(e.getKey());
            b.startTable(2);
            b.addOffset(0, name, 0);
            b.addOffset(1, momentums, 0);
            states.add(b.endTable());
          }
        }
        int statesVector = b.createVectorOfTables(states.stream().mapToInt(Integer::intValue).toArray());
        int groupName = b.createString("group0");
        b.startTable(4);
        b.addOffset(0, groupName, 0);
        b.addLong(1, step, 0L);
        b.addFloat(2, initialLr, 0.0);
        b.addOffset(3, statesVector, 0);
        groups = b.createVectorOfTables(new int[] {b.endTable()});
      }
      int bag = 0;
      if (!ints.isEmpty() || !floats.isEmpty() || !strings.isEmpty()) {
        int[] intTables = ints.entrySet().stream().mapToInt(e -> {
          int n = b.createString(e.getKey());
          b.startTable(2);
          b.addOffset(0, n, 0);
          b.addLong(1, e.getValue(), 0L);
          return b.endTable();
        }).toArray();
        int intVector = b.createVectorOfTables(intTables);
        int[] floatTables = floats.entrySet().stream().mapToInt(e -> {
          int n = b.createString(e.getKey());
          b.startTable(2);
          b.addOffset(0, n, 0);
          b.addFloat(1, e.getValue(), 0.0);
          return b.endTable();
        }).toArray();
        int floatVector = b.createVectorOfTables(floatTables);
        int[] stringTables = strings.entrySet().stream().mapToInt(e -> {
          int n = b.createString(e.getKey());
          int v = b.createString(e.getValue());
          b.startTable(2);
          b.addOffset(0, n, 0);
          b.addOffset(1, v, 0);
          return b.endTable();
        }).toArray();
        int stringVector = b.createVectorOfTables(stringTables);
        b.startTable(3);
        b.addOffset(0, intVector, 0);
        b.addOffset(1, floatVector, 0);
        b.addOffset(2, stringVector, 0);
        bag = b.endTable();
      }
      b.startTable(4);
      b.addInt(0, version, 0);
      b.addOffset(1, module, 0);
      if (groups != 0) {
        b.addOffset(2, groups, 0);
      }
      if (bag != 0) {
        b.addOffset(3, bag, 0);
      }
      b.finish(b.endTable(), "ODTC");
      return b.sizedByteArray();
    }

    private static int tensors(FlatBufferBuilder b, Map<String, Tensor> tensors) {
      int[] offsets = new int[tensors.size()];
      int i = 0;
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        int name = b.createString(e.getKey());
        long[] dims = e.getValue().dims();
        b.startVector(8, dims.length, 8);
        for (int k = dims.length - 1; k >= 0; k--) {
          b.addLong(dims[k]);
        }
        int dimsVector = b.endVector();
        b.createUnintializedVector(1, 4 * e.getValue().values().length, 16).put(floats(e.getValue().values()));
        int raw = b.endVector();
        b.startTable(5);
        b.addOffset(0, name, 0);
        b.addOffset(2, dimsVector, 0);
        b.addInt(3, FLOAT, 0);
        b.addOffset(4, raw, 0);
        offsets[i++] = b.endTable();
      }
      return b.createVectorOfTables(offsets);
    }
  }

  static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return b.array();
  }
}
