package dev.loca.graph.ir;

import java.util.Objects;

/** The type of a value in a graph: a tensor or a sequence. */
public sealed interface ValueType permits ValueType.Tensor, ValueType.Sequence {

  /** A tensor with an element type and a (possibly partly known) shape. */
  record Tensor(DataType dtype, Shape shape) implements ValueType {
    public Tensor {
      Objects.requireNonNull(dtype, "dtype");
      Objects.requireNonNull(shape, "shape");
    }

    @Override
    public String toString() {
      return dtype + shape.toString();
    }
  }

  /** A sequence of values of one element type. */
  record Sequence(ValueType element) implements ValueType {
    public Sequence {
      Objects.requireNonNull(element, "element");
    }

    @Override
    public String toString() {
      return "seq(" + element + ")";
    }
  }

  static Tensor tensor(DataType dtype, Shape shape) {
    return new Tensor(dtype, shape);
  }

  static Sequence sequence(ValueType element) {
    return new Sequence(element);
  }

  /** This type as a tensor type; fails for sequences. */
  default Tensor asTensor() {
    if (this instanceof Tensor t) {
      return t;
    }
    throw new IllegalStateException("expected a tensor type, got " + this);
  }
}
