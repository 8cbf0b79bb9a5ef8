package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest extends CliTestSupport {
  @TempDir
  Path dir;

  private Path images(int count) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("images/sub"));
    for (int i = 0; i < count; i++) {
      BufferedImage img = new BufferedImage(40 + i, 30, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 30; y++) {
        for (int x = 0; x < 40 + i; x++) {
          img.setRGB(x, y, (x * 6 << 16) | (y * 8 << 8) | 40 * i);
        }
      }
      ImageIO.write(img, "png", folder.resolve("img" + i + ".png").toFile());
    }
    return folder.getParent();
  }

  @Test
  void previewWritesAPngOfTheViews() throws IOException {
    Path data = images(2);
    Path png = dir.resolve("preview.png");
    assertEquals(0, run("data", "preview", "--data", data.toString(), "--out", png.toString(), "--preset", "cpu",
        "--seed", "4", "--index", "1"), err.toString());
    BufferedImage written = ImageIO.read(png.toFile());
    assertTrue(written.getWidth() > 9 * 128 && written.getHeight() > 256 + 128, written.toString());
    assertTrue(out.toString().startsWith("wrote " + png + ": sub/img1.png (41x30), preset cpu, "), out.toString());
  }

  @Test
  void userMistakesAreOneLine() throws IOException {
    Path png = dir.resolve("p.png");
    assertEquals(1, run("data", "preview", "--data", dir.resolve("nowhere").toString(), "--out", png.toString()));
    String e = err.toString().strip();
    assertTrue(e.startsWith("loca: --data " + dir.resolve("nowhere") + ": ") && e.contains("does not exist")
        && e.lines().count() == 1, e);
    err.getBuffer().setLength(0);
    assertEquals(1, run("data", "preview", "--data", dir.toString(), "--out", png.toString()));
    assertTrue(err.toString().strip().startsWith("loca: --data " + dir + ": ") && err.toString().strip().lines().count() == 1,
        err.toString());
    err.getBuffer().setLength(0);
    assertEquals(0, run("data", "preview", "--out", png.toString()), err.toString());
    assertTrue(out.toString().contains("wrote " + png), out.toString());
    err.getBuffer().setLength(0);
    Path data = images(1);
    assertEquals(1, run("data", "preview", "--data", data.toString(), "--out", png.toString(), "--index", "3"));
    assertEquals("loca: --index 3: expected 0 to 0 for image folder " + data + " (1 images)", err.toString().strip());
    err.getBuffer().setLength(0);
    assertEquals(2, run("data", "preview", "--data", data.toString(), "--out", png.toString(), "--preset", "gpu"));
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(1, run("data", "preview", "--data", data.toString(), "--out", dir.resolve("no/p.png").toString()));
    assertTrue(err.toString().strip().endsWith("does not exist"), err.toString());
  }

  @Test
  void benchPrintsARatePerPresetAndWorkerCount() throws IOException {
    Path data = images(4);
    assertEquals(0, run("data", "bench", "--data", data.toString(), "--seconds", "0.05", "--batch", "2",
        "--workers", "1,2"), err.toString());
    assertEquals(5, out.toString().strip().lines().count(), out.toString());
    assertTrue(out.toString().contains(" faithful ") && out.toString().contains(" cpu "), out.toString());
  }
}
