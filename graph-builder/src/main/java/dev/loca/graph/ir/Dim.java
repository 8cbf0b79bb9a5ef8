package dev.loca.graph.ir;

import com.google.common.base.Preconditions;

/** One dimension of a tensor shape: a fixed size, a named symbolic size, or unknown. */
public sealed interface Dim permits Dim.Fixed, Dim.Symbolic, Dim.Unknown {

  /** A dimension whose size is known when the graph is built. */
  record Fixed(long size) implements Dim {
    public Fixed {
      Preconditions.checkArgument(size >= 0, "dimension size must be >= 0, got %s", size);
    }

    @Override
    public String toString() {
      return Long.toString(size);
    }
  }

  /** A dimension known only by name, such as {@code batch}; equal names mean equal sizes. */
  record Symbolic(String name) implements Dim {
    public Symbolic {
      Preconditions.checkArgument(name != null && !name.isEmpty(), "symbolic dimension needs a name");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A dimension about which nothing is known. */
  record Unknown() implements Dim {
    @Override
    public String toString() {
      return "?";
    }
  }

  Unknown UNKNOWN = new Unknown();

  static Dim of(long size) {
    return new Fixed(size);
  }

  static Dim of(String name) {
    return new Symbolic(name);
  }

  default boolean isFixed() {
    return this instanceof Fixed;
  }

  /** The fixed size; fails for symbolic and unknown dimensions. */
  default long size() {
    if (this instanceof Fixed f) {
      return f.size();
    }
    throw new IllegalStateException("dimension " + this + " has no fixed size");
  }
}
