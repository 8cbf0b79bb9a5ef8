package dev.loca.runtime.data.ops;

import com.google.common.base.Preconditions;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Random crop boxes as TensorFlow's {@code sample_distorted_bounding_box} draws them (kernel
 * {@code GenerateRandomCrop}, with no object boxes and {@code min_object_covered = 0}): per attempt an aspect
 * ratio w/h uniform in [0.75, 1.33], then the <em>height</em> uniform between the heights that give the
 * smallest and the largest allowed area; after {@value #MAX_ATTEMPTS} failed attempts, the whole image.
 * Arithmetic is float32 and rounding is {@code lrintf} (to nearest, ties to even), as in the kernel.
 */
public final class CropSampler {
  public static final float MIN_ASPECT = 0.75f;
  public static final float MAX_ASPECT = 1.33f;
  public static final int MAX_ATTEMPTS = 100;

  private CropSampler() {}

  /**
   * A crop of an image of {@code height x width} pixels whose area is between {@code minArea} and
   * {@code maxArea} times the image's area.
   */
  public static CropBox sample(int height, int width, float minArea, float maxArea, SplittableRandom rng) {
    Preconditions.checkArgument(height > 0 && width > 0, "image size must be positive, got %sx%s", height, width);
    Preconditions.checkArgument(0 < minArea && minArea <= maxArea && maxArea <= 1,
        "area range must satisfy 0 < min <= max <= 1, got [%s, %s]", minArea, maxArea);
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      float aspect = uniformFloat(rng) * (MAX_ASPECT - MIN_ASPECT) + MIN_ASPECT;
      Optional<CropBox> box = attempt(height, width, minArea, maxArea, aspect, rng);
      if (box.isPresent()) {
        return box.get();
      }
    }
    return CropBox.whole(height, width);
  }

  /** One attempt of {@code GenerateRandomCrop} for a given aspect ratio; empty when it fails. */
  static Optional<CropBox> attempt(int height, int width, float minRelativeArea, float maxRelativeArea,
      float aspect, SplittableRandom rng) {
    float minArea = minRelativeArea * width * height;
    float maxArea = maxRelativeArea * width * height;
    int h = lrint((float) Math.sqrt(minArea / aspect));
    int maxH = lrint((float) Math.sqrt(maxArea / aspect));
    if (lrint(maxH * aspect) > width) {
      // the largest maxH with round(maxH * aspect) <= width
      maxH = (int) ((width + 0.5 - 0.0000001f) / aspect);
      if (lrint(maxH * aspect) > width) {
        maxH -= 1;
      }
    }
    maxH = Math.min(maxH, height);
    if (h >= maxH) {
      h = maxH;
    } else {
      h += rng.nextInt(maxH - h + 1);
    }
    int w = lrint(h * aspect);
    float area = (float) w * h;
    if (area < minArea) {
      h += 1;
      w = lrint(h * aspect);
      area = (float) w * h;
    }
    if (area > maxArea) {
      h -= 1;
      w = lrint(h * aspect);
      area = (float) w * h;
    }
    if (area < minArea || area > maxArea || w > width || h > height || w <= 0 || h <= 0) {
      return Optional.empty();
    }
    int y = h < height ? rng.nextInt(height - h) : 0;
    int x = w < width ? rng.nextInt(width - w) : 0;
    return Optional.of(new CropBox(y, x, h, w));
  }

  /** A float uniform in [0, 1) on a 2^-24 grid, like TensorFlow's {@code RandFloat}. */
  static float uniformFloat(SplittableRandom rng) {
    return rng.nextInt(1 << 24) * 0x1.0p-24f;
  }

  private static int lrint(float v) {
    return (int) Math.rint(v);
  }
}
