package dev.loca.eval.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How an image of any size is fed to a segmenter whose input is S×S. Either way the model's logits are laid on
 * a <em>canvas</em>, averaged where windows overlap, resized bilinearly (half-pixel centres) to the image's own
 * size, and the class of each pixel is the arg-max there (the lowest class index on ties).
 *
 * <ul>
 *   <li>{@link #WHOLE}: the image is resized to S×S (aspect ratio not kept); the canvas is that one window.
 *   <li>{@link #SLIDE} (the default, Segmenter's and mmsegmentation's protocol for ADE20K): the image is
 *       resized so that its short side is S (the long side rounded to the nearest pixel); S×S windows are
 *       taken along the long side every {@link #stride} pixels ({@code ceil(2S/3)}, a third of overlap, as
 *       mmsegmentation's 512/341), the last window flush with the end.
 * </ul>
 */
public enum InferenceMode {
  WHOLE,
  SLIDE;

  /** The default mode. */
  public static final InferenceMode DEFAULT = SLIDE;

  /** The stride of sliding windows of side {@code size}: {@code ceil(2 * size / 3)}. */
  public static int stride(int size) {
    return (2 * size + 2) / 3;
  }

  /** The mode named {@code name} (any case); a one-line {@link EvaluationException} otherwise. */
  public static InferenceMode parse(String name) {
    for (InferenceMode m : values()) {
      if (m.name().equalsIgnoreCase(name.strip())) {
        return m;
      }
    }
    throw new EvaluationException("unknown inference mode '" + name + "' (expected whole or slide)");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The canvas (width, height) that an image of {@code width}×{@code height} is resized to for input S. */
  public int[] canvas(int width, int height, int size) {
    if (this == WHOLE) {
      return new int[] {size, size};
    }
    if (width <= height) {
      return new int[] {size, Math.max(size, (int) Math.round((double) height * size / width))};
    }
    return new int[] {Math.max(size, (int) Math.round((double) width * size / height)), size};
  }

  /** Top-left corners (x, y) of the S×S windows covering a canvas. */
  public List<int[]> windows(int canvasWidth, int canvasHeight, int size) {
    List<int[]> corners = new ArrayList<>();
    for (int y : starts(canvasHeight, size, stride(size))) {
      for (int x : starts(canvasWidth, size, stride(size))) {
        corners.add(new int[] {x, y});
      }
    }
    return corners;
  }

  /** Window starts along an axis of {@code length} ≥ {@code size}: every {@code stride}, the last at the end. */
  static int[] starts(int length, int size, int stride) {
    if (length < size) {
      throw new IllegalArgumentException("axis of " + length + " is shorter than the window " + size);
    }
    int n = (length - size + stride - 1) / stride + 1;
    int[] starts = new int[n];
    for (int i = 0; i < n; i++) {
      starts[i] = Math.min(i * stride, length - size);
    }
    return starts;
  }
}
