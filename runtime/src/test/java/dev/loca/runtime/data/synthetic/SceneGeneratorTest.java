package dev.loca.runtime.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.loca.runtime.data.RgbImage;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneGeneratorTest {
  private static final int W = 80;
  private static final int H = 60;
  private final SceneGenerator generator = new SceneGenerator(W, H, 7);

  @Test
  void sameSeedAndIndexGiveTheSamePixelsAndMask() {
    Scene a = new SceneGenerator(W, H, 7).generate(3);
    Scene b = new SceneGenerator(W, H, 7).generate(3);
    assertArrayEquals(a.image().rgb(), b.image().rgb());
    assertArrayEquals(a.classes(), b.classes());
  }

  @Test
  void anotherSeedOrIndexGivesOtherPixels() {
    byte[] base = generator.generate(3).image().rgb();
    assertFalse(Arrays.equals(base, new SceneGenerator(W, H, 8).generate(3).image().rgb()));
    assertFalse(Arrays.equals(base, generator.generate(4).image().rgb()));
  }

  /**
   * Pins the exact output, so that a change of JVM, platform or code that alters a single pixel is noticed:
   * the generator uses only integer hashing, IEEE double arithmetic and StrictMath.
   */
  @Test
  void outputIsPinned() {
    SceneGenerator pinned = new SceneGenerator(96, 72, 42);
    Hasher h = Hashing.sha256().newHasher();
    for (int i = 0; i < 3; i++) {
      Scene s = pinned.generate(i);
      h.putBytes(s.image().rgb());
      Arrays.stream(s.classes()).forEach(h::putInt);
    }
    assertEquals("a5bb60d5665eb750683b7856b8d8ae8b7b1f1a2355003b03b4c037ccc1dc141b", h.hash().toString());
  }

  @Test
  void maskIsTheClassOfTheTopmostObjectCoveringEachPixel() {
    for (int index = 0; index < 20; index++) {
      Scene s = generator.generate(index);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int top = -1;
          for (int i = 0; i < s.objects().size(); i++) {
            if (s.objects().get(i).covers(x, y)) {
              top = i;
            }
          }
          int p = y * W + x;
          assertEquals(top, s.owners()[p], "owner at " + x + "," + y + " of scene " + index);
          assertEquals(top < 0 ? 0 : s.objects().get(top).kind().ordinal(), s.classes()[p]);
        }
      }
    }
  }

  /** Recolour test: paint each object in a flat colour naming it; the mask must say that object's class. */
  @Test
  void flatRecolouredSceneAgreesWithTheMaskPixelByPixel() {
    for (int index = 0; index < 20; index++) {
      Scene flat = generator.generateFlat(index);
      Scene normal = generator.generate(index);
      assertArrayEquals(normal.classes(), flat.classes());
      RgbImage image = flat.image();
      for (int p = 0; p < W * H; p++) {
        int red = image.rgb()[3 * p] & 0xff;
        assertEquals(0, image.rgb()[3 * p + 1]);
        assertEquals(0, red % 8);
        int object = red / 8 - 1;
        int expected = object < 0 ? SceneClass.BACKGROUND.ordinal() : flat.objects().get(object).kind().ordinal();
        assertEquals(expected, flat.classes()[p], "pixel " + p + " of scene " + index);
      }
    }
  }

  @Test
  void eachObjectPixelHasThatObjectsColourUpToTheGrain() {
    Scene s = generator.generate(5);
    int checked = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int owner = s.owners()[y * W + x];
        if (owner >= 0) {
          int rgb = s.objects().get(owner).colourAt(x, y);
          for (int c = 0; c < 3; c++) {
            int expected = (rgb >> (16 - 8 * c)) & 0xff;
            assertTrue(Math.abs(s.image().at(x, y, c) - expected) <= 8, "pixel " + x + "," + y);
          }
          checked++;
        }
      }
    }
    assertTrue(checked > 100, "scene 5 shows only " + checked + " object pixels");
  }

  @Test
  void everyClassShowsUpAndScenesHoldSeveralObjects() {
    Set<SceneClass> seen = EnumSet.noneOf(SceneClass.class);
    for (int index = 0; index < 40; index++) {
      Scene s = generator.generate(index);
      assertTrue(s.objects().size() >= SceneGenerator.MIN_OBJECTS && s.objects().size() <= SceneGenerator.MAX_OBJECTS);
      Arrays.stream(s.classes()).forEach(c -> seen.add(SceneClass.values()[c]));
    }
    assertEquals(EnumSet.allOf(SceneClass.class), seen);
  }

  /** Colour alone must not tell the class: every colour of every palette is shared with another class. */
  @Test
  void classesShareTheirColours() {
    assertTrue(SceneClass.values().length - 1 >= 6, "at least six object classes");
    for (SceneClass a : SceneClass.values()) {
      for (int colour : a.colours()) {
        boolean shared = Arrays.stream(SceneClass.values()).filter(b -> b != a)
            .anyMatch(b -> Arrays.stream(b.colours()).anyMatch(c -> c == colour));
        assertTrue(shared, a + "'s colour " + Integer.toHexString(colour) + " belongs to no other class");
      }
    }
    Set<Integer> discColours = new HashSet<>();
    Arrays.stream(SceneClass.DISC.colours()).forEach(discColours::add);
    assertTrue(Arrays.stream(SceneClass.SQUARE.colours()).anyMatch(discColours::contains));
  }

  @Test
  void tinyScenesWork() {
    Scene s = new SceneGenerator(8, 8, 1).generate(0);
    assertEquals(64, s.classes().length);
    assertNotEquals(0, s.objects().size());
  }
}
