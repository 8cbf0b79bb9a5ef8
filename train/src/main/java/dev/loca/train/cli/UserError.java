package dev.loca.train.cli;

/** A mistake in what the user gave (a flag, a file, a config); printed as one line without a trace. */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
