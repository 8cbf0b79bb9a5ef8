package dev.loca.runtime.data;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads dataset items for a loader, turning each {@link BadSampleException} into one warning in a
 * {@link SkipLog} and an empty result. An item found bad once is remembered and not decoded or counted again
 * (a later epoch skips it silently), so the log's count is the number of distinct bad items. Thread-safe.
 */
public final class SkippingReader {
  private final ImageDataset dataset;
  private final SkipLog log;
  private final Set<Integer> bad = ConcurrentHashMap.newKeySet();

  public SkippingReader(ImageDataset dataset, SkipLog log) {
    this.dataset = dataset;
    this.log = log;
  }

  /** Item {@code index}, or empty when it cannot be read. */
  public Optional<Sample> read(int index) {
    if (bad.contains(index)) {
      return Optional.empty();
    }
    try {
      return Optional.of(dataset.get(index));
    } catch (BadSampleException e) {
      if (bad.add(index)) {
        log.skip(e.getMessage());
      }
      return Optional.empty();
    }
  }

  /** Whether item {@code index} was found bad. */
  public boolean isKnownBad(int index) {
    return bad.contains(index);
  }

  public ImageDataset dataset() {
    return dataset;
  }

  public SkipLog log() {
    return log;
  }
}
