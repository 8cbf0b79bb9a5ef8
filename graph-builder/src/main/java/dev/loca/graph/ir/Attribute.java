package dev.loca.graph.ir;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.primitives.Longs;
import java.util.List;
import java.util.Objects;

/** A typed node attribute, checked when it is made. */
public sealed interface Attribute {

  /** The ONNX attribute kind. */
  enum Kind {
    FLOAT, INT, STRING, TENSOR, FLOATS, INTS, STRINGS
  }

  Kind kind();

  record Int(long value) implements Attribute {
    @Override
    public Kind kind() {
      return Kind.INT;
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  record Float(float value) implements Attribute {
    public Float {
      Preconditions.checkArgument(!java.lang.Float.isNaN(value), "float attribute must not be NaN");
    }

    @Override
    public Kind kind() {
      return Kind.FLOAT;
    }

    @Override
    public String toString() {
      return java.lang.Float.toString(value);
    }
  }

  record Str(String value) implements Attribute {
    public Str {
      Objects.requireNonNull(value, "string attribute");
    }

    @Override
    public Kind kind() {
      return Kind.STRING;
    }

    @Override
    public String toString() {
      return '"' + value + '"';
    }
  }

  record Ints(List<Long> values) implements Attribute {
    public Ints {
      values = ImmutableList.copyOf(values);
    }

    public long[] toArray() {
      return Longs.toArray(values);
    }

    @Override
    public Kind kind() {
      return Kind.INTS;
    }

    @Override
    public String toString() {
      return values.toString();
    }
  }

  record Floats(List<java.lang.Float> values) implements Attribute {
    public Floats {
      values = ImmutableList.copyOf(values);
    }

    public float[] toArray() {
      return com.google.common.primitives.Floats.toArray(values);
    }

    @Override
    public Kind kind() {
      return Kind.FLOATS;
    }

    @Override
    public String toString() {
      return values.toString();
    }
  }

  record Strs(List<String> values) implements Attribute {
    public Strs {
      values = ImmutableList.copyOf(values);
    }

    @Override
    public Kind kind() {
      return Kind.STRINGS;
    }

    @Override
    public String toString() {
      return values.toString();
    }
  }

  record TensorValue(TensorData value) implements Attribute {
    public TensorValue {
      Objects.requireNonNull(value, "tensor attribute");
    }

    @Override
    public Kind kind() {
      return Kind.TENSOR;
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  static Int of(long v) {
    return new Int(v);
  }

  static Float of(float v) {
    return new Float(v);
  }

  static Str of(String v) {
    return new Str(v);
  }

  static Ints ints(long... v) {
    return new Ints(Longs.asList(v));
  }

  static Floats floats(float... v) {
    return new Floats(com.google.common.primitives.Floats.asList(v));
  }

  static Strs strings(String... v) {
    return new Strs(List.of(v));
  }

  static TensorValue of(TensorData t) {
    return new TensorValue(t);
  }
}
