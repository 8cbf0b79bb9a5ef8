package dev.loca.runtime.data;

import java.util.SplittableRandom;

/**
 * Turns one dataset item into what a batch holds (e.g. augmented views). Called from several worker threads at
 * once: implementations must not share mutable state, and must draw all randomness from {@code rng}.
 *
 * @param <T> the per-sample result
 */
@FunctionalInterface
public interface SampleFunction<T> {
  /** The result for {@code sample}; throws {@link BadSampleException} to have the item skipped. */
  T apply(Sample sample, SplittableRandom rng) throws BadSampleException;
}
