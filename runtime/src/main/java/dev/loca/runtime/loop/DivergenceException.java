package dev.loca.runtime.loop;

import java.util.Locale;

/** The loss became NaN or infinite; the run must stop without overwriting the last good checkpoint. */
public final class DivergenceException extends RuntimeException {
  private final long step;

  public DivergenceException(long step, double loss) {
    super(String.format(Locale.ROOT,
        "loss is %s at step %d; stopping; the last good checkpoint is kept", loss, step));
    this.step = step;
  }

  /** The step whose loss was not finite. */
  public long step() {
    return step;
  }
}
