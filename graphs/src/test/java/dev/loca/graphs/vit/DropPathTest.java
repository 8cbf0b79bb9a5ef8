package dev.loca.graphs.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DropPathTest {

  @Test
  void multipliersAreZeroOrTheInverseKeepRate() {
    VitConfig cfg = VitConfig.preset("B/16");
    int batch = 4000;
    float[] m = DropPath.draw(cfg, batch, new SplittableRandom(1));
    int cols = DropPath.columns(cfg);
    assertEquals(24, cols);
    assertEquals(batch * cols, m.length);
    for (int c = 0; c < cols; c++) {
      double rate = cfg.dropRate(c / 2);
      int dropped = 0;
      for (int i = 0; i < batch; i++) {
        float v = m[i * cols + c];
        if (v == 0) {
          dropped++;
        } else {
          assertEquals((float) (1 / (1 - rate)), v, "column " + c);
        }
      }
      // binomial: 5 standard deviations
      double sd = Math.sqrt(batch * rate * (1 - rate));
      assertTrue(Math.abs(dropped - batch * rate) <= 5 * sd + 1e-9, "column " + c + ": " + dropped + " dropped");
    }
  }

  @Test
  void branchesOfABlockAreDrawnIndependently() {
    VitConfig cfg = VitConfig.preset("micro").withStochasticDepth(0.5);
    float[] m = DropPath.draw(cfg, 2000, new SplittableRandom(2));
    int differ = 0;
    for (int i = 0; i < 2000; i++) {
      differ += m[i * 4 + 2] != m[i * 4 + 3] ? 1 : 0;
    }
    assertTrue(differ > 800 && differ < 1200, differ + " of 2000 samples differ between the two branches");
  }

  @Test
  void sameSeedSameDraws() {
    VitConfig cfg = VitConfig.preset("cpu");
    assertArrayEquals(DropPath.draw(cfg, 8, new SplittableRandom(3)), DropPath.draw(cfg, 8, new SplittableRandom(3)));
    float[] ones = DropPath.keepAll(cfg, 2);
    assertEquals(16, ones.length);
    for (float v : ones) {
      assertEquals(1f, v);
    }
  }
}
