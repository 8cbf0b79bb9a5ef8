package dev.loca.runtime.data.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loca.runtime.data.RgbImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ResizeTest {
  /** An image whose R channel holds {@code red} (row-major), G = 255 - R, B = 7. */
  private static RgbImage image(int height, int width, int... red) {
    byte[] rgb = new byte[3 * height * width];
    for (int i = 0; i < red.length; i++) {
      rgb[3 * i] = (byte) red[i];
      rgb[3 * i + 1] = (byte) (255 - red[i]);
      rgb[3 * i + 2] = 7;
    }
    return new RgbImage(width, height, rgb);
  }

  private static float[] resize(RgbImage img, CropBox box, int outH, int outW, boolean mirror) {
    float[] chw = new float[3 * outH * outW];
    Resize.bilinearToChw(img, box, outH, outW, mirror, chw, 0);
    return chw;
  }

  @Test
  void upscalingUsesHalfPixelCentresAndClampsAtTheBorders() {
    // 2x2 -> 4x4, scale 0.5: source x = (o + 0.5) * 0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25
    // -> columns (0,0,w=.75 of equal pixels), (0,1,.25), (0,1,.75), (1,1): the borders repeat the edge pixel.
    RgbImage img = image(2, 2, 0, 100, 200, 255);
    float[] out = resize(img, CropBox.whole(2, 2), 4, 4, false);
    float[] red = Arrays.copyOfRange(out, 0, 16);
    float row1Right = 100 + (255 - 100) * 0.25f; // bottom-right blend at y weight .25
    float[] expected = {
        0, 25, 75, 100,
        50, 25 + ((200 + 55 * 0.25f) - 25) * 0.25f, 75 + ((200 + 55 * 0.75f) - 75) * 0.25f, row1Right,
        150, 25 + ((200 + 55 * 0.25f) - 25) * 0.75f, 75 + ((200 + 55 * 0.75f) - 75) * 0.75f,
        100 + (255 - 100) * 0.75f,
        200, 213.75f, 241.25f, 255};
    assertArrayEquals(expected, red, 1e-4f);
    for (int i = 0; i < 16; i++) {
      assertEquals(255 - red[i], out[16 + i], 1e-4f, "green is 255 - red");
      assertEquals(7, out[32 + i], 0f);
    }
  }

  @Test
  void downscalingDoesNotAntialias() {
    // 1x4 -> 1x2: sources 0.5 and 2.5 -> the mean of pixel pairs
    assertArrayEquals(new float[] {15, 35}, Arrays.copyOf(resize(image(1, 4, 10, 20, 30, 40),
        CropBox.whole(1, 4), 1, 2, false), 2));
    // 1x6 -> 1x2: sources exactly 1.0 and 4.0 -> pixels 1 and 4, the others ignored
    assertArrayEquals(new float[] {20, 50}, Arrays.copyOf(resize(image(1, 6, 10, 20, 30, 40, 50, 60),
        CropBox.whole(1, 6), 1, 2, false), 2));
  }

  @Test
  void cropsAndMirrors() {
    // 3x4 image, R = 10 * index; crop rows 1-2, columns 1-3, same size: an exact copy of the box
    int[] red = new int[12];
    Arrays.setAll(red, i -> 10 * i);
    RgbImage img = image(3, 4, red);
    float[] out = resize(img, new CropBox(1, 1, 2, 3), 2, 3, false);
    assertArrayEquals(new float[] {50, 60, 70, 90, 100, 110}, Arrays.copyOf(out, 6));
    float[] mirrored = resize(img, new CropBox(1, 1, 2, 3), 2, 3, true);
    assertArrayEquals(new float[] {70, 60, 50, 110, 100, 90}, Arrays.copyOf(mirrored, 6));
  }

  @Test
  void nearestSourceFollowsTheFormula() {
    // min(floor((o + 0.5) * in / out), in - 1)
    assertEquals(0, Resize.nearestSource(0, 3, 2));   // 0.75
    assertEquals(2, Resize.nearestSource(1, 3, 2));   // 2.25
    int[] up = new int[5];
    Arrays.setAll(up, o -> Resize.nearestSource(o, 2, 5)); // 0.2 0.6 1.0 1.4 1.8
    assertArrayEquals(new int[] {0, 0, 1, 1, 1}, up);
    assertEquals(0, Resize.nearestSource(0, 14, 300));
    assertEquals(13, Resize.nearestSource(299, 14, 300));
    assertEquals(8, Resize.nearestSource(0, 96, 6));  // the patch centre 16 g + 8
    assertEquals(88, Resize.nearestSource(5, 96, 6));
    assertEquals(4, Resize.nearestSource(0, 32, 4));  // patch 8: 8 g + 4
  }

  @Test
  void nearestResizesLabelMaps() {
    int[] labels = {1, 2, 3, 4, 5, 6}; // 2x3
    assertArrayEquals(new int[] {1, 3, 4, 6}, Resize.nearest(labels, 2, 3, 2, 2));
    assertArrayEquals(new int[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6},
        Resize.nearest(labels, 2, 3, 4, 6));
  }
}
