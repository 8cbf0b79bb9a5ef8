package dev.loca.runtime.ort;

import java.util.Objects;

/**
 * The project's one exception for ONNX Runtime failures: a failing ORT call (non-null {@code OrtStatus}) or a
 * check done in Java on ORT's behalf (missing model file, unusable execution provider).
 *
 * <p>{@link #getMessage()} is one line naming the call and the model where known, followed by ORT's own
 * message and code, e.g. {@code "CreateSession(/m/x.onnx): Protobuf parsing failed. [INVALID_PROTOBUF]"}.
 */
public final class OrtFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final OrtErrorCode code;
  private final String ortMessage;
  private final String context;

  /**
   * Creates a failure.
   *
   * @param code ORT's error code, or {@link OrtErrorCode#JAVA} for a Java-side check
   * @param ortMessage ORT's message (or the Java-side message)
   * @param context which call on which model failed; may be empty
   */
  public OrtFailure(OrtErrorCode code, String ortMessage, String context) {
    super(format(code, ortMessage, context));
    this.code = Objects.requireNonNull(code, "code");
    this.ortMessage = Objects.requireNonNull(ortMessage, "ortMessage");
    this.context = Objects.requireNonNull(context, "context");
  }

  /** Creates a failure detected in Java, whose message is {@code message} exactly. */
  static OrtFailure java(String message) {
    return new OrtFailure(OrtErrorCode.JAVA, message, "");
  }

  private static String format(OrtErrorCode code, String message, String context) {
    String head = context == null || context.isEmpty() ? "" : context + ": ";
    String tail = code == OrtErrorCode.JAVA ? "" : " [" + code + "]";
    return head + message + tail;
  }

  /** Returns ORT's error code, or {@link OrtErrorCode#JAVA} for failures detected in Java. */
  public OrtErrorCode code() {
    return code;
  }

  /** Returns ORT's own message (or the Java-side message), without the context. */
  public String ortMessage() {
    return ortMessage;
  }

  /** Returns which call (and which model) failed, e.g. {@code "Run(add.onnx)"}; may be empty. */
  public String context() {
    return context;
  }
}
