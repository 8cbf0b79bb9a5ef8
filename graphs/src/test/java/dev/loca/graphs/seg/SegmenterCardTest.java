package dev.loca.graphs.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graphs.vit.VitConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmenterCardTest {
  private static SegmenterCard card() {
    VitConfig vit = new VitConfig("micro", 32, 2, 2, 64, 8, 4, 0.1);
    return new SegmenterCard(vit, 32, List.of("void", "sky", "tree"), new float[] {0.485f, 0.456f, 0.406f},
        new float[] {0.229f, 0.224f, 0.225f}, 255, "random");
  }

  @Test
  void roundTripsThroughTheFolder(@TempDir Path dir) throws IOException {
    SegmenterCard card = card();
    card.write(dir);
    SegmenterCard back = SegmenterCard.read(dir);
    assertEquals(card, back);
    assertEquals(3, back.classes());
    assertEquals(4, back.grid());
    assertEquals(0.229f, back.std()[0]);
  }

  @Test
  void rejectsAnImageSizeThatIsNoMultipleOfThePatch() {
    VitConfig vit = new VitConfig("micro", 32, 2, 2, 64, 8, 4, 0.1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SegmenterCard(vit, 30,
        List.of("a"), new float[3], new float[3], 255, "random"));
    assertTrue(e.getMessage().contains("multiple of the patch 8"), e.getMessage());
  }

  @Test
  void aMissingOrBrokenCardNamesTheFile(@TempDir Path dir) throws IOException {
    IOException missing = assertThrows(IOException.class, () -> SegmenterCard.read(dir));
    assertTrue(missing.getMessage().contains("no segmenter.json"), missing.getMessage());
    Files.writeString(dir.resolve(SegmenterCard.FILE_NAME), "{\"imageSize\": \"big\"}");
    IOException broken = assertThrows(IOException.class, () -> SegmenterCard.read(dir));
    assertTrue(broken.getMessage().contains("segmenter.json"), broken.getMessage());
  }
}
