package dev.loca.graph.ops;

import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shape arithmetic shared by the op families: broadcasting, reductions, known-equal dimensions. */
public final class Shapes {
  private Shapes() {}

  /**
   * Numpy-style (multidirectional) broadcast of shapes. A fixed 1 yields to the other dimension; equal
   * dimensions stay; a symbolic dimension against a fixed size other than 1 becomes that size (the only
   * value that can run); two different names give an unknown dimension.
   */
  public static Shape broadcast(InferenceContext ctx, Shape... shapes) {
    int rank = 0;
    for (Shape s : shapes) {
      if (!s.rankKnown()) {
        return Shape.unknownRank();
      }
      rank = Math.max(rank, s.rank());
    }
    List<Dim> out = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      Dim acc = Dim.of(1);
      for (Shape s : shapes) {
        int j = i - (rank - s.rank());
        if (j >= 0) {
          acc = broadcastDim(ctx, acc, s.dim(j), shapes);
        }
      }
      out.add(acc);
    }
    return Shape.of(out);
  }

  private static Dim broadcastDim(InferenceContext ctx, Dim a, Dim b, Shape[] all) {
    if (isOne(a)) {
      return b;
    }
    if (isOne(b) || a.equals(b)) {
      return a;
    }
    if (a.isFixed() && b.isFixed()) {
      throw ctx.fail("shapes %s cannot be broadcast together (%s vs %s)", Arrays.toString(all), a, b);
    }
    if (a.isFixed()) {
      return a;
    }
    if (b.isFixed()) {
      return b;
    }
    return Dim.UNKNOWN;
  }

  public static boolean isOne(Dim d) {
    return d instanceof Dim.Fixed f && f.size() == 1;
  }

  /** True when two dimensions may be equal (fail only on a provable mismatch). */
  public static boolean compatible(Dim a, Dim b) {
    return !(a.isFixed() && b.isFixed()) || a.size() == b.size();
  }

  /** The shape after reducing {@code axes} (all axes when empty, unless {@code noopWithEmptyAxes}). */
  public static Shape reduce(InferenceContext ctx, Shape in, long[] axes, boolean keepDims,
      boolean noopWithEmptyAxes) {
    if (!in.rankKnown()) {
      return Shape.unknownRank();
    }
    int rank = in.rank();
    boolean[] reduced = new boolean[rank];
    if (axes.length == 0) {
      if (noopWithEmptyAxes) {
        return in;
      }
      Arrays.fill(reduced, true);
    }
    for (long a : axes) {
      reduced[axis(ctx, a, rank)] = true;
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      if (!reduced[i]) {
        out.add(in.dim(i));
      } else if (keepDims) {
        out.add(Dim.of(1));
      }
    }
    return Shape.of(out);
  }

  /** Normalises an axis for a rank, failing through the context with the op named. */
  public static int axis(InferenceContext ctx, long axis, int rank) {
    if (axis < -rank || axis >= rank) {
      throw ctx.fail("axis %d is out of range for rank %d", axis, rank);
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  /** A shape whose rank is known but whose dimensions are not. */
  public static Shape unknownDims(int rank) {
    List<Dim> d = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      d.add(Dim.UNKNOWN);
    }
    return Shape.of(d);
  }

  /** Product of fixed dimensions, or -1 when one is not fixed. */
  public static long product(List<Dim> dims) {
    long p = 1;
    for (Dim d : dims) {
      if (!d.isFixed()) {
        return -1;
      }
      p *= d.size();
    }
    return p;
  }

  /** Number of elements a Slice keeps along an axis of size {@code n}, with ONNX clamping. */
  public static long sliceLength(long n, long start, long end, long step) {
    start = start < 0 ? start + n : start;
    end = end < 0 ? end + n : end;
    if (step > 0) {
      start = Math.max(0, Math.min(n, start));
      end = Math.max(0, Math.min(n, end));
      return Math.max(0, (end - start + step - 1) / step);
    }
    if (n == 0) {
      return 0;
    }
    start = Math.max(0, Math.min(n - 1, start));
    end = Math.max(-1, Math.min(n - 1, end));
    return Math.max(0, (start - end + (-step) - 1) / (-step));
  }
}
