package dev.loca.train.views;

import dev.loca.runtime.data.ops.ColorOps;
import dev.loca.runtime.data.ops.GaussianBlur;
import java.util.SplittableRandom;

/**
 * The photometric part of a view's recipe, applied in the order of the released pipeline to a CHW view with
 * values in [0, 1]: colour jitter (its four ops in random order, each followed by clipping to [0, 1]),
 * grayscale, blur, solarize (large query only), then ImageNet normalisation.
 */
final class Photometric {
  private static final int BRIGHTNESS = 0;
  private static final int CONTRAST = 1;
  private static final int SATURATION = 2;
  private static final int HUE = 3;

  private final ViewsConfig config;

  Photometric(ViewsConfig config) {
    this.config = config;
  }

  /** Augments and normalises the {@code size x size} view in {@code chw}; draws only from {@code rng}. */
  void apply(float[] chw, int size, ViewKind kind, SplittableRandom rng) {
    int pixels = size * size;
    ColorJitter jitter = config.colorJitter();
    if (rng.nextDouble() < jitter.probability()) {
      for (int op : randomOrder(rng)) {
        switch (op) {
          case BRIGHTNESS -> ColorOps.brightness(chw, 0, pixels, uniform(rng, -jitter.brightness(),
              jitter.brightness()));
          case CONTRAST -> ColorOps.contrast(chw, 0, pixels, uniform(rng, 1 - jitter.contrast(),
              1 + jitter.contrast()));
          case SATURATION -> ColorOps.saturation(chw, 0, pixels, uniform(rng, 1 - jitter.saturation(),
              1 + jitter.saturation()));
          default -> ColorOps.hue(chw, 0, pixels, uniform(rng, -jitter.hue(), jitter.hue()));
        }
        ColorOps.clip(chw, 0, pixels, 0f, 1f);
      }
    }
    if (rng.nextDouble() < config.grayscaleProbability()) {
      ColorOps.grayscale(chw, 0, pixels);
    }
    double blur = config.blurMode().probability(kind);
    if (blur > 0 && rng.nextDouble() < blur) {
      GaussianBlur.apply(chw, 0, size, size, size / 10, uniform(rng, BlurMode.MIN_SIGMA, BlurMode.MAX_SIGMA));
    }
    if (kind == ViewKind.QUERY0 && rng.nextDouble() < config.solarizeProbability()) {
      ColorOps.solarize(chw, 0, pixels, 0.5f);
    }
    ColorOps.normalize(chw, 0, pixels, ViewsConfig.MEAN_RGB, ViewsConfig.STDDEV_RGB);
  }

  private static int[] randomOrder(SplittableRandom rng) {
    int[] order = {BRIGHTNESS, CONTRAST, SATURATION, HUE};
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static float uniform(SplittableRandom rng, float lo, float hi) {
    return lo + (hi - lo) * (float) rng.nextDouble();
  }
}
