package dev.loca.runtime.loop;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A checkpoint could not be written or listed; the message is one line naming the step and folder. */
public final class CheckpointException extends UncheckedIOException {
  public CheckpointException(String message, IOException cause) {
    super(message, cause);
  }
}
