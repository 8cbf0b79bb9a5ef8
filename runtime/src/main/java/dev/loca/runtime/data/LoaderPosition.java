package dev.loca.runtime.data;

import com.google.common.base.Preconditions;

/**
 * Where a {@link Loader} stands: the epoch and the index within it of the next batch it will deliver. Save it
 * with a checkpoint and open a loader at it to get the same following batches.
 *
 * @param epoch epoch number, from 0
 * @param batch batch index within the epoch, from 0
 */
public record LoaderPosition(int epoch, int batch) {
  public static final LoaderPosition START = new LoaderPosition(0, 0);

  public LoaderPosition {
    Preconditions.checkArgument(epoch >= 0 && batch >= 0, "loader position must be non-negative, got epoch %s batch %s",
        epoch, batch);
  }

  /** The position after this one, for epochs of {@code batchesPerEpoch} batches. */
  public LoaderPosition next(int batchesPerEpoch) {
    return batch + 1 < batchesPerEpoch ? new LoaderPosition(epoch, batch + 1) : new LoaderPosition(epoch + 1, 0);
  }

  @Override
  public String toString() {
    return "epoch " + epoch + " batch " + batch;
  }
}
