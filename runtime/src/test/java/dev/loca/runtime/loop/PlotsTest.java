package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.function.LongToDoubleFunction;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
  @TempDir
  Path run;

  private static List<Map<String, Double>> rows(LongToDoubleFunction loss) {
    List<Map<String, Double>> rows = new ArrayList<>();
    for (long step = 1; step <= 50; step++) {
      rows.add(Map.of("step", (double) step, "loss", loss.applyAsDouble(step), "lr", 1e-3 * step));
    }
    return rows;
  }

  private BufferedImage plot(String name, List<Map<String, Double>> rows, List<String> keys) throws IOException {
    Path png = run.resolve(name);
    Plots.writeCurves(png, rows, keys);
    return ImageIO.read(png.toFile());
  }

  private static int[] pixels(BufferedImage image) {
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  @Test
  void figureHasOnePanelPerKey() throws IOException {
    BufferedImage three = plot("three.png", rows(s -> 5.0 / s), List.of("loss", "lr", "missing"));
    assertEquals(2 * Plots.PANEL_WIDTH, three.getWidth());
    assertEquals(2 * Plots.PANEL_HEIGHT, three.getHeight());
    BufferedImage one = plot("one.png", rows(s -> 5.0 / s), List.of("loss"));
    assertEquals(Plots.PANEL_WIDTH, one.getWidth());
    assertEquals(Plots.PANEL_HEIGHT, one.getHeight());
  }

  @Test
  void differentCurvesGiveDifferentPixelsAndTheSameCurveTheSame() throws IOException {
    int[] falling = pixels(plot("a.png", rows(s -> 5.0 / s), List.of("loss")));
    int[] rising = pixels(plot("b.png", rows(s -> Math.sqrt(s)), List.of("loss")));
    int[] fallingAgain = pixels(plot("c.png", rows(s -> 5.0 / s), List.of("loss")));
    assertFalse(Arrays.equals(falling, rising));
    assertArrayEquals(falling, fallingAgain);
  }

  @Test
  void nonFiniteValuesAndSinglePointsAreDrawable() throws IOException {
    List<Map<String, Double>> rows = List.of(
        Map.of("step", 1.0, "loss", Double.NaN), Map.of("step", 2.0, "loss", 3.0));
    assertEquals(Plots.PANEL_WIDTH, plot("nan.png", rows, List.of("loss")).getWidth());
  }

  @Test
  void labelsHaveFourSignificantDigitsWithoutTrailingZeros() {
    assertEquals("0", Plots.label(0));
    assertEquals("200", Plots.label(200));
    assertEquals("0.001", Plots.label(1e-3));
    assertEquals("0.4581", Plots.label(0.458123));
    assertEquals("1.235e-05", Plots.label(1.2346e-5));
    assertEquals("1.235e+05", Plots.label(123456));
  }

  @Test
  void noKeysIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> Plots.writeCurves(run.resolve("x.png"), rows(s -> s), List.of()));
  }
}
