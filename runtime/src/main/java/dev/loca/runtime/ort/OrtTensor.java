package dev.loca.runtime.ort;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.onnxruntime.OrtApi;
import org.bytedeco.onnxruntime.OrtValue;

/**
 * A dense CPU tensor backed by an ORT {@code OrtValue} that this object owns and releases on {@link
 * #close()}. Made from Java arrays (copied into ORT-allocated memory), wrapped around a direct buffer
 * without copying, or returned by a session run. Not thread-safe.
 */
public final class OrtTensor implements AutoCloseable {
  private final OrtApi api;
  private final ElementType type;
  private final long[] shape;
  private final long elementCount;
  private OrtValue value;
  /** Native-order view of the tensor memory; null when closed or not viewable (STRING, over 2 GiB). */
  private ByteBuffer data;
  /** The memory a wrapped tensor points into; kept strongly reachable until after ReleaseValue. */
  private Object keepAlive;
  private volatile boolean closed;

  private OrtTensor(OrtApi api, OrtValue value, ElementType type, long[] shape, Object keepAlive) {
    this.api = api;
    this.value = value;
    this.type = type;
    this.shape = shape;
    this.elementCount = elementCount(shape);
    this.keepAlive = keepAlive;
    this.data = view(api, value, type, elementCount);
  }

  // ---- factories ----------------------------------------------------------------------------------

  /** Copies {@code data} into a new FLOAT tensor of the given shape. */
  public static OrtTensor fromFloats(float[] data, long... shape) {
    OrtTensor t = allocate(ElementType.FLOAT, shape, data.length);
    t.data.asFloatBuffer().put(data);
    return t;
  }

  /** Copies {@code data} into a new DOUBLE tensor of the given shape. */
  public static OrtTensor fromDoubles(double[] data, long... shape) {
    OrtTensor t = allocate(ElementType.DOUBLE, shape, data.length);
    t.data.asDoubleBuffer().put(data);
    return t;
  }

  /** Copies {@code data} into a new INT64 tensor of the given shape. */
  public static OrtTensor fromLongs(long[] data, long... shape) {
    OrtTensor t = allocate(ElementType.INT64, shape, data.length);
    t.data.asLongBuffer().put(data);
    return t;
  }

  /** Copies {@code data} into a new INT32 tensor of the given shape. */
  public static OrtTensor fromInts(int[] data, long... shape) {
    OrtTensor t = allocate(ElementType.INT32, shape, data.length);
    t.data.asIntBuffer().put(data);
    return t;
  }

  /** Copies {@code data} into a new BOOL tensor (one byte per element, 0 or 1) of the given shape. */
  public static OrtTensor fromBooleans(boolean[] data, long... shape) {
    OrtTensor t = allocate(ElementType.BOOL, shape, data.length);
    for (int i = 0; i < data.length; i++) {
      t.data.put(i, data[i] ? (byte) 1 : (byte) 0);
    }
    return t;
  }

  /** Copies {@code data} into a new tensor of type {@code UINT8} or {@code INT8} of the given shape. */
  public static OrtTensor fromBytes(byte[] data, ElementType type, long... shape) {
    if (type != ElementType.UINT8 && type != ElementType.INT8) {
      throw new IllegalArgumentException("fromBytes supports UINT8 and INT8, got " + type);
    }
    OrtTensor t = allocate(type, shape, data.length);
    t.data.put(0, data);
    return t;
  }

  /**
   * Wraps the remaining elements of a direct, native-order FloatBuffer without copying. The tensor keeps a
   * strong reference to the buffer until closed; writes to the buffer are visible to the next run.
   */
  public static OrtTensor wrap(FloatBuffer buffer, long... shape) {
    Objects.requireNonNull(buffer, "buffer");
    if (buffer.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("wrap needs a native-order FloatBuffer, got " + buffer.order());
    }
    long count = elementCount(shape);
    if (buffer.remaining() != count) {
      throw new IllegalArgumentException(
          "buffer has " + buffer.remaining() + " floats remaining but shape " + Arrays.toString(shape)
              + " needs " + count);
    }
    return wrapDirect(buffer.slice(), ElementType.FLOAT, shape, count * Float.BYTES);
  }

