package dev.loca.runtime.data.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Colour ops on a 2x2 image against values worked out by hand. */
class ColorOpsTest {
  private static final float TOL = 1e-6f;

  /** Pixels (0.2, 0.4, 0.6), (0.9, 0.1, 0.1), (0.5, 0.5, 0.5), (1.0, 0.8, 0.0) as R, G, B planes. */
  private static float[] image() {
    return new float[] {
        0.2f, 0.9f, 0.5f, 1.0f,
        0.4f, 0.1f, 0.5f, 0.8f,
        0.6f, 0.1f, 0.5f, 0.0f};
  }

  /** Pixel {@code i} of a 4-pixel CHW image as (R, G, B). */
  private static float[] pixel(float[] chw, int i) {
    return new float[] {chw[i], chw[4 + i], chw[8 + i]};
  }

  @Test
  void brightnessAddsAndDoesNotClip() {
    float[] img = image();
    ColorOps.brightness(img, 0, 4, 0.25f);
    assertArrayEquals(new float[] {0.45f, 1.15f, 0.75f, 1.25f, 0.65f, 0.35f, 0.75f, 1.05f, 0.85f, 0.35f, 0.75f,
        0.25f}, img, TOL);
    ColorOps.clip(img, 0, 4, 0, 1);
    assertArrayEquals(new float[] {0.45f, 1f, 0.75f, 1f}, pixelsOfPlane(img, 0), TOL);
  }

  @Test
  void contrastScalesAroundEachChannelsMean() {
    // means R 0.65, G 0.45, B 0.3; factor 2: (x - m) * 2 + m
    float[] img = image();
    ColorOps.contrast(img, 0, 4, 2f);
    assertArrayEquals(new float[] {-0.25f, 1.15f, 0.35f, 1.35f, 0.35f, -0.25f, 0.55f, 1.15f, 0.9f, -0.1f, 0.7f,
        -0.3f}, img, 1e-6f);
  }

  @Test
  void saturationScalesHsvSaturation() {
    float[] img = image();
    ColorOps.saturation(img, 0, 4, 0.5f);
    // (0.2,0.4,0.6): v .6, s 2/3 -> 1/3, so the smallest channel rises to .6 - .6/3 = .4, hue kept
    assertArrayEquals(new float[] {0.4f, 0.5f, 0.6f}, pixel(img, 0), TOL);
    assertArrayEquals(new float[] {0.9f, 0.5f, 0.5f}, pixel(img, 1), TOL);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, pixel(img, 2), TOL);
    assertArrayEquals(new float[] {1.0f, 0.9f, 0.5f}, pixel(img, 3), TOL);
    float[] strong = image();
    ColorOps.saturation(strong, 0, 4, 3f); // s clipped to 1
    assertArrayEquals(new float[] {0f, 0.3f, 0.6f}, pixel(strong, 0), TOL);
  }

  @Test
  void hueRotatesTheColourWheel() {
    float[] img = image();
    ColorOps.hue(img, 0, 4, 1f / 6);
    // +60 degrees: 210 -> 270, 0 -> 60, grey stays, 48 -> 108
    assertArrayEquals(new float[] {0.4f, 0.2f, 0.6f}, pixel(img, 0), TOL);
    assertArrayEquals(new float[] {0.9f, 0.9f, 0.1f}, pixel(img, 1), TOL);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, pixel(img, 2), TOL);
    assertArrayEquals(new float[] {0.2f, 1.0f, 0.0f}, pixel(img, 3), 1e-5f);
    float[] back = image();
    ColorOps.hue(back, 0, 4, -0.5f); // red -> cyan
    assertArrayEquals(new float[] {0.1f, 0.9f, 0.9f}, pixel(back, 1), TOL);
  }

  @Test
  void grayscaleUsesTheTensorFlowLumaWeights() {
    float[] img = image();
    ColorOps.grayscale(img, 0, 4);
    float p0 = 0.2f * 0.2989f + 0.4f * 0.5870f + 0.6f * 0.1140f; // 0.36298
    assertEquals(0.36298f, p0, 1e-6f);
    assertArrayEquals(new float[] {p0, p0, p0}, pixel(img, 0), TOL);
    assertArrayEquals(new float[] {0.49995f, 0.49995f, 0.49995f}, pixel(img, 2), TOL); // weights sum to 0.9999
    assertArrayEquals(new float[] {0.7685f, 0.7685f, 0.7685f}, pixel(img, 3), TOL);
  }

  @Test
  void solarizeInvertsValuesFromOneHalfUp() {
    float[] img = image();
    ColorOps.solarize(img, 0, 4, 0.5f);
    assertArrayEquals(new float[] {0.2f, 0.4f, 0.4f}, pixel(img, 0), TOL);
    assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f}, pixel(img, 1), TOL);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, pixel(img, 2), TOL);
    assertArrayEquals(new float[] {0.0f, 0.2f, 0.0f}, pixel(img, 3), TOL);
  }

  @Test
  void divideAndNormalize() {
    float[] img = {255, 0, 51, 102, 0, 0, 0, 0, 0, 0, 0, 0};
    ColorOps.divide(img, 0, 4, 255f);
    assertArrayEquals(new float[] {1f, 0f, 0.2f, 0.4f}, pixelsOfPlane(img, 0), TOL);
    ColorOps.normalize(img, 0, 4, new float[] {0.5f, 0.25f, 0f}, new float[] {0.5f, 0.25f, 2f});
    assertArrayEquals(new float[] {1f, -1f, -0.6f, -0.2f, -1f, -1f, -1f, -1f, 0f, 0f, 0f, 0f}, img, TOL);
  }

  @Test
  void opsWorkAtAnOffset() {
    float[] img = new float[20];
    System.arraycopy(image(), 0, img, 5, 12);
    ColorOps.grayscale(img, 5, 4);
    assertEquals(0f, img[4]);
    assertEquals(0f, img[17]);
    assertEquals(img[5], img[9]);
  }

  @Test
  void blurKeepsTheInteriorOfAFlatImageAndDarkensItsZeroPaddedBorder() {
    float[] taps = GaussianBlur.taps(9, 1.0f);
    assertEquals(9, taps.length);
    float sum = 0;
    for (float t : taps) {
      sum += t;
    }
    assertEquals(1f, sum, 1e-6f);
    assertEquals(1, GaussianBlur.taps(1, 1.0f).length);
    float[] flat = new float[3 * 12 * 12];
    java.util.Arrays.fill(flat, 0.5f);
    GaussianBlur.apply(flat, 0, 12, 12, 9, 1.0f);
    assertEquals(0.5f, flat[6 * 12 + 6], 1e-6f);
    assertEquals(0.5f * (taps[4] + taps[5] + taps[6] + taps[7] + taps[8]) * (taps[4] + taps[5] + taps[6] + taps[7]
        + taps[8]), flat[0], 1e-6f);
    float[] same = new float[3 * 4 * 4];
    java.util.Arrays.fill(same, 0.3f);
    GaussianBlur.apply(same, 0, 4, 4, 1, 2.0f); // kernel 1: unchanged (the released code's case)
    assertEquals(0.3f, same[0]);
  }

  private static float[] pixelsOfPlane(float[] chw, int c) {
    return java.util.Arrays.copyOfRange(chw, 4 * c, 4 * c + 4);
  }
}
