package dev.loca.train.views;

import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderSettings;

/** Loaders of LOCA batches: the generic loader with {@link ViewMaker} and {@link LocaBatchAssembler}. */
public final class LocaLoaders {
  private LocaLoaders() {}

  /** A loader of {@link LocaBatch}es of {@code dataset}; close each batch when done with it. */
  public static Loader<LocaSample, LocaBatch> open(ImageDataset dataset, ViewsConfig config,
      LoaderSettings settings) {
    return Loader.open(dataset, new ViewMaker(config), new LocaBatchAssembler(config), settings);
  }
}
