package dev.loca.train.views;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.runtime.data.RgbImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ViewMakerTest {
  private static final RgbImage IMAGE = GradientImages.image(50, 40, 1);

  @Test
  void viewsHaveTheConfiguredShapesAndLabelsPointIntoTheReferenceGrid() {
    ViewsConfig config = ViewsConfig.cpu();
    LocaSample s = new ViewMaker(config).make("x", IMAGE, new SplittableRandom(1));
    assertEquals(3 * 64 * 64, s.reference().length);
    assertEquals(3 * 64 * 64, s.query0().pixels().length);
    assertEquals(64, s.query0().labels().length);
    assertEquals(9, s.focal().size());
    for (QueryView q : s.focal()) {
      assertEquals(3 * 32 * 32, q.pixels().length);
      assertEquals(16, q.labels().length);
      assertTrue(Arrays.stream(q.labels()).allMatch(l -> l >= -1 && l < 64));
      float area = (float) q.box().height() * q.box().width() / (50 * 40);
      assertTrue(area <= 0.32f, "focal crop area " + area);
    }
    assertEquals(40, s.imageHeight());
    assertEquals(50, s.imageWidth());
  }

  @Test
  void sameSeedSameViewsOtherSeedOtherViews() {
    ViewMaker maker = new ViewMaker(ViewsConfig.cpu().withBlurMode(BlurMode.INTENDED));
    LocaSample a = maker.make("x", IMAGE, new SplittableRandom(5));
    LocaSample b = maker.make("x", IMAGE, new SplittableRandom(5));
    LocaSample c = maker.make("x", IMAGE, new SplittableRandom(6));
    assertArrayEquals(a.reference(), b.reference());
    assertArrayEquals(a.focal().get(8).pixels(), b.focal().get(8).pixels());
    assertArrayEquals(a.focal().get(8).labels(), b.focal().get(8).labels());
    assertFalse(Arrays.equals(a.reference(), c.reference()));
  }

  @Test
  void queriesFlipTogetherWithTheirLabels() {
    // flip probability 1 vs 0 with the same seed: same crops (the flip draw is made either way), mirrored
    // pixels and mirrored label rows; photometric ops off so the pixels compare exactly
    ViewsConfig base = ViewsConfig.cpu().withoutPhotometricAugmentation();
    ViewsConfig flipping = new ViewsConfig(base.referenceSize(), base.query0Size(), base.focalSize(),
        base.focalCount(), base.patchSize(), base.referenceArea(), base.query0Area(), base.focalArea(),
        base.colorJitter(), 0, 1, 0, BlurMode.CODE_FAITHFUL);
    LocaSample plain = new ViewMaker(base).make("x", IMAGE, new SplittableRandom(3));
    LocaSample flipped = new ViewMaker(flipping).make("x", IMAGE, new SplittableRandom(3));
    assertArrayEquals(plain.reference(), flipped.reference(), "the reference is never flipped");
    assertMirrored(plain.query0(), flipped.query0(), 64, 8);
    for (int q = 0; q < 9; q++) {
      assertMirrored(plain.focal().get(q), flipped.focal().get(q), 32, 4);
    }
  }

  private static void assertMirrored(QueryView plain, QueryView flipped, int size, int grid) {
    assertEquals(plain.box(), flipped.box());
    assertFalse(plain.flipped());
    assertTrue(flipped.flipped());
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          assertEquals(plain.pixels()[(c * size + y) * size + x], flipped.pixels()[(c * size + y) * size + size - 1 - x]);
        }
      }
    }
    for (int g = 0; g < grid; g++) {
      for (int h = 0; h < grid; h++) {
        assertEquals(plain.labels()[g * grid + h], flipped.labels()[g * grid + grid - 1 - h]);
      }
    }
  }

  @Test
  void withoutAugmentationTheReferenceIsTheNormalisedResizedCrop() {
    ViewsConfig config = ViewsConfig.cpu().withoutPhotometricAugmentation();
    RgbImage flat = new RgbImage(20, 20, filled(20 * 20, (byte) 255, (byte) 0, (byte) 51));
    LocaSample s = new ViewMaker(config).make("flat", flat, new SplittableRandom(0));
    int plane = 64 * 64;
    assertEquals((1f - 0.485f) / 0.229f, s.reference()[0], 1e-6f);
    assertEquals((0f - 0.456f) / 0.224f, s.reference()[plane], 1e-6f);
    assertEquals((0.2f - 0.406f) / 0.225f, s.reference()[2 * plane + 100], 1e-6f);
  }

  @Test
  void intendedBlurChangesTheReferenceAndCodeFaithfulDoesNot() {
    ViewsConfig faithful = ViewsConfig.cpu().withoutPhotometricAugmentation();
    LocaSample sharp = new ViewMaker(faithful).make("x", IMAGE, new SplittableRandom(9));
    LocaSample blurred = new ViewMaker(faithful.withBlurMode(BlurMode.INTENDED)).make("x", IMAGE,
        new SplittableRandom(9));
    assertEquals(sharp.referenceBox(), blurred.referenceBox());
    assertNotEquals(sharp.reference()[0], blurred.reference()[0], "p = 1 for the reference; zero padding darkens"
        + " the corner");
  }

  @Test
  void tinyImagesFallBackToWholeImageCrops() {
    RgbImage one = new RgbImage(1, 1, new byte[] {10, 20, 30});
    LocaSample s = new ViewMaker(ViewsConfig.cpu()).make("dot", one, new SplittableRandom(2));
    assertEquals(0, s.referenceBox().y());
    assertEquals(1, s.focal().get(0).box().width());
    // an 8x8 grid resized onto one pixel keeps its centre patch (4, 4)
    assertTrue(Arrays.stream(s.focal().get(0).labels()).allMatch(l -> l == 36), Arrays.toString(s.focal().get(0).labels()));
  }

  private static byte[] filled(int pixels, byte r, byte g, byte b) {
    byte[] rgb = new byte[3 * pixels];
    for (int i = 0; i < pixels; i++) {
      rgb[3 * i] = r;
      rgb[3 * i + 1] = g;
      rgb[3 * i + 2] = b;
    }
    return rgb;
  }
}
