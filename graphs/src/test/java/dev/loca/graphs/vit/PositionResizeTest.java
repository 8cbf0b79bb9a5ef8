package dev.loca.graphs.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PositionResizeTest {

  /** Spec §3.1: the 14→6 weights, rows 0–2 (rows 3–5 mirror them). */
  private static final double[][] SPEC_14_TO_6 = {
      {.3571, .4286, .2143, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {0, .0588, .2353, .4118, .2353, .0588, 0, 0, 0, 0, 0, 0, 0, 0},
      {0, 0, 0, 0, .1875, .375, .3125, .125, 0, 0, 0, 0, 0, 0},
  };

  @Test
  void fourteenToSixMatchesTheSpecTable() {
    double[][] w = PositionResize.weights(14, 6);
    assertEquals(6, w.length);
    for (int o = 0; o < 3; o++) {
      assertArrayEquals(SPEC_14_TO_6[o], w[o], 5e-5, "row " + o);
      double[] mirrored = new double[14];
      for (int j = 0; j < 14; j++) {
        mirrored[j] = SPEC_14_TO_6[o][13 - j];
      }
      assertArrayEquals(mirrored, w[5 - o], 5e-5, "row " + (5 - o));
    }
  }

  @Test
  void rowsSumToOne() {
    int[][] pairs = {{14, 6}, {14, 7}, {14, 14}, {8, 4}, {8, 3}, {4, 2}, {4, 6}, {6, 14}, {2, 5}, {1, 3}, {5, 1}};
    for (int[] p : pairs) {
      double[][] w = PositionResize.weights(p[0], p[1]);
      for (double[] row : w) {
        double sum = 0;
        for (double v : row) {
          sum += v;
        }
        assertEquals(1, sum, 1e-12, p[0] + " -> " + p[1]);
      }
    }
  }

  @Test
  void sameSizeIsTheIdentity() {
    double[][] w = PositionResize.weights(5, 5);
    for (int o = 0; o < 5; o++) {
      for (int j = 0; j < 5; j++) {
        assertEquals(o == j ? 1 : 0, w[o][j], 1e-15);
      }
    }
  }

  /** Upsampling is plain bilinear; outputs sampling outside the centre of the edge inputs take the edge input. */
  @Test
  void upsamplingIsBilinearWithEdgeClamping() {
    double[][] w = PositionResize.weights(2, 4);
    assertArrayEquals(new double[] {1, 0}, w[0], 1e-12);
    assertArrayEquals(new double[] {.75, .25}, w[1], 1e-12);
    assertArrayEquals(new double[] {.25, .75}, w[2], 1e-12);
    assertArrayEquals(new double[] {0, 1}, w[3], 1e-12);
  }

  @Test
  void matrixIsTheKroneckerProductInRasterOrder() {
    double[][] w = PositionResize.weights(4, 3);
    float[] m = PositionResize.matrix(4, 3);
    assertEquals(9 * 16, m.length);
    for (int oy = 0; oy < 3; oy++) {
      for (int ox = 0; ox < 3; ox++) {
        for (int iy = 0; iy < 4; iy++) {
          for (int ix = 0; ix < 4; ix++) {
            assertEquals((float) (w[oy][iy] * w[ox][ix]), m[(oy * 3 + ox) * 16 + iy * 4 + ix]);
          }
        }
      }
    }
  }

  @Test
  void resizeTableAppliesTheMatrixPerChannel() {
    int in = 3;
    int out = 5;
    int width = 2;
    float[] table = new float[in * in * width];
    for (int i = 0; i < table.length; i++) {
      table[i] = (i % width == 0) ? i : 7f;
    }
    float[] resized = PositionResize.resizeTable(table, in, out, width);
    float[] m = PositionResize.matrix(in, out);
    assertEquals(out * out * width, resized.length);
    for (int o = 0; o < out * out; o++) {
      float expected = 0;
      for (int j = 0; j < in * in; j++) {
        expected += m[o * in * in + j] * table[j * width];
      }
      assertEquals(expected, resized[o * width], 1e-5f);
      assertEquals(7f, resized[o * width + 1], 1e-5f, "a constant channel stays constant");
    }
  }
}
