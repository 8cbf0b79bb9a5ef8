package dev.loca.runtime.data;

/**
 * A dataset that cannot be opened at all: a missing path, an unknown layout, no images. The message is one
 * line naming the path and what was expected; command lines print it as it is.
 */
public final class DatasetException extends Exception {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }
}
