package dev.loca.runtime.data;

/** An item that cannot be read (corrupt, truncated, empty or not an image); the message names the file. */
public final class BadSampleException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadSampleException(String message) {
    super(message);
  }

  public BadSampleException(String message, Throwable cause) {
    super(message, cause);
  }
}
