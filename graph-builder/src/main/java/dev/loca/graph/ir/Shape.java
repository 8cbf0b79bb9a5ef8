package dev.loca.graph.ir;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;

/**
 * A tensor shape: a list of dimensions, or an unknown rank. A scalar has rank 0.
 *
 * @param dims the dimensions; empty for scalars and for an unknown rank
 * @param rankKnown false when not even the rank is known
 */
public record Shape(List<Dim> dims, boolean rankKnown) {

  private static final Shape UNKNOWN_RANK = new Shape(List.of(), false);
  private static final Shape SCALAR = new Shape(List.of(), true);

  public Shape {
    dims = ImmutableList.copyOf(dims);
    Preconditions.checkArgument(rankKnown || dims.isEmpty(), "a shape of unknown rank has no dimensions");
  }

  public static Shape of(List<Dim> dims) {
    return new Shape(dims, true);
  }

  /** A static shape from sizes. */
  public static Shape of(long... sizes) {
    List<Dim> d = new ArrayList<>(sizes.length);
    for (long s : sizes) {
      d.add(Dim.of(s));
    }
    return new Shape(d, true);
  }

  /**
   * A shape from a mix of sizes (Integer/Long) and names (String), e.g. {@code Shape.symbolic("batch", 3)}.
   */
  public static Shape symbolic(Object... dims) {
    List<Dim> d = new ArrayList<>(dims.length);
    for (Object o : dims) {
      if (o instanceof Number n) {
        d.add(Dim.of(n.longValue()));
      } else if (o instanceof String s) {
        d.add(s.equals("?") ? Dim.UNKNOWN : Dim.of(s));
      } else if (o instanceof Dim dim) {
        d.add(dim);
      } else {
        throw new IllegalArgumentException("shape entries must be numbers, names or Dims, got " + o);
      }
    }
    return new Shape(d, true);
  }

  public static Shape scalar() {
    return SCALAR;
  }

  public static Shape unknownRank() {
    return UNKNOWN_RANK;
  }

  /** The rank; fails when the rank is unknown. */
  public int rank() {
    Preconditions.checkState(rankKnown, "rank of this shape is unknown");
    return dims.size();
  }

  public Dim dim(int axis) {
    return dims.get(axis);
  }

  /** True when every dimension has a fixed size. */
  public boolean isStatic() {
    return rankKnown && dims.stream().allMatch(Dim::isFixed);
  }

  /** The fixed sizes; fails unless {@link #isStatic()}. */
  public long[] sizes() {
    Preconditions.checkState(isStatic(), "shape %s is not static", this);
    long[] s = new long[dims.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = dims.get(i).size();
    }
    return s;
  }

  /** Number of elements; fails unless {@link #isStatic()}. */
  public long elementCount() {
    long n = 1;
    for (long s : sizes()) {
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  /** Normalises a possibly negative axis against this shape's rank, failing with a clear message. */
  public int normalizeAxis(long axis) {
    return normalizeAxis(axis, rank());
  }

  /** Normalises a possibly negative axis against {@code rank}. */
  public static int normalizeAxis(long axis, int rank) {
    if (axis < -rank || axis >= rank) {
      throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  @Override
  public String toString() {
    if (!rankKnown) {
      return "[*]";
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < dims.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(dims.get(i));
    }
    return b.append(']').toString();
  }
}
