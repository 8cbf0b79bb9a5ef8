package dev.loca.runtime.ort;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-encoded tiny ONNX models for tests (test code only: the project's real ONNX writer lives in
 * graph-builder). Field numbers follow onnx.proto.
 */
final class TinyOnnx {
  private TinyOnnx() {}

  /** z = Add(x, y) with x FLOAT [batch, 3], y FLOAT [3], z FLOAT [batch, 3]; IR 8, opset 17. */
  static byte[] addModel() {
    Pb graph =
        new Pb()
            .message(1, node("Add", "add0", new String[] {"x", "y"}, "z"))
            .string(2, "add_graph")
            .message(11, floatValue("x", "batch", 3))
            .message(11, floatValue("y", 3))
            .message(12, floatValue("z", "batch", 3));
    return model(graph);
  }

  /** z = Add(x, y) and w = Mul(x, y), same inputs as {@link #addModel()}. */
  static byte[] addMulModel() {
    Pb graph =
        new Pb()
            .message(1, node("Add", "add0", new String[] {"x", "y"}, "z"))
            .message(1, node("Mul", "mul0", new String[] {"x", "y"}, "w"))
            .string(2, "add_mul_graph")
            .message(11, floatValue("x", "batch", 3))
            .message(11, floatValue("y", 3))
            .message(12, floatValue("z", "batch", 3))
            .message(12, floatValue("w", "batch", 3));
    return model(graph);
  }

  private static byte[] model(Pb graph) {
    return new Pb()
        .varint(1, 8) // ir_version
        .string(2, "loca-test") // producer_name
        .message(7, graph)
        .message(8, new Pb().string(1, "").varint(2, 17)) // opset_import {"", 17}
        .toByteArray();
  }

  private static Pb node(String op, String name, String[] inputs, String output) {
    Pb node = new Pb();
    for (String in : inputs) {
      node.string(1, in);
    }
    return node.string(2, output).string(3, name).string(4, op);
  }

  /** A FLOAT ValueInfoProto; each dim is a Long (dim_value) or a String (dim_param). */
  private static Pb floatValue(String name, Object... dims) {
    Pb shape = new Pb();
    for (Object d : dims) {
      shape.message(1, d instanceof String s ? new Pb().string(2, s) : new Pb().varint(1, ((Number) d).longValue()));
    }
    Pb tensorType = new Pb().varint(1, 1).message(2, shape); // elem_type FLOAT, shape
    return new Pb().string(1, name).message(2, new Pb().message(1, tensorType));
  }

  /** Minimal protobuf writer: varint, length-delimited strings and nested messages. */
  static final class Pb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pb varint(int field, long value) {
      raw((long) field << 3);
      raw(value);
      return this;
    }

    Pb string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A float as wire type 5 (fixed32), e.g. {@code AttributeProto.f}. */
    Pb float32(int field, float value) {
      raw(((long) field << 3) | 5);
      int bits = Float.floatToIntBits(value);
      for (int i = 0; i < 4; i++) {
        out.write((bits >>> (8 * i)) & 0xFF);
      }
      return this;
    }

    Pb message(int field, Pb message) {
      return bytes(field, message.toByteArray());
    }

    Pb bytes(int field, byte[] value) {
      raw(((long) field << 3) | 2);
      raw(value.length);
      out.writeBytes(value);
      return this;
    }

    private void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
