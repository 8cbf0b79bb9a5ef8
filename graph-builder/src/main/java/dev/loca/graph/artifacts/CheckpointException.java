package dev.loca.graph.artifacts;

/** A checkpoint that cannot be written or read; the message names the file and what was expected. */
public final class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
