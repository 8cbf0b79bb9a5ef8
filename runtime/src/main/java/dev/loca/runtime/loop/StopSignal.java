package dev.loca.runtime.loop;

/**
 * Asks a training loop to end after its current step with a checkpoint: from another thread (Ctrl-C), or at a
 * given step (tests of interrupted runs).
 */
public final class StopSignal {
  private volatile boolean requested;
  private volatile long after = Long.MAX_VALUE;

  /** Ends the loop after the step it is running. */
  public void request() {
    requested = true;
  }

  /** Ends the loop once {@code step} steps are done. */
  public void stopAfter(long step) {
    after = step;
  }

  /** Whether the loop, with {@code stepsDone} steps done, must save and stop now. */
  public boolean stopsAt(long stepsDone) {
    if (stepsDone >= after) {
      requested = true;
    }
    return requested;
  }
}
