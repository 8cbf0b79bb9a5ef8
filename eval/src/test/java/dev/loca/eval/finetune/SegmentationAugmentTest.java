package dev.loca.eval.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.Sample;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegmentationAugmentTest {
  private static final float[] MEAN = {0.5f, 0.5f, 0.5f};
  private static final float[] STD = {0.5f, 0.5f, 0.5f};

  /** A W×H image whose left half is class 1 (red) and right half class 2 (blue). */
  private static Sample halves(int w, int h) {
    byte[] rgb = new byte[3 * w * h];
    int[] labels = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean left = x < w / 2;
        rgb[3 * (y * w + x) + (left ? 0 : 2)] = (byte) 255;
        labels[y * w + x] = left ? 1 : 2;
      }
    }
    return new Sample("halves", new RgbImage(w, h, rgb), Optional.of(labels));
  }

  @Test
  void cropsAreSquareWithLabelsFollowingTheImage() throws BadSampleException {
    SegmentationAugment aug = new SegmentationAugment(16, 0.5, 2.0, MEAN, STD, 255);
    for (int seed = 0; seed < 20; seed++) {
      SegmentationAugment.Result r = aug.apply(halves(40, 30), new SplittableRandom(seed));
      assertEquals(3 * 16 * 16, r.image().length);
      assertEquals(16 * 16, r.labels().length);
      for (int p = 0; p < 256; p++) {
        int label = r.labels()[p];
        assertTrue(label == 1 || label == 2 || label == 255, "label " + label);
        if (label == 255) {
          assertEquals(0f, r.image()[p], "padding is 0 after normalisation");
        } else if (p % 16 > 0 && p % 16 < 15 && r.labels()[p - 1] == label && r.labels()[p + 1] == label) {
          // away from the class edge (where bilinear mixes the colours), red pixels are class 1, blue class 2, wherever the flip and crop put them (hue stays in its half)
          float red = r.image()[p];
          float blue = r.image()[2 * 256 + p];
          assertEquals(label == 1, red > blue, "seed " + seed + " pixel " + p);
        }
      }
    }
  }

  @Test
  void smallImagesArePaddedWithTheIgnoreLabel() throws BadSampleException {
    SegmentationAugment aug = new SegmentationAugment(64, 0.5, 0.5, MEAN, STD, 255);
    SegmentationAugment.Result r = aug.apply(halves(40, 40), new SplittableRandom(1));
    // ratio 0.5: the short side becomes 32, so the crop is 32×32 in the top-left corner of the 64×64 canvas
    assertEquals(32 * 32, Arrays.stream(r.labels()).filter(l -> l != 255).count());
    assertEquals(255, r.labels()[40]);
    assertEquals(255, r.labels()[40 * 64]);
  }

  @Test
  void theSameGeneratorGivesTheSameSample() throws BadSampleException {
    SegmentationAugment aug = new SegmentationAugment(16, 0.5, 2.0, MEAN, STD, 255);
    SegmentationAugment.Result a = aug.apply(halves(40, 30), new SplittableRandom(9));
    SegmentationAugment.Result b = aug.apply(halves(40, 30), new SplittableRandom(9));
    assertArrayEquals(a.image(), b.image());
    assertArrayEquals(a.labels(), b.labels());
  }

  @Test
  void anUnlabelledSampleIsBad() {
    SegmentationAugment aug = new SegmentationAugment(16, 0.5, 2.0, MEAN, STD, 255);
    Sample unlabelled = new Sample("x", new RgbImage(4, 4, new byte[48]), Optional.empty());
    assertThrows(BadSampleException.class, () -> aug.apply(unlabelled, new SplittableRandom(0)));
  }
}
