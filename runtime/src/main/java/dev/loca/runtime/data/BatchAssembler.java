package dev.loca.runtime.data;

import java.util.List;

/**
 * Packs the per-sample results of one batch, in order, into the batch type. Called from worker threads, one
 * batch at a time per call, possibly for several batches concurrently.
 *
 * @param <T> the per-sample result
 * @param <B> the batch
 */
@FunctionalInterface
public interface BatchAssembler<T, B> {
  B assemble(List<T> samples, LoaderPosition position);
}
