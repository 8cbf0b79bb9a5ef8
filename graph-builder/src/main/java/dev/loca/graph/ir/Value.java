package dev.loca.graph.ir;

import java.util.Objects;

/**
 * A value of a graph: a graph input, an initializer or a node output. Equality is identity: two values
 * with the same name and type are still different values unless they are the same object. The id is
 * issued by the builder that made the value and orders values deterministically.
 */
public final class Value {
  private final long id;
  private final String name;
  private final ValueType type;

  public Value(long id, String name, ValueType type) {
    this.id = id;
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a value needs a non-empty name");
    }
  }

  public long id() {
    return id;
  }

  public String name() {
    return name;
  }

  public ValueType type() {
    return type;
  }

  /** The tensor type of this value; fails for sequences. */
  public ValueType.Tensor tensorType() {
    return type.asTensor();
  }

  public DataType dtype() {
    return tensorType().dtype();
  }

  public Shape shape() {
    return tensorType().shape();
  }

  @Override
  public String toString() {
    return name + ":" + type;
  }
}
