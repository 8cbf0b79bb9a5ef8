package dev.loca.runtime.loop;

/** Stops a run whose loss is no longer a finite number. */
public final class DivergenceGuard {
  /** @throws DivergenceException when {@code loss} is NaN or ±infinity */
  public void check(long step, double loss) {
    if (!Double.isFinite(loss)) {
      throw new DivergenceException(step, loss);
    }
  }
}