  /**
   * Wraps the remaining bytes of a direct ByteBuffer as a tensor of {@code type} without copying. Multi-byte
   * elements must be stored in native byte order. The tensor keeps the buffer reachable until closed.
   */
  public static OrtTensor wrap(ByteBuffer buffer, ElementType type, long... shape) {
    Objects.requireNonNull(buffer, "buffer");
    Objects.requireNonNull(type, "type");
    if (type == ElementType.STRING) {
      throw new IllegalArgumentException("STRING tensors cannot wrap a buffer");
    }
    long bytes = Math.multiplyExact(elementCount(shape), type.byteSize());
    if (buffer.remaining() != bytes) {
      throw new IllegalArgumentException(
          "buffer has " + buffer.remaining() + " bytes remaining but " + type + " shape "
              + Arrays.toString(shape) + " needs " + bytes);
    }
    return wrapDirect(buffer.slice(), type, shape, bytes);
  }

  private static OrtTensor wrapDirect(Buffer slice, ElementType type, long[] shape, long bytes) {
    if (!slice.isDirect()) {
      throw new IllegalArgumentException("wrap needs a direct buffer (ByteBuffer.allocateDirect)");
    }
    Native lib = Native.get();
    Pointer address = new Pointer(slice); // no copy, no ownership: points at the slice's first element
    OrtValue value = new OrtValue();
    long[] dims = shape.clone();
    Native.check(
        lib.api,
        lib.api.CreateTensorWithDataAsOrtValue(
            lib.cpuMemoryInfo, address, bytes, dims, dims.length, type.code(), value),
        "CreateTensorWithDataAsOrtValue");
    return own(lib.api, value, type, dims, new Object[] {slice, address});
  }

  private static OrtTensor allocate(ElementType type, long[] shape, int dataLength) {
    long count = elementCount(shape);
    if (count != dataLength) {
      throw new IllegalArgumentException(
          "data has " + dataLength + " elements but shape " + Arrays.toString(shape) + " needs " + count);
    }
    Native lib = Native.get();
    OrtValue value = new OrtValue();
    long[] dims = shape.clone();
    Native.check(
        lib.api,
        lib.api.CreateTensorAsOrtValue(lib.allocator, dims, dims.length, type.code(), value),
        "CreateTensorAsOrtValue");
    return own(lib.api, value, type, dims, null);
  }

  /** Takes ownership of an ORT-allocated tensor value (a run output); releases it if that fails. */
  static OrtTensor adopt(OrtApi api, OrtValue value, String context) {
    try {
      TensorInfo info = Native.describeValue(api, value, context);
      return new OrtTensor(api, value, info.type(), info.shape(), null);
    } catch (RuntimeException e) {
      api.ReleaseValue(value);
      throw e;
    }
  }

  private static OrtTensor own(OrtApi api, OrtValue value, ElementType type, long[] shape, Object keep) {
    try {
      return new OrtTensor(api, value, type, shape, keep);
    } catch (RuntimeException e) {
      api.ReleaseValue(value);
      throw e;
    }
  }

  private static ByteBuffer view(OrtApi api, OrtValue value, ElementType type, long count) {
    if (type == ElementType.STRING) {
      return null;
    }
    long bytes = count * type.byteSize();
    if (bytes == 0) {
      return ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
    }
    if (bytes > Integer.MAX_VALUE) {
      return null;
    }
    Pointer address = new Pointer();
    Native.check(api, api.GetTensorMutableData(value, address), "GetTensorMutableData");
    return new BytePointer(address).position(0).capacity(bytes).limit(bytes).asByteBuffer()
        .order(ByteOrder.nativeOrder());
  }

