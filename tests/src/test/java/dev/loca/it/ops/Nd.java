package dev.loca.it.ops;

import dev.loca.graph.ir.DataType;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A plain Java n-dimensional array for reference computations in tests: row-major values held as doubles
 * (exact for every int64 the tests use), an element type and a shape. Deliberately simple and slow.
 */
public final class Nd {
  public final DataType dtype;
  public final long[] shape;
  public final double[] data;

  public Nd(DataType dtype, long[] shape, double[] data) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.data = data;
    if (count(shape) != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count(shape)
          + " values, got " + data.length);
    }
  }

  public static Nd of(DataType dtype, long[] shape, double... data) {
    return new Nd(dtype, shape, data);
  }

  public static Nd floats(long[] shape, double... data) {
    return new Nd(DataType.FLOAT, shape, roundToFloat(data));
  }

  public static Nd longs(long[] shape, long... data) {
    return new Nd(DataType.INT64, shape, Arrays.stream(data).asDoubleStream().toArray());
  }

  public static Nd bools(long[] shape, boolean... data) {
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = data[i] ? 1 : 0;
    }
    return new Nd(DataType.BOOL, shape, d);
  }

  public static Nd zeros(DataType dtype, long... shape) {
    return new Nd(dtype, shape, new double[(int) count(shape)]);
  }

  /** Floats uniform in [lo, hi), rounded to float32, from a seeded generator. */
  public static Nd uniform(long seed, double lo, double hi, long... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[(int) count(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * r.nextDouble();
    }
    return new Nd(DataType.FLOAT, shape, roundToFloat(d));
  }

  /** Integers uniform in [lo, hi) of the given type. */
  public static Nd randomInts(long seed, DataType dtype, long lo, long hi, long... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[(int) count(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextLong(lo, hi);
    }
    return new Nd(dtype, shape, d);
  }

  public static long count(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  static double[] roundToFloat(double[] d) {
    double[] out = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (float) d[i];
    }
    return out;
  }

  public int rank() {
    return shape.length;
  }

  public int size() {
    return data.length;
  }

  /** Row-major strides. */
  public long[] strides() {
    return strides(shape);
  }

  public static long[] strides(long[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /** Multi-index of flat position {@code flat}. */
  public static long[] unravel(long flat, long[] shape) {
    long[] idx = new long[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      idx[i] = shape[i] == 0 ? 0 : flat % shape[i];
      flat = shape[i] == 0 ? 0 : flat / shape[i];
    }
    return idx;
  }

  public double get(long... idx) {
    return data[(int) offset(idx)];
  }

  public void set(double v, long... idx) {
    data[(int) offset(idx)] = v;
  }

  long offset(long[] idx) {
    long[] st = strides();
    long o = 0;
    for (int i = 0; i < idx.length; i++) {
      o += idx[i] * st[i];
    }
    return o;
  }

  /** The value at {@code outIdx} of a broadcast to a shape of rank {@code outIdx.length}. */
  public double broadcastGet(long[] outIdx) {
    long[] st = strides();
    int off = outIdx.length - shape.length;
    long o = 0;
    for (int i = 0; i < shape.length; i++) {
      o += (shape[i] == 1 ? 0 : outIdx[i + off]) * st[i];
    }
    return data[(int) o];
  }

  /** Numpy broadcast of shapes. */
  public static long[] broadcastShape(long[]... shapes) {
    int rank = Arrays.stream(shapes).mapToInt(s -> s.length).max().orElse(0);
    long[] out = new long[rank];
    Arrays.fill(out, 1);
    for (long[] s : shapes) {
      for (int i = 0; i < s.length; i++) {
        int j = i + rank - s.length;
        if (s[i] != 1) {
          if (out[j] != 1 && out[j] != s[i]) {
            throw new IllegalArgumentException("cannot broadcast " + Arrays.deepToString(shapes));
          }
          out[j] = s[i];
        }
      }
    }
    return out;
  }

  public Nd map(DoubleUnaryOperator f) {
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = f.applyAsDouble(data[i]);
    }
    return new Nd(dtype, shape, d);
  }

  /** Element-wise binary op with broadcasting, result of type {@code outType}. */
  public static Nd zip(Nd a, Nd b, DataType outType, DoubleBinaryOperator f) {
    long[] s = broadcastShape(a.shape, b.shape);
    double[] d = new double[(int) count(s)];
    for (int i = 0; i < d.length; i++) {
      long[] idx = unravel(i, s);
      d[i] = f.applyAsDouble(a.broadcastGet(idx), b.broadcastGet(idx));
    }
    return new Nd(outType, s, d);
  }

  public Nd withType(DataType t) {
    return new Nd(t, shape, data.clone());
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape) + (data.length <= 16 ? Arrays.toString(data) : "{" + data.length + "}");
  }
}
