package dev.loca.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoaderTest {
  /** What a test sample records: which item it came from and its first random draw. */
  record Item(int index, long draw) {}

  /** A batch: its position and items. */
  record Batch(LoaderPosition position, List<Item> items) {}

  private static final SampleFunction<Item> ITEM = (sample, rng) -> new Item(
      Integer.parseInt(sample.id().substring(5)), rng.nextLong());
  private static final BatchAssembler<Item, Batch> BATCH = (samples, position) -> new Batch(position,
      List.copyOf(samples));

  private static List<Batch> take(ImageDataset data, LoaderSettings settings, int count) {
    try (Loader<Item, Batch> loader = Loader.open(data, ITEM, BATCH, settings)) {
      List<Batch> out = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        LoaderPosition before = loader.position();
        Batch b = loader.next();
        assertEquals(before, b.position());
        out.add(b);
      }
      return out;
    }
  }

  @Test
  void sameBatchesWhateverTheNumberOfWorkers() {
    LoaderSettings settings = LoaderSettings.of(4, 42);
    List<Batch> one = take(new GradientDataset(13), settings, 9);
    List<Batch> three = take(new GradientDataset(13), settings.withWorkers(3).withPrefetch(3), 9);
    assertEquals(one, three);
  }

  @Test
  void eachEpochVisitsDistinctItemsInItsOwnOrderAndDropsTheRemainder() {
    List<Batch> batches = take(new GradientDataset(10), LoaderSettings.of(3, 1), 9); // 3 batches per epoch
    List<List<Integer>> epochs = new ArrayList<>();
    for (int e = 0; e < 3; e++) {
      List<Integer> seen = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        Batch b = batches.get(3 * e + k);
        assertEquals(new LoaderPosition(e, k), b.position());
        b.items().forEach(i -> seen.add(i.index()));
      }
      assertEquals(9, new HashSet<>(seen).size(), "distinct items in epoch " + e + ": " + seen);
      epochs.add(seen);
    }
    assertNotEquals(epochs.get(0), epochs.get(1));
    List<Batch> plain = take(new GradientDataset(10), LoaderSettings.of(3, 1).withShuffle(false), 4);
    assertEquals(List.of(0, 1, 2), plain.get(0).items().stream().map(Item::index).toList());
    assertEquals(List.of(0, 1, 2), plain.get(3).items().stream().map(Item::index).toList());
  }

  @Test
  void aSeedChangesOrderAndDraws() {
    assertNotEquals(take(new GradientDataset(10), LoaderSettings.of(5, 1), 2),
        take(new GradientDataset(10), LoaderSettings.of(5, 2), 2));
  }

  @Test
  void resumingAtASavedPositionGivesTheSameFollowingBatches() {
    LoaderSettings settings = LoaderSettings.of(3, 9).withWorkers(2);
    List<Batch> straight = take(new GradientDataset(11), settings, 8); // 3 per epoch: crosses two epochs
    LoaderPosition saved;
    try (Loader<Item, Batch> loader = Loader.open(new GradientDataset(11), ITEM, BATCH, settings)) {
      for (int i = 0; i < 5; i++) {
        loader.next();
      }
      saved = loader.position();
    }
    assertEquals(new LoaderPosition(1, 2), saved);
    List<Batch> resumed = take(new GradientDataset(11), settings.withStart(saved), 3);
    assertEquals(straight.subList(5, 8), resumed);
  }

  @Test
  void badItemsAreReplacedByTheNextItemWarnedOnceAndCounted() {
    List<String> warnings = new CopyOnWriteArrayList<>();
    GradientDataset data = new GradientDataset(8, 4, 4, Set.of(2, 3, 6));
    LoaderSettings settings = LoaderSettings.of(4, 0).withShuffle(false).withWarnings(warnings::add)
        .withWorkers(2);
    try (Loader<Item, Batch> loader = Loader.open(data, ITEM, BATCH, settings)) {
      for (int epoch = 0; epoch < 3; epoch++) {
        assertEquals(List.of(0, 1, 4, 4), loader.next().items().stream().map(Item::index).toList());
        assertEquals(List.of(4, 5, 7, 7), loader.next().items().stream().map(Item::index).toList());
      }
      assertEquals(3, loader.skippedItems());
    }
    assertEquals(3, warnings.size(), warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.contains("item-6.jpg: truncated JPEG")), warnings.toString());
    // a replacement keeps the slot's own random stream: the two copies of item 4 differ
    List<Batch> batches = take(data, settings, 1);
    assertNotEquals(batches.get(0).items().get(2), batches.get(0).items().get(3));
  }

  @Test
  void aDatasetOfOnlyBadItemsFailsClearly() {
    GradientDataset data = new GradientDataset(3, 4, 4, Set.of(0, 1, 2));
    try (Loader<Item, Batch> loader = Loader.open(data, ITEM, BATCH, LoaderSettings.of(2, 0).withWarnings(w -> {}))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
      assertTrue(e.getMessage().contains("every item of gradient dataset (3 images) is unreadable"), e.getMessage());
    }
  }

  @Test
  void tooFewItemsForABatchIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Loader.open(new GradientDataset(0), ITEM, BATCH, LoaderSettings.of(2, 0)));
    assertEquals("gradient dataset (0 images) has 0 items, fewer than one batch of 2", e.getMessage());
  }

  @Test
  void failuresOfTheSampleFunctionReachTheConsumer() {
    SampleFunction<Item> broken = (s, rng) -> {
      throw new ArithmeticException("boom");
    };
    try (Loader<Item, Batch> loader = Loader.open(new GradientDataset(4), broken, BATCH, LoaderSettings.of(2, 0))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
      assertEquals("data loading failed at epoch 0 batch 0: boom", e.getMessage());
      assertTrue(e.getCause() instanceof ArithmeticException);
    }
  }

  @Test
  void prefetchIsBounded() throws InterruptedException {
    AtomicInteger made = new AtomicInteger();
    SampleFunction<Item> counting = (s, rng) -> {
      made.incrementAndGet();
      return ITEM.apply(s, rng);
    };
    try (Loader<Item, Batch> loader = Loader.open(new GradientDataset(100), counting, BATCH,
        LoaderSettings.of(5, 0).withWorkers(2).withPrefetch(2))) {
      Thread.sleep(200);
      assertEquals(10, made.get());
      loader.next();
      Thread.sleep(200);
      assertEquals(15, made.get());
    }
  }

  @Test
  void closeStopsEveryWorkerThread() throws InterruptedException {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Loader<Item, Batch> loader = Loader.open(new GradientDataset(50), ITEM, BATCH,
        LoaderSettings.of(5, 0).withWorkers(3).withPrefetch(4));
    loader.next();
    loader.close();
    loader.close(); // twice is fine
    List<Thread> workers = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
        .filter(t -> t.getName().startsWith("loca-data-")).toList();
    for (Thread t : workers) {
      t.join(5_000); // the pool counts a worker as gone just before its thread returns from run()
    }
    assertEquals(List.of(), workers.stream().filter(Thread::isAlive).map(Thread::getName).toList());
    assertThrows(IllegalStateException.class, loader::next);
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void closeClosesBatchesThatWereReadyButNeverDelivered() throws Exception {
    List<AtomicBoolean> closed = new CopyOnWriteArrayList<>();
    BatchAssembler<Item, AutoCloseable> closing = (samples, position) -> {
      AtomicBoolean flag = new AtomicBoolean();
      closed.add(flag);
      return () -> flag.set(true);
    };
    Loader<Item, AutoCloseable> loader = Loader.open(new GradientDataset(20), ITEM, closing,
        LoaderSettings.of(2, 0).withPrefetch(3));
    loader.next();
    for (int i = 0; i < 500 && closed.size() < 4; i++) {
      Thread.sleep(10);
    }
    assertEquals(4, closed.size(), "the delivered batch and three prefetched ones");
    loader.close();
    assertFalse(closed.get(0).get(), "the delivered batch belongs to the caller");
    assertTrue(closed.get(1).get() && closed.get(2).get() && closed.get(3).get());
  }

  @Test
  void sampleSeedsDifferPerCoordinate() {
    Set<Long> seeds = new HashSet<>();
    for (int e = 0; e < 20; e++) {
      for (int p = 0; p < 200; p++) {
        seeds.add(SampleSeeds.mix(1, e, p));
      }
    }
    assertEquals(4000, seeds.size());
    assertNotEquals(SampleSeeds.mix(1, 0, 1), SampleSeeds.mix(1, 1, 0));
  }
}
