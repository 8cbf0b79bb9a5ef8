package dev.loca.graphs.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VitConfigTest {

  @Test
  void presetsHaveTheSpecSizes() {
    assertEquals(new VitConfig("Ti/16", 192, 12, 3, 768, 16, 14, 0.1), VitConfig.preset("Ti/16"));
    assertEquals(new VitConfig("S/16", 384, 12, 6, 1536, 16, 14, 0.1), VitConfig.preset("S/16"));
    assertEquals(new VitConfig("B/16", 768, 12, 12, 3072, 16, 14, 0.1), VitConfig.preset("B/16"));
    assertEquals(new VitConfig("L/16", 1024, 24, 16, 4096, 16, 14, 0.1), VitConfig.preset("L/16"));
    assertEquals(new VitConfig("H/16", 1280, 32, 16, 5120, 16, 14, 0.1), VitConfig.preset("H/16"));
    assertEquals(new VitConfig("cpu", 192, 4, 3, 768, 8, 8, 0.1), VitConfig.preset("cpu"));
    assertEquals(new VitConfig("micro", 16, 2, 2, 32, 4, 4, 0.1), VitConfig.preset("micro"));
    for (String name : VitConfig.presetNames()) {
      assertEquals(name, VitConfig.preset(name).name());
    }
  }

  @Test
  void anyPatchThatDividesTheReference() {
    VitConfig ti8 = VitConfig.preset("Ti/8");
    assertEquals(8, ti8.patch());
    assertEquals(28, ti8.posGrid());
    assertEquals(224, ti8.referenceSize());
    assertEquals(16, VitConfig.preset("H/14").posGrid());
    VitConfig g12 = ti8.withPosGrid(12);
    assertEquals(12, g12.posGrid());
    assertEquals(96, g12.referenceSize());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VitConfig.preset("B/15"));
    assertTrue(e.getMessage().contains("does not divide"), e.getMessage());
  }

  @Test
  void unknownPresetsAreRejectedWithTheChoices() {
    for (String bad : new String[] {"X/16", "B", "B/", "B/0", "B/x", "", "tiny"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VitConfig.preset(bad));
      assertTrue(e.getMessage().contains("unknown ViT preset '" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("micro"), e.getMessage());
    }
  }

  @Test
  void gridNeedsAMultipleOfThePatch() {
    VitConfig cpu = VitConfig.preset("cpu");
    assertEquals(8, cpu.grid(64));
    assertEquals(4, cpu.grid(32));
    assertEquals(16, cpu.tokens(32));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.grid(36));
    assertTrue(e.getMessage().contains("image size 36") && e.getMessage().contains("patch size 8"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> cpu.grid(0));
  }

  @Test
  void dropRateIsLinearInDepth() {
    VitConfig b = VitConfig.preset("B/16");
    assertEquals(0, b.dropRate(0));
    assertEquals(0.1 * 5 / 11, b.dropRate(5), 1e-15);
    assertEquals(0.1, b.dropRate(11), 1e-15);
    assertThrows(IndexOutOfBoundsException.class, () -> b.dropRate(12));
    VitConfig one = new VitConfig("one", 16, 1, 2, 32, 4, 4, 0.1);
    assertEquals(0, one.dropRate(0));
  }

  @Test
  void invalidSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new VitConfig("x", 10, 2, 3, 32, 4, 4, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new VitConfig("x", 16, 0, 2, 32, 4, 4, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new VitConfig("x", 16, 2, 2, 32, 4, 4, 1.0));
  }
}
