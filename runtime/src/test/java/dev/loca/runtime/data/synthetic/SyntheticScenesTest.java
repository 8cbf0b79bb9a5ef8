package dev.loca.runtime.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loca.runtime.data.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticScenesTest {
  @Test
  void isADatasetOfLabelledScenes() {
    SyntheticScenes d = new SyntheticScenes(5, 3, 40, 30);
    assertEquals(5, d.size());
    assertEquals(List.of("background", "disc", "square", "triangle", "ring", "star", "bar", "cross", "crescent"),
        d.classNames());
    assertEquals(-1, d.ignoreLabel());
    Sample s = d.get(2);
    assertEquals("synthetic/00000002", s.id());
    assertEquals(40, s.image().width());
    assertArrayEquals(d.generator().generate(2).classes(), s.labels().orElseThrow());
    assertEquals("synthetic scenes (5 images of 40x30, seed 3, 9 classes)", d.describe());
    assertThrows(IndexOutOfBoundsException.class, () -> d.get(5));
  }

  @Test
  void defaultsAreTheBenchSize() {
    SyntheticScenes d = SyntheticScenes.withDefaults(0);
    assertEquals(500, d.generator().width());
    assertEquals(375, d.generator().height());
    assertEquals(SyntheticScenes.DEFAULT_IMAGES, d.size());
  }
}
