package dev.loca.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loca.eval.metrics.ConfusionMatrix;
import dev.loca.eval.segment.Evaluation;
import dev.loca.eval.segment.InferenceMode;
import dev.loca.runtime.data.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report files are written, readable and hold what was measured. */
class EvaluationReportTest {
  @TempDir
  Path dir;

  private static Evaluation evaluation() {
    // 2x2 image of 3 classes with one ignored pixel; class "car" never present nor predicted
    ConfusionMatrix m = new ConfusionMatrix(4, 255);
    int[] labels = {0, 1, 255, 2};
    int[] prediction = {0, 1, 1, 0};
    m.add(labels, prediction);
    byte[] rgb = new byte[12];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (20 * i);
    }
    Evaluation.Example x = new Evaluation.Example("img/0", new RgbImage(2, 2, rgb), labels, prediction);
    return new Evaluation(m, List.of("sky", "road", "tree", "car"), List.of(x), 1, 0, InferenceMode.SLIDE, 0.5);
  }

  @Test
  void metricsJsonHoldsTheScoresWithNullForAbsentClasses() throws Exception {
    List<Path> files = EvaluationReport.write(dir.resolve("out"), evaluation(), Path.of("ft"), "synthetic:images=1");
    assertEquals(3, files.size());
    JsonObject o = JsonParser.parseString(Files.readString(dir.resolve("out/metrics.json"))).getAsJsonObject();
    // IoU: sky 1/2, road 1, tree 0, car absent -> mIoU 1/2 over 3 classes
    assertEquals(0.5, o.get("mIoU").getAsDouble(), 1e-12);
    assertEquals(3, o.get("classesInMean").getAsInt());
    assertEquals(2.0 / 3, o.get("pixelAccuracy").getAsDouble(), 1e-12);
    assertEquals("slide", o.get("mode").getAsString());
    assertTrue(Files.readString(dir.resolve("out/metrics.json")).contains("\"data\": \"synthetic:images=1\""));
    assertEquals(1, o.get("images").getAsInt());
    assertEquals(Path.of("ft").toAbsolutePath().toString(), o.get("model").getAsString());
    JsonObject perClass = o.getAsJsonObject("perClass");
    assertEquals(List.of("sky", "road", "tree", "car"), List.copyOf(perClass.keySet()));
    assertEquals(1.0, perClass.getAsJsonObject("road").get("iou").getAsDouble(), 0);
    assertTrue(perClass.getAsJsonObject("car").get("iou").isJsonNull());
  }

  @Test
  void thePngsAreImagesWithTheClassColours() throws Exception {
    Evaluation e = evaluation();
    EvaluationReport.write(dir, e, Path.of("ft"), "synthetic");
    BufferedImage confusion = ImageIO.read(dir.resolve(ConfusionPlot.FILE_NAME).toFile());
    assertTrue(confusion.getWidth() > 100 && confusion.getHeight() > 100);
    BufferedImage grid = ImageIO.read(dir.resolve(PredictionGrid.FILE_NAME).toFile());
    assertTrue(grid.getWidth() >= 3 * 240 && grid.getHeight() > 180);
    BufferedImage over = PredictionGrid.overlay(e.examples().get(0).image(), e.examples().get(0).labels(), 255);
    assertEquals(e.examples().get(0).image().at(0, 1, 0), over.getRGB(0, 1) >> 16 & 0xff, "ignored pixel is bare");
    assertNotEquals(over.getRGB(0, 0), over.getRGB(1, 0), "classes 0 and 1 differ in colour");
  }

  @Test
  void theTableMarksAbsentClasses() {
    Evaluation e = evaluation();
    String table = IouTable.format(e.classNames(), e.confusion());
    assertTrue(table.contains("road   100.00  100.00            1"), table);
    assertTrue(table.contains("car         -       -            0  (absent: not in the mean)"), table);
    assertTrue(table.endsWith("mIoU 50.00 over 3 of 4 classes; pixel accuracy 66.67; mean accuracy 66.67\n"), table);
  }
}
