package dev.loca.train.cli;

import dev.loca.runtime.data.DatasetException;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.ImageDataset;

/** The one place where a {@code --data} argument becomes a dataset (see {@link Datasets#open(String)}). */
final class DataSources {
  /** The name of the embedded default dataset. */
  static final String SYNTHETIC = "synthetic";

  private DataSources() {}

  static ImageDataset open(String data) {
    try {
      return Datasets.open(data);
    } catch (DatasetException e) {
      throw new UserError("--data " + data + ": " + e.getMessage(), e);
    }
  }
}
