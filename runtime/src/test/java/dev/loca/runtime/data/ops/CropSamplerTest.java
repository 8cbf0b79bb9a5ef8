package dev.loca.runtime.data.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CropSamplerTest {
  @ParameterizedTest
  @CsvSource({"375, 500, 0.32, 1.0", "375, 500, 0.05, 0.32", "224, 224, 0.05, 0.32", "500, 333, 0.32, 1.0",
      "64, 48, 0.05, 0.32", "17, 23, 0.32, 1.0"})
  void boxesFitAndKeepAreaAndAspectBounds(int height, int width, float minArea, float maxArea) {
    SplittableRandom rng = new SplittableRandom(7);
    float lo = minArea * width * height;
    float hi = maxArea * width * height;
    int whole = 0;
    int minH = Integer.MAX_VALUE;
    int maxH = 0;
    for (int i = 0; i < 5000; i++) {
      CropBox b = CropSampler.sample(height, width, minArea, maxArea, rng);
      assertTrue(b.y() + b.height() <= height && b.x() + b.width() <= width, b.toString());
      if (b.equals(CropBox.whole(height, width))) {
        whole++;
        continue;
      }
      float area = (float) b.height() * b.width();
      assertTrue(area >= lo && area <= hi, b + " area " + area + " not in [" + lo + ", " + hi + "]");
      // w = round(h * aspect) with aspect in [0.75, 1.33]
      double slack = 0.5 / b.height();
      double aspect = (double) b.width() / b.height();
      assertTrue(aspect >= 0.75 - slack && aspect <= 1.33 + slack, b + " aspect " + aspect);
      minH = Math.min(minH, b.height());
      maxH = Math.max(maxH, b.height());
    }
    assertTrue(whole < 50, "fallbacks " + whole);
    assertTrue(maxH > minH, "heights vary");
  }

  @Test
  void heightIsUniformBetweenTheAreaBoundsForAFixedAspect() {
    // 375x500, area 5-32 %, aspect 1: h uniform from round(sqrt(9375)) = 97 to round(sqrt(60000)) = 245;
    // 245 * 245 > 60000, so a draw of 245 is lowered to 244, which comes up twice as often
    SplittableRandom rng = new SplittableRandom(3);
    int[] counts = new int[246];
    for (int i = 0; i < 30000; i++) {
      CropBox b = CropSampler.attempt(375, 500, 0.05f, 0.32f, 1.0f, rng).orElseThrow();
      assertEquals(b.height(), b.width());
      counts[b.height()]++;
    }
    for (int h = 0; h < 97; h++) {
      assertEquals(0, counts[h], "h=" + h);
    }
    assertEquals(0, counts[245]);
    for (int h = 97; h <= 243; h++) {
      assertTrue(counts[h] > 120 && counts[h] < 290, "h=" + h + " drawn " + counts[h] + " times of ~201");
    }
    assertTrue(counts[244] > 300 && counts[244] < 510, "h=244 drawn " + counts[244] + " times of ~403");
  }

  @Test
  void maxHeightIsLoweredWhenTheWidthWouldNotFit() {
    // 100x60, area 100 %, aspect 1.33: hmax = round(sqrt(6000/1.33)) = 67, round(67*1.33) = 89 > 60, so
    // hmax = (int) (60.5 / 1.33) = 45 (round(45*1.33) = 60), h = round(sqrt(6000/1.33)) >= 45 -> h = 45,
    // w = 60, area 2700 < 6000: h = 46, w = 61 > 60: rejected.
    assertEquals(Optional.empty(), CropSampler.attempt(100, 60, 1.0f, 1.0f, 1.33f, new SplittableRandom(1)));
    // same image, area 30-100 %: h drawn in [round(sqrt(1800/1.33)) = 37, 45], w = round(h * 1.33) <= 60
    SplittableRandom rng = new SplittableRandom(2);
    for (int i = 0; i < 500; i++) {
      CropBox b = CropSampler.attempt(100, 60, 0.3f, 1.0f, 1.33f, rng).orElseThrow();
      assertTrue(b.height() >= 37 && b.height() <= 45 && b.width() <= 60, b.toString());
      assertEquals(Math.round(b.height() * 1.33f), b.width());
    }
  }

  @ParameterizedTest
  @CsvSource({"1, 1, 0.05, 0.32", "3, 1, 0.05, 0.32", "1000, 10, 0.32, 1.0"})
  void fallsBackToTheWholeImageWhenNoAttemptCanSucceed(int height, int width, float minArea, float maxArea) {
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < 200; i++) {
      float aspect = CropSampler.uniformFloat(rng) * (CropSampler.MAX_ASPECT - CropSampler.MIN_ASPECT)
          + CropSampler.MIN_ASPECT;
      assertEquals(Optional.empty(), CropSampler.attempt(height, width, minArea, maxArea, aspect, rng));
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(CropBox.whole(height, width), CropSampler.sample(height, width, minArea, maxArea, rng));
    }
  }

  @Test
  void sameSeedSameBoxes() {
    SplittableRandom a = new SplittableRandom(5);
    SplittableRandom b = new SplittableRandom(5);
    for (int i = 0; i < 100; i++) {
      assertEquals(CropSampler.sample(375, 500, 0.05f, 0.32f, a), CropSampler.sample(375, 500, 0.05f, 0.32f, b));
    }
  }
}
