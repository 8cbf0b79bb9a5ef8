package dev.loca.train.cli;

import dev.loca.runtime.loop.DivergenceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a training loop so that Ctrl-C asks it to stop after the current step, waits for its checkpoint and exits
 * 0; the loop's bad-input, divergence and I/O failures become one-line {@link UserError}s.
 */
final class StopHook {
  /** The loop to run. */
  @FunctionalInterface
  interface Job<T> {
    T run() throws IOException;
  }

  private StopHook() {}

  static <T> T run(Runnable requestStop, Job<T> job) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      System.out.println();
      System.out.println("loca: stopping after the current step and saving a checkpoint...");
      requestStop.run();
      try {
        finished.await(10, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(0);
    }, "loca-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return job.run();
    } catch (IllegalArgumentException | DivergenceException | UncheckedIOException e) {
      throw new UserError(e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError("I/O error: " + e.getMessage(), e);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it halts the JVM once the checkpoint is written
      }
    }
  }
}
