package dev.loca.graph.ir;

/** Element types of ONNX tensors, with their ONNX {@code TensorProto.DataType} codes and byte sizes. */
public enum DataType {
  FLOAT(1, 4, "float32"),
  UINT8(2, 1, "uint8"),
  INT8(3, 1, "int8"),
  UINT16(4, 2, "uint16"),
  INT16(5, 2, "int16"),
  INT32(6, 4, "int32"),
  INT64(7, 8, "int64"),
  STRING(8, -1, "string"),
  BOOL(9, 1, "bool"),
  FLOAT16(10, 2, "float16"),
  DOUBLE(11, 8, "float64"),
  UINT32(12, 4, "uint32"),
  UINT64(13, 8, "uint64"),
  BFLOAT16(16, 2, "bfloat16");

  private final int onnxCode;
  private final int byteSize;
  private final String shortName;

  DataType(int onnxCode, int byteSize, String shortName) {
    this.onnxCode = onnxCode;
    this.byteSize = byteSize;
    this.shortName = shortName;
  }

  /** The ONNX {@code TensorProto.DataType} code. */
  public int onnxCode() {
    return onnxCode;
  }

  /** Bytes per element; -1 for strings. */
  public int byteSize() {
    return byteSize;
  }

  /** Short name as used in messages, e.g. {@code float32}. */
  public String shortName() {
    return shortName;
  }

  public boolean isFloatingPoint() {
    return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
  }

  public boolean isInteger() {
    return switch (this) {
      case UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64 -> true;
      default -> false;
    };
  }

  public boolean isNumeric() {
    return isFloatingPoint() || isInteger();
  }

  /** The type with the given ONNX code. */
  public static DataType fromOnnxCode(int code) {
    for (DataType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown ONNX data type code " + code);
  }

  @Override
  public String toString() {
    return shortName;
  }
}
