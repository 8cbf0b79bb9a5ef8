package dev.loca.graph.ir;

import com.google.common.base.Preconditions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Immutable tensor contents: an element type, a static shape and the elements as little-endian bytes (the
 * layout of ONNX {@code raw_data}). Equality and hash are by content, so equal constants can be shared.
 */
public final class TensorData {
  private final DataType dtype;
  private final Shape shape;
  private final byte[] raw;
  private int hash;

  private TensorData(DataType dtype, Shape shape, byte[] raw) {
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = Objects.requireNonNull(shape, "shape");
    Preconditions.checkArgument(shape.isStatic(), "tensor data needs a static shape, got %s", shape);
    Preconditions.checkArgument(dtype.byteSize() > 0, "tensor data of type %s is not supported", dtype);
    long expected = shape.elementCount() * dtype.byteSize();
    Preconditions.checkArgument(raw.length == expected,
        "tensor data of type %s and shape %s needs %s bytes, got %s", dtype, shape, expected, raw.length);
    this.raw = raw;
  }

  /** Wraps a copy of little-endian element bytes. */
  public static TensorData ofRaw(DataType dtype, Shape shape, byte[] raw) {
    return new TensorData(dtype, shape, raw.clone());
  }

  public static TensorData ofFloats(long[] dims, float... values) {
    Shape s = Shape.of(dims);
    checkCount(s, values.length);
    ByteBuffer b = buffer(values.length * 4L);
    b.asFloatBuffer().put(values);
    return new TensorData(DataType.FLOAT, s, b.array());
  }

  public static TensorData ofDoubles(long[] dims, double... values) {
    Shape s = Shape.of(dims);
    checkCount(s, values.length);
    ByteBuffer b = buffer(values.length * 8L);
    b.asDoubleBuffer().put(values);
    return new TensorData(DataType.DOUBLE, s, b.array());
  }

  public static TensorData ofLongs(long[] dims, long... values) {
    Shape s = Shape.of(dims);
    checkCount(s, values.length);
    ByteBuffer b = buffer(values.length * 8L);
    b.asLongBuffer().put(values);
    return new TensorData(DataType.INT64, s, b.array());
  }

  public static TensorData ofInts(long[] dims, int... values) {
    Shape s = Shape.of(dims);
    checkCount(s, values.length);
    ByteBuffer b = buffer(values.length * 4L);
    b.asIntBuffer().put(values);
    return new TensorData(DataType.INT32, s, b.array());
  }

  public static TensorData ofBooleans(long[] dims, boolean... values) {
    Shape s = Shape.of(dims);
    checkCount(s, values.length);
    byte[] raw = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      raw[i] = (byte) (values[i] ? 1 : 0);
    }
    return new TensorData(DataType.BOOL, s, raw);
  }

  /** A rank-0 float tensor. */
  public static TensorData scalar(float v) {
    return ofFloats(new long[0], v);
  }

  /** A rank-0 int64 tensor. */
  public static TensorData scalar(long v) {
    return ofLongs(new long[0], v);
  }

  /** A rank-1 int64 tensor. */
  public static TensorData vector(long... v) {
    return ofLongs(new long[] {v.length}, v);
  }

  /** A rank-1 float tensor. */
  public static TensorData vector(float... v) {
    return ofFloats(new long[] {v.length}, v);
  }

  /** A tensor of one value repeated, of any numeric or boolean type. */
  public static TensorData filled(DataType dtype, Shape shape, double value) {
    int n = Math.toIntExact(shape.elementCount());
    ByteBuffer b = buffer((long) n * dtype.byteSize());
    for (int i = 0; i < n; i++) {
      putElement(b, dtype, value);
    }
    return new TensorData(dtype, shape, b.array());
  }

  private static void putElement(ByteBuffer b, DataType dtype, double v) {
    switch (dtype) {
      case FLOAT -> b.putFloat((float) v);
      case DOUBLE -> b.putDouble(v);
      case INT64, UINT64 -> b.putLong((long) v);
      case INT32, UINT32 -> b.putInt((int) v);
      case INT16, UINT16 -> b.putShort((short) v);
      case INT8, UINT8 -> b.put((byte) v);
      case BOOL -> b.put((byte) (v != 0 ? 1 : 0));
      case FLOAT16 -> b.putShort(Float16.fromFloat((float) v));
      default -> throw new IllegalArgumentException("cannot fill a tensor of type " + dtype);
    }
  }

  private static ByteBuffer buffer(long bytes) {
    return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void checkCount(Shape s, int n) {
    Preconditions.checkArgument(s.elementCount() == n, "shape %s has %s elements, got %s values",
        s, s.elementCount(), n);
  }

  public DataType dtype() {
    return dtype;
  }

  public Shape shape() {
    return shape;
  }

  public long[] dims() {
    return shape.sizes();
  }

  public int elementCount() {
    return Math.toIntExact(shape.elementCount());
  }

  /** A read-only little-endian view of the bytes. */
  public ByteBuffer rawBuffer() {
    return ByteBuffer.wrap(raw).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A copy of the little-endian bytes. */
  public byte[] rawBytes() {
    return raw.clone();
  }

  public int byteSize() {
    return raw.length;
  }

  public float[] toFloats() {
    requireType(DataType.FLOAT);
    float[] out = new float[elementCount()];
    rawBuffer().asFloatBuffer().get(out);
    return out;
  }

  public double[] toDoubles() {
    requireType(DataType.DOUBLE);
    double[] out = new double[elementCount()];
    rawBuffer().asDoubleBuffer().get(out);
    return out;
  }

  public int[] toInts() {
    requireType(DataType.INT32);
    int[] out = new int[elementCount()];
    rawBuffer().asIntBuffer().get(out);
    return out;
  }

  public boolean[] toBooleans() {
    requireType(DataType.BOOL);
    boolean[] out = new boolean[elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = raw[i] != 0;
    }
    return out;
  }

  /** The elements as int64, for INT64, INT32, INT16, INT8, UINT8 and BOOL tensors. */
  public long[] toLongs() {
    long[] out = new long[elementCount()];
    ByteBuffer b = rawBuffer();
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (dtype) {
        case INT64 -> b.getLong();
        case INT32 -> b.getInt();
        case INT16 -> b.getShort();
        case INT8 -> b.get();
        case UINT8, BOOL -> b.get() & 0xff;
        default -> throw new IllegalStateException("tensor of type " + dtype + " has no integer values");
      };
    }
    return out;
  }

  /** The elements widened to double, for any numeric type. */
  public double[] toDoublesWidened() {
    return switch (dtype) {
      case DOUBLE -> toDoubles();
      case FLOAT -> {
        float[] f = toFloats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        yield d;
      }
      default -> Arrays.stream(toLongs()).asDoubleStream().toArray();
    };
  }

  private void requireType(DataType t) {
    Preconditions.checkState(dtype == t, "tensor holds %s, not %s", dtype, t);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorData t && t.dtype == dtype && t.shape.equals(shape) && Arrays.equals(t.raw, raw);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Objects.hash(dtype, shape) * 31 + Arrays.hashCode(raw);
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    if (elementCount() <= 8) {
      return dtype + shape.toString() + Arrays.toString(toDoublesWidened());
    }
    return dtype + shape.toString() + "{" + raw.length + " bytes}";
  }
}
