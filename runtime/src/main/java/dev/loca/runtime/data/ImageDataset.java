package dev.loca.runtime.data;

import java.util.List;

/**
 * A finite, indexable collection of images. Reading item {@code i} twice gives the same sample; items that
 * cannot be decoded are reported with {@link BadSampleException} so that loaders can skip and count them.
 */
public interface ImageDataset {
  /** Number of items. */
  int size();

  /** Item {@code index}, decoded. */
  Sample get(int index) throws BadSampleException;

  /** Class names of the label maps (index = class id); empty (the default) for unlabelled datasets. */
  default List<String> classNames() {
    return List.of();
  }

  /** The label value that means "not labelled", or -1 (the default) when labels use none. */
  default int ignoreLabel() {
    return -1;
  }

  /** One line saying what this is, e.g. {@code "image folder /data/x (1234 images)"}. */
  String describe();
}
