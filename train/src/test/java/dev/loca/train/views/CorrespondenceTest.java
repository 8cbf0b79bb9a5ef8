package dev.loca.train.views;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loca.runtime.data.ops.CropBox;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The test vectors of spec §2.7: image 375x500, reference box (40, 100, 300, 350), 14x14 reference grid. */
class CorrespondenceTest {
  private static final CropBox REFERENCE = new CropBox(40, 100, 300, 350);

  private static int[] row(int[] labels, int grid, int r) {
    return Arrays.copyOfRange(labels, r * grid, (r + 1) * grid);
  }

  @Test
  void tv1FocalQuery() {
    int[] labels = Correspondence.queryLabels(REFERENCE, 14, new CropBox(200, 300, 120, 100), 96, 6, false);
    assertArrayEquals(new int[] {
        106, 107, 107, 108, 109, 109,
        120, 121, 121, 122, 123, 123,
        134, 135, 135, 136, 137, 137,
        148, 149, 149, 150, 151, 151,
        162, 163, 163, 164, 165, 165,
        176, 177, 177, 178, 179, 179}, labels);
  }

  @Test
  void tv1FlippedReversesEachRow() {
    int[] plain = Correspondence.queryLabels(REFERENCE, 14, new CropBox(200, 300, 120, 100), 96, 6, false);
    int[] flipped = Correspondence.queryLabels(REFERENCE, 14, new CropBox(200, 300, 120, 100), 96, 6, true);
    assertArrayEquals(new int[] {109, 109, 108, 107, 107, 106}, row(flipped, 6, 0));
    for (int g = 0; g < 6; g++) {
      for (int h = 0; h < 6; h++) {
        assertEquals(plain[g * 6 + h], flipped[g * 6 + 5 - h]);
      }
    }
  }

  @Test
  void tv2WholeImageQuery() {
    int[] labels = Correspondence.queryLabels(REFERENCE, 14, CropBox.whole(375, 500), 224, 14, false);
    int[] minusOnes = new int[14];
    Arrays.fill(minusOnes, -1);
    assertArrayEquals(minusOnes, row(labels, 14, 0));
    assertArrayEquals(minusOnes, row(labels, 14, 13));
    for (int g = 0; g < 14; g++) {
      for (int h : new int[] {0, 1, 2, 13}) {
        assertEquals(-1, labels[g * 14 + h], "row " + g + " column " + h);
      }
    }
    assertArrayEquals(new int[] {-1, -1, -1, 1, 2, 3, 5, 6, 8, 9, 11, 12, 13, -1}, row(labels, 14, 1));
    assertArrayEquals(new int[] {-1, -1, -1, 43, 44, 45, 47, 48, 50, 51, 53, 54, 55, -1}, row(labels, 14, 4));
    assertArrayEquals(new int[] {-1, -1, -1, 71, 72}, Arrays.copyOf(row(labels, 14, 5), 5));
  }

  @Test
  void tv3QueryEqualToTheReferenceGivesTheIdentity() {
    int[] identity = new int[196];
    Arrays.setAll(identity, i -> i);
    assertArrayEquals(identity, Correspondence.queryLabels(REFERENCE, 14, REFERENCE, 224, 14, false));
    CropBox small = new CropBox(3, 7, 15, 15); // holds whenever rh, rw >= 15
    assertArrayEquals(identity, Correspondence.queryLabels(small, 14, small, 224, 14, false));
  }

  @Test
  void generalisesToOtherSizesAndPatches() {
    // CPU preset: 64 reference, patch 8 -> 8x8 reference grid; a query equal to the reference is the identity
    CropBox ref = new CropBox(10, 20, 40, 50);
    int[] identity = new int[64];
    Arrays.setAll(identity, i -> i);
    assertArrayEquals(identity, Correspondence.queryLabels(ref, 8, ref, 64, 8, false));
    // a 32 px focal query (4x4 grid) covering the reference's top-left quarter sees patches 0,1,2,3 / 8,9,10,11 ...
    int[] quarter = Correspondence.queryLabels(ref, 8, new CropBox(10, 20, 20, 25), 32, 4, false);
    assertArrayEquals(new int[] {0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27}, quarter);
    // a query entirely outside the reference gets -1 everywhere
    int[] outside = Correspondence.queryLabels(ref, 8, new CropBox(60, 0, 10, 10), 32, 4, false);
    assertEquals(16, Arrays.stream(outside).filter(l -> l == -1).count());
  }

  @Test
  void referenceLabelMap() {
    assertEquals(-1, Correspondence.referenceLabel(REFERENCE, 14, 39, 100));
    assertEquals(0, Correspondence.referenceLabel(REFERENCE, 14, 40, 100));
    assertEquals(195, Correspondence.referenceLabel(REFERENCE, 14, 339, 449));
    assertEquals(-1, Correspondence.referenceLabel(REFERENCE, 14, 340, 449));
    assertEquals(-1, Correspondence.referenceLabel(REFERENCE, 14, 339, 450));
  }
}
