package dev.loca.graph.serde;

/** A model that cannot be written or read; the message names the file or value and the problem. */
public final class SerdeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SerdeException(String message) {
    super(message);
  }

  public SerdeException(String message, Throwable cause) {
    super(message, cause);
  }
}
