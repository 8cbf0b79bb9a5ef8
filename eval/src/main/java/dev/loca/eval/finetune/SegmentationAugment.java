package dev.loca.eval.finetune;

import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.Sample;
import dev.loca.runtime.data.SampleFunction;
import dev.loca.runtime.data.ops.ColorOps;
import dev.loca.runtime.data.ops.CropBox;
import dev.loca.runtime.data.ops.Resize;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Segmenter's (mmseg's) training augmentation for one image and its label map, in this order:
 *
 * <ol>
 *   <li>random resize: ratio r uniform in [minScale, maxScale]; the image is scaled by {@code r·S / min(H, W)}
 *       (mmseg's {@code img_scale = (4S, S)} with {@code keep_ratio}: the short side becomes r·S, the long side at
 *       most 4·r·S);
 *   <li>random crop of S×S from the resized image (the whole of a side shorter than S), taken as the matching box
 *       of the original and resized bilinearly (images) or by nearest neighbour (labels) straight to its size;
 *   <li>horizontal flip with probability 1/2;
 *   <li>photometric distortion, each part with probability 1/2 and clipped to [0, 1]: brightness ±32/255,
 *       contrast 0.5–1.5 (before or after the colour steps, at random), saturation 0.5–1.5, hue ±18°;
 *   <li>normalisation with the given mean and std, then padding to S×S at the bottom and right with 0 (image)
 *       and the ignore label (labels).
 * </ol>
 *
 * Draws only from the given generator, so the loader's seeding makes it reproducible.
 */
public final class SegmentationAugment implements SampleFunction<SegmentationAugment.Result> {
  static final float BRIGHTNESS = 32f / 255f;
  static final float CONTRAST = 0.5f;
  static final float SATURATION = 0.5f;
  static final float HUE = 18f / 360f;
  /** mmseg bounds the long side at 4× the short-side scale (2048 × 512). */
  static final double LONG_SIDE_FACTOR = 4;

  /** One augmented sample: CHW floats, normalised, and row-major labels (ignore where padded). */
  public record Result(float[] image, int[] labels) {}

  private final int size;
  private final double minScale;
  private final double maxScale;
  private final float[] mean;
  private final float[] std;
  private final int ignoreLabel;

  public SegmentationAugment(int size, double minScale, double maxScale, float[] mean, float[] std, int ignoreLabel) {
    this.size = size;
    this.minScale = minScale;
    this.maxScale = maxScale;
    this.mean = mean.clone();
    this.std = std.clone();
    this.ignoreLabel = ignoreLabel;
  }

  @Override
  public Result apply(Sample sample, SplittableRandom rng) throws BadSampleException {
    int[] labels = sample.labels().orElseThrow(() -> new BadSampleException(sample.id() + ": no label map"));
    RgbImage img = sample.image();
    double ratio = minScale + (maxScale - minScale) * rng.nextDouble();
    double scale = ratio * size / Math.min(img.width(), img.height());
    scale = Math.min(scale, LONG_SIDE_FACTOR * ratio * size / Math.max(img.width(), img.height()));
    int scaledH = Math.max(1, (int) Math.round(img.height() * scale));
    int scaledW = Math.max(1, (int) Math.round(img.width() * scale));
    int cropH = Math.min(size, scaledH);
    int cropW = Math.min(size, scaledW);
    int y0 = rng.nextInt(scaledH - cropH + 1);
    int x0 = rng.nextInt(scaledW - cropW + 1);
    CropBox box = sourceBox(y0, x0, cropH, cropW, scaledH, scaledW, img.height(), img.width());
    boolean flip = rng.nextBoolean();
    float[] crop = new float[3 * cropH * cropW];
    Resize.bilinearToChw(img, box, cropH, cropW, flip, crop, 0);
    int pixels = cropH * cropW;
    ColorOps.divide(crop, 0, pixels, 255f);
    photometric(crop, pixels, rng);
    ColorOps.normalize(crop, 0, pixels, mean, std);
    return new Result(pad(crop, cropH, cropW), cropLabels(labels, img.width(), box, cropH, cropW, flip));
  }

  /** The box of the original image that covers the crop [y0, y0+h) × [x0, x0+w) of the resized image. */
  private static CropBox sourceBox(int y0, int x0, int h, int w, int scaledH, int scaledW, int height, int width) {
    int top = Math.min(height - 1, (int) Math.floor((double) y0 * height / scaledH));
    int left = Math.min(width - 1, (int) Math.floor((double) x0 * width / scaledW));
    int bottom = Math.max(top + 1, Math.min(height, (int) Math.round((double) (y0 + h) * height / scaledH)));
    int right = Math.max(left + 1, Math.min(width, (int) Math.round((double) (x0 + w) * width / scaledW)));
    return new CropBox(top, left, bottom - top, right - left);
  }

  private void photometric(float[] chw, int pixels, SplittableRandom rng) {
    if (rng.nextBoolean()) {
      clipped(chw, pixels, () -> ColorOps.brightness(chw, 0, pixels, uniform(rng, -BRIGHTNESS, BRIGHTNESS)));
    }
    boolean contrastFirst = rng.nextBoolean();
    if (contrastFirst) {
      contrast(chw, pixels, rng);
    }
    if (rng.nextBoolean()) {
      clipped(chw, pixels, () -> ColorOps.saturation(chw, 0, pixels, uniform(rng, 1 - SATURATION, 1 + SATURATION)));
    }
    if (rng.nextBoolean()) {
      clipped(chw, pixels, () -> ColorOps.hue(chw, 0, pixels, uniform(rng, -HUE, HUE)));
    }
    if (!contrastFirst) {
      contrast(chw, pixels, rng);
    }
  }

  private static void contrast(float[] chw, int pixels, SplittableRandom rng) {
    if (rng.nextBoolean()) {
      clipped(chw, pixels, () -> ColorOps.contrast(chw, 0, pixels, uniform(rng, 1 - CONTRAST, 1 + CONTRAST)));
    }
  }

  private static void clipped(float[] chw, int pixels, Runnable op) {
    op.run();
    ColorOps.clip(chw, 0, pixels, 0f, 1f);
  }

  private float[] pad(float[] crop, int h, int w) {
    if (h == size && w == size) {
      return crop;
    }
    float[] out = new float[3 * size * size];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(crop, (c * h + y) * w, out, (c * size + y) * size, w);
      }
    }
    return out;
  }

  /** Nearest-neighbour labels of {@code box} at h × w (mirrored with the image), padded with the ignore label. */
  private int[] cropLabels(int[] labels, int width, CropBox box, int h, int w, boolean flip) {
    int[] out = new int[size * size];
    Arrays.fill(out, ignoreLabel);
    for (int oy = 0; oy < h; oy++) {
      int row = (box.y() + Resize.nearestSource(oy, box.height(), h)) * width + box.x();
      for (int ox = 0; ox < w; ox++) {
        int value = labels[row + Resize.nearestSource(ox, box.width(), w)];
        out[oy * size + (flip ? w - 1 - ox : ox)] = value;
      }
    }
    return out;
  }

  private static float uniform(SplittableRandom rng, float lo, float hi) {
    return lo + (hi - lo) * (float) rng.nextDouble();
  }
}
