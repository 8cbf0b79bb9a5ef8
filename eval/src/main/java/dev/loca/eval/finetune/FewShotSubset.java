package dev.loca.eval.finetune;

import com.google.common.base.Preconditions;
import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Sample;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The few-shot protocol's training set: {@code shots} labelled images of a dataset chosen by a seeded shuffle
 * (the same images for the same seed, whatever else the run does), listed round-robin until there are at least
 * {@code minItems} items so that one batch can be formed from fewer images than its size.
 */
public final class FewShotSubset implements ImageDataset {
  private final ImageDataset base;
  private final int[] picked;
  private final int size;

  public FewShotSubset(ImageDataset base, int shots, long seed, int minItems) {
    Preconditions.checkArgument(shots > 0 && shots <= base.size(), "--shots %s: the dataset has %s images",
        shots, base.size());
    this.base = base;
    this.picked = pick(base.size(), shots, seed);
    this.size = Math.max(shots, minItems);
  }

  /** The first {@code k} of a seeded Fisher-Yates shuffle of 0..n−1, sorted. */
  static int[] pick(int n, int k, long seed) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] chosen = Arrays.copyOf(all, k);
    Arrays.sort(chosen);
    return chosen;
  }

  /** The dataset indices of the chosen images. */
  public int[] indices() {
    return picked.clone();
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Sample get(int index) throws BadSampleException {
    return base.get(picked[index % picked.length]);
  }

  @Override
  public List<String> classNames() {
    return base.classNames();
  }

  @Override
  public int ignoreLabel() {
    return base.ignoreLabel();
  }

  @Override
  public String describe() {
    return picked.length + "-shot subset of " + base.describe();
  }
}
