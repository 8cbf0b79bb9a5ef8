package dev.loca.runtime.ort;

/** Tensor element types, with their ONNX {@code TensorProto.DataType} codes and sizes in bytes. */
public enum ElementType {
  FLOAT(1, 4),
  UINT8(2, 1),
  INT8(3, 1),
  UINT16(4, 2),
  INT16(5, 2),
  INT32(6, 4),
  INT64(7, 8),
  /** Variable-length strings; {@link #byteSize()} is -1 and this package cannot create or read them. */
  STRING(8, -1),
  BOOL(9, 1),
  FLOAT16(10, 2),
  DOUBLE(11, 8),
  UINT32(12, 4),
  UINT64(13, 8),
  BFLOAT16(16, 2);

  private final int code;
  private final int byteSize;

  ElementType(int code, int byteSize) {
    this.code = code;
    this.byteSize = byteSize;
  }

  /** Returns the ONNX data-type code (e.g. 1 for FLOAT). */
  public int code() {
    return code;
  }

  /** Returns the size of one element in bytes, or -1 for {@link #STRING}. */
  public int byteSize() {
    return byteSize;
  }

  /**
   * Returns the element type with the given ONNX data-type code.
   *
   * @throws IllegalArgumentException if the code is not one of the supported types (complex and float8
   *     types are not supported)
   */
  public static ElementType fromCode(int code) {
    for (ElementType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unsupported ONNX element type code " + code);
  }
}
