package dev.loca.runtime.data;

import com.google.common.base.Preconditions;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link Loader} runs.
 *
 * @param batchSize samples per batch; an epoch has {@code size / batchSize} batches (the remainder is dropped)
 * @param workers worker threads
 * @param prefetchBatches batches prepared ahead of the consumer (the bound of the prefetch queue)
 * @param seed run seed: with the epoch and the position in the epoch it fixes every random draw
 * @param shuffle whether each epoch visits the items in a seeded random order (else in index order)
 * @param start the position of the first batch delivered
 * @param warnings where the one-line warnings about skipped items go
 */
public record LoaderSettings(int batchSize, int workers, int prefetchBatches, long seed, boolean shuffle,
    LoaderPosition start, Consumer<String> warnings) {
  public LoaderSettings {
    Preconditions.checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
    Preconditions.checkArgument(workers > 0, "worker threads must be positive, got %s", workers);
    Preconditions.checkArgument(prefetchBatches > 0, "prefetch depth must be positive, got %s", prefetchBatches);
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(warnings, "warnings");
  }

  /** Shuffled epochs from the start, one worker, two batches ahead, warnings to stderr. */
  public static LoaderSettings of(int batchSize, long seed) {
    return new LoaderSettings(batchSize, 1, 2, seed, true, LoaderPosition.START,
        line -> System.err.println("warning: " + line));
  }

  public LoaderSettings withWorkers(int n) {
    return new LoaderSettings(batchSize, n, prefetchBatches, seed, shuffle, start, warnings);
  }

  public LoaderSettings withPrefetch(int n) {
    return new LoaderSettings(batchSize, workers, n, seed, shuffle, start, warnings);
  }

  public LoaderSettings withShuffle(boolean on) {
    return new LoaderSettings(batchSize, workers, prefetchBatches, seed, on, start, warnings);
  }

  public LoaderSettings withStart(LoaderPosition position) {
    return new LoaderSettings(batchSize, workers, prefetchBatches, seed, shuffle, position, warnings);
  }

  public LoaderSettings withWarnings(Consumer<String> sink) {
    return new LoaderSettings(batchSize, workers, prefetchBatches, seed, shuffle, start, sink);
  }
}