  static long elementCount(long[] shape) {
    Objects.requireNonNull(shape, "shape");
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
      }
      try {
        count = Math.multiplyExact(count, d);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements", e);
      }
    }
    return count;
  }

  // ---- accessors ----------------------------------------------------------------------------------

  /** Returns the element type. */
  public ElementType elementType() {
    checkOpen();
    return type;
  }

  /** Returns a copy of the shape. */
  public long[] shape() {
    checkOpen();
    return shape.clone();
  }

  /** Returns the number of elements (the product of the shape; 1 for a scalar). */
  public long elementCount() {
    checkOpen();
    return elementCount;
  }

  /** Copies a FLOAT tensor into a new array. */
  public float[] toFloatArray() {
    ByteBuffer b = readable(ElementType.FLOAT, "toFloatArray()");
    float[] out = new float[(int) elementCount];
    b.asFloatBuffer().get(out);
    return out;
  }

  /** Copies a DOUBLE tensor into a new array. */
  public double[] toDoubleArray() {
    ByteBuffer b = readable(ElementType.DOUBLE, "toDoubleArray()");
    double[] out = new double[(int) elementCount];
    b.asDoubleBuffer().get(out);
    return out;
  }

  /** Copies an INT64 tensor into a new array. */
  public long[] toLongArray() {
    ByteBuffer b = readable(ElementType.INT64, "toLongArray()");
    long[] out = new long[(int) elementCount];
    b.asLongBuffer().get(out);
    return out;
  }

  /** Copies an INT32 tensor into a new array. */
  public int[] toIntArray() {
    ByteBuffer b = readable(ElementType.INT32, "toIntArray()");
    int[] out = new int[(int) elementCount];
    b.asIntBuffer().get(out);
    return out;
  }

  /** Copies a BOOL tensor into a new array (any non-zero byte is true). */
  public boolean[] toBooleanArray() {
    ByteBuffer b = readable(ElementType.BOOL, "toBooleanArray()");
    boolean[] out = new boolean[(int) elementCount];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i) != 0;
    }
    return out;
  }

  /** Copies a UINT8 or INT8 tensor into a new array. */
  public byte[] toByteArray() {
    checkOpen();
    if (type != ElementType.UINT8 && type != ElementType.INT8) {
      throw new IllegalStateException("toByteArray() needs a UINT8 or INT8 tensor, this one is " + this);
    }
    ByteBuffer b = readable(type, "toByteArray()");
    byte[] out = new byte[(int) elementCount];
    b.get(0, out);
    return out;
  }

  /**
   * Returns a read-only view of a FLOAT tensor's memory. Valid only while this tensor is open: reading it
   * after {@link #close()} reads freed memory.
   */
  public FloatBuffer floatBuffer() {
    return readable(ElementType.FLOAT, "floatBuffer()").asFloatBuffer().asReadOnlyBuffer();
  }

  /**
   * Returns a read-only, native-order view of the raw bytes of any non-STRING tensor (e.g. FLOAT16).
   * Valid only while this tensor is open.
   */
  public ByteBuffer byteBuffer() {
    return readable(type, "byteBuffer()").asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  private ByteBuffer readable(ElementType wanted, String method) {
    checkOpen();
    if (type != wanted) {
      throw new IllegalStateException(method + " needs a " + wanted + " tensor, this one is " + this);
    }
    if (data == null) {
      throw new IllegalStateException(
          method + " cannot read " + this + (type == ElementType.STRING
              ? ": STRING tensors are not supported"
              : ": larger than 2 GiB"));
    }
    return data;
  }

  /** The owned handle, for passing to ORT; throws if closed. */
  OrtValue handle() {
    checkOpen();
    return value;
  }

  /** Returns whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("OrtTensor is closed");
    }
  }

  /** Releases the OrtValue (and then lets go of any wrapped buffer). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    data = null;
    api.ReleaseValue(value);
    value = null;
    keepAlive = null;
  }

  /** Returns e.g. {@code "FLOAT[2, 3]"}. */
  @Override
  public String toString() {
    return type + Arrays.toString(shape);
  }
}
