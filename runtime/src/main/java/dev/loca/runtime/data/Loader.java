package dev.loca.runtime.data;

import com.google.common.base.Preconditions;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers batches of per-sample results, in order, prepared ahead by worker threads.
 *
 * <p><b>Order and randomness.</b> Epoch {@code e} visits the items in a permutation seeded by (seed, e), or in
 * index order without shuffling; batch {@code k} holds the items at positions {@code k*B .. k*B+B-1} of it,
 * and an epoch has {@code size / B} batches (the remainder is dropped). The sample at position {@code p} draws
 * its random numbers from a generator seeded by (seed, e, p). Batches are therefore the same bytes whatever
 * the number of workers, and a loader opened at a saved {@link #position()} delivers the same following
 * batches.
 *
 * <p><b>Bad items.</b> An item whose read or sample function throws {@link BadSampleException} is replaced by
 * the next item of the epoch order (wrapping round), with the same generator seed; each bad item is warned
 * about once and counted in {@link #skippedItems()}. When every item is bad, {@link #next()} fails.
 *
 * <p><b>Threads.</b> The dataset's {@code get} and the sample function are called from several workers at
 * once and must be safe for that. {@link #next()} and {@link #close()} are for one consumer thread. Close stops
 * the workers and waits for them; batches not yet delivered are dropped (closed if they are
 * {@link AutoCloseable}).
 *
 * @param <T> per-sample result
 * @param <B> batch
 */
public final class Loader<T, B> implements AutoCloseable {
  private static final AtomicInteger LOADERS = new AtomicInteger();
  /** Distinguishes the shuffle stream of an epoch from the sample streams, whose positions are >= 0. */
  private static final long SHUFFLE_STREAM = -1;

  private final ImageDataset dataset;
  private final SampleFunction<T> sampleFunction;
  private final BatchAssembler<T, B> assembler;
  private final LoaderSettings settings;
  private final int batchesPerEpoch;
  private final ExecutorService workers;
  private final ArrayDeque<PendingBatch> pending = new ArrayDeque<>();
  private final Set<Integer> badItems = ConcurrentHashMap.newKeySet();
  private int permutationEpoch = -1;
  private int[] permutation;
  private LoaderPosition nextToDeliver;
  private LoaderPosition nextToSchedule;
  private volatile boolean closed;

  private Loader(ImageDataset dataset, SampleFunction<T> sampleFunction, BatchAssembler<T, B> assembler,
      LoaderSettings settings) {
    this.dataset = Objects.requireNonNull(dataset, "dataset");
    this.sampleFunction = Objects.requireNonNull(sampleFunction, "sampleFunction");
    this.assembler = Objects.requireNonNull(assembler, "assembler");
    this.settings = Objects.requireNonNull(settings, "settings");
    int size = dataset.size();
    if (size < settings.batchSize()) {
      throw new IllegalArgumentException(dataset.describe() + " has " + size + " items, fewer than one batch of "
          + settings.batchSize());
    }
    batchesPerEpoch = size / settings.batchSize();
    Preconditions.checkArgument(settings.start().batch() < batchesPerEpoch,
        "start %s is past the end of an epoch of %s batches", settings.start(), batchesPerEpoch);
    nextToDeliver = settings.start();
    nextToSchedule = settings.start();
    workers = Executors.newFixedThreadPool(settings.workers(), new ThreadFactoryBuilder()
        .setNameFormat("loca-data-" + LOADERS.incrementAndGet() + "-%d").setDaemon(true).build());
    for (int i = 0; i < settings.prefetchBatches(); i++) {
      schedule();
    }
  }

  /**
   * Opens a loader and starts preparing its first batches.
   *
   * @throws IllegalArgumentException if the dataset holds fewer items than one batch, or the start position is
   *     past the end of an epoch
   */
  public static <T, B> Loader<T, B> open(ImageDataset dataset, SampleFunction<T> sampleFunction,
      BatchAssembler<T, B> assembler, LoaderSettings settings) {
    return new Loader<>(dataset, sampleFunction, assembler, settings);
  }

  /** The next batch; blocks until it is ready. The caller owns it (see the batch type for what that means). */
  public B next() {
    Preconditions.checkState(!closed, "loader is closed");
    PendingBatch head = pending.poll();
    schedule();
    try {
      B batch = head.result.get();
      nextToDeliver = nextToDeliver.next(batchesPerEpoch);
      return batch;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + head.position, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("data loading failed at " + head.position + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /** The position of the batch that {@link #next()} delivers next: what a checkpoint saves. */
  public LoaderPosition position() {
    return nextToDeliver;
  }

  public int batchesPerEpoch() {
    return batchesPerEpoch;
  }

  /** How many distinct items were skipped as unreadable so far. */
  public int skippedItems() {
    return badItems.size();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    workers.shutdownNow();
    try {
      if (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("data loader workers did not stop within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (PendingBatch p : pending) {
      if (!p.result.cancel(false) && !p.result.isCompletedExceptionally()
          && p.result.join() instanceof AutoCloseable c) {
        closeQuietly(c); // finished but never delivered
      }
    }
    pending.clear();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already shutting down: nothing useful to do with it
    }
  }

  private void schedule() {
    PendingBatch batch = new PendingBatch(nextToSchedule, permutationOf(nextToSchedule.epoch()));
    nextToSchedule = nextToSchedule.next(batchesPerEpoch);
    pending.add(batch);
    for (int slot = 0; slot < settings.batchSize(); slot++) {
      int s = slot;
      workers.execute(() -> batch.fill(s));
    }
  }

  private int[] permutationOf(int epoch) {
    if (epoch != permutationEpoch) {
      int n = dataset.size();
      int[] order = new int[n];
      Arrays.setAll(order, i -> i);
      if (settings.shuffle()) {
        SplittableRandom rng = new SplittableRandom(SampleSeeds.mix(settings.seed(), epoch, SHUFFLE_STREAM));
        for (int i = n - 1; i > 0; i--) {
          int j = rng.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      }
      permutation = order;
      permutationEpoch = epoch;
    }
    return permutation;
  }

  /** The result for position {@code p} of an epoch: its item, or the first readable one after it. */
  private T sampleAt(int epoch, int[] order, long p) throws BadSampleException {
    long seed = SampleSeeds.mix(settings.seed(), epoch, p);
    int n = order.length;
    for (int attempt = 0; attempt < n; attempt++) {
      int index = order[(int) ((p + attempt) % n)];
      if (badItems.contains(index)) {
        continue;
      }
      try {
        return sampleFunction.apply(dataset.get(index), new SplittableRandom(seed));
      } catch (BadSampleException e) {
        if (closed) {
          throw new CancellationException("loader closed"); // an interrupted read says nothing about the item
        }
        if (badItems.add(index)) {
          settings.warnings().accept("skipping item " + index + " of " + dataset.describe() + ": " + e.getMessage());
        }
      }
    }
    throw new BadSampleException("every item of " + dataset.describe() + " is unreadable");
  }

  /** One batch being prepared: its slots are filled by workers, and the last one assembles it. */
  private final class PendingBatch {
    final LoaderPosition position;
    final int[] order;
    final Object[] items;
    final AtomicInteger remaining;
    final CompletableFuture<B> result = new CompletableFuture<>();

    PendingBatch(LoaderPosition position, int[] order) {
      this.position = position;
      this.order = order;
      this.items = new Object[settings.batchSize()];
      this.remaining = new AtomicInteger(items.length);
    }

    void fill(int slot) {
      if (closed || result.isDone()) {
        return;
      }
      try {
        long p = (long) position.batch() * settings.batchSize() + slot;
        items[slot] = sampleAt(position.epoch(), order, p);
        if (remaining.decrementAndGet() == 0) {
          @SuppressWarnings("unchecked")
          List<T> samples = (List<T>) Collections.unmodifiableList(Arrays.asList(items));
          result.complete(assembler.assemble(samples, position));
        }
      } catch (CancellationException e) {
        // closed meanwhile
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }
  }
}
