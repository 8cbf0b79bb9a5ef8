package dev.loca.runtime.ort;

/** Mirror of ONNX Runtime's C enum {@code OrtErrorCode}, plus {@link #JAVA} for checks done in Java. */
public enum OrtErrorCode {
  OK(0),
  FAIL(1),
  INVALID_ARGUMENT(2),
  NO_SUCHFILE(3),
  NO_MODEL(4),
  ENGINE_ERROR(5),
  RUNTIME_EXCEPTION(6),
  INVALID_PROTOBUF(7),
  MODEL_LOADED(8),
  NOT_IMPLEMENTED(9),
  INVALID_GRAPH(10),
  EP_FAIL(11),
  MODEL_LOAD_CANCELED(12),
  MODEL_REQUIRES_COMPILATION(13),
  NOT_FOUND(14),
  /** The failure was detected by this package before (or instead of) calling ONNX Runtime. */
  JAVA(-1);

  private final int code;

  OrtErrorCode(int code) {
    this.code = code;
  }

  /** Returns the numeric value of the C enum constant (-1 for {@link #JAVA}). */
  public int code() {
    return code;
  }

  /** Returns the constant for a C {@code OrtErrorCode} value; unknown values map to {@link #FAIL}. */
  public static OrtErrorCode fromCode(int code) {
    for (OrtErrorCode c : values()) {
      if (c.code == code && c != JAVA) {
        return c;
      }
    }
    return FAIL;
  }
}
