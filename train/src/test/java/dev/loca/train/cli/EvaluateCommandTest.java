package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loca.eval.testing.TinySegmenters;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.runtime.data.ImageEncoder;
import dev.loca.runtime.data.LabelImage;
import dev.loca.runtime.data.synthetic.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loca evaluate}: a tiny segmenter on synthetic scenes, a micro pretraining run, and bad input. */
class EvaluateCommandTest extends CliTestSupport {
  private static final String DATA = "synthetic:images=3,seed=4,size=40x32";

  @TempDir
  Path dir;

  private Path tinyModel() throws Exception {
    List<String> names = new SyntheticScenes(1, 0, 8, 8).classNames();
    return TinySegmenters.Linear.random(32, names, 5).write(dir.resolve("ft"));
  }


  @Test
  void aSegmenterIsEvaluatedAndItsReportWritten() throws Exception {
    Path ft = tinyModel();
    Path report = dir.resolve("report");
    assertEquals(0, run("evaluate", "--model", ft.toString(), "--data", DATA, "--mode", "whole", "--out",
        report.toString(), "--batch", "2", "--threads", "1"), err.toString());
    String printed = out.toString();
    assertTrue(printed.contains("class          IoU     acc       pixels"), printed);
    assertTrue(printed.contains("background"), printed);
    assertTrue(printed.contains("mIoU "), printed);
    JsonObject metrics = JsonParser.parseString(Files.readString(report.resolve("metrics.json"))).getAsJsonObject();
    assertEquals(3, metrics.get("images").getAsInt());
    assertEquals("whole", metrics.get("mode").getAsString());
    assertEquals(3 * 40 * 32, metrics.get("pixels").getAsLong());
    String mIoU = String.format(java.util.Locale.ROOT, "mIoU %.2f", 100 * metrics.get("mIoU").getAsDouble());
    assertTrue(printed.contains(mIoU), mIoU + " in " + printed);
    for (String png : List.of("predictions.png", "confusion.png")) {
      assertTrue(ImageIO.read(report.resolve(png).toFile()).getWidth() > 0, png);
    }
  }

  @Test
  void badInputIsOneLine() throws Exception {
    Path ft = tinyModel();
    assertEquals(1, run("evaluate"));
    assertEquals("loca: give exactly one of --model FT (a fine-tuned segmenter) and --position RUN (a pretraining"
        + " run)", oneLine());
    assertEquals(1, run("evaluate", "--model", ft.toString(), "--position", dir.toString()));
    assertTrue(oneLine().startsWith("loca: give exactly one of --model FT"));
    assertEquals(1, run("evaluate", "--model", ft.toString()));
    assertTrue(oneLine().startsWith("loca: --model needs --data"));
    assertEquals(1, run("evaluate", "--model", ft.toString(), "--data", DATA, "--mode", "tiles"));
    assertEquals("loca: unknown inference mode 'tiles' (expected whole or slide)", oneLine());
    assertEquals(2, run("evaluate", "--model", ft.toString(), "--data", DATA, "--device", "gpu"));
    assertTrue(err.toString().contains("expected cpu, cuda or auto, got 'gpu'"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(1, run("evaluate", "--model", ft.toString(), "--data", dir.resolve("nope").toString()));
    assertTrue(oneLine().startsWith("loca: --data " + dir.resolve("nope") + ": "));
    assertEquals(1, run("evaluate", "--model", dir.resolve("none").toString(), "--data", DATA));
    assertTrue(oneLine().endsWith("none is not a folder (expected a fine-tuned segmenter folder with segmenter.json"
        + " and segmenter.onnx)"));
    assertEquals(1, run("evaluate", "--model", ft.toString(), "--data", "synthetic:images=1,size=32x32", "--batch",
        "0"));
    assertEquals("loca: --batch must be positive, got 0", oneLine());

    Path noModel = Files.createDirectories(dir.resolve("no-model"));
    Files.copy(ft.resolve(SegmenterCard.FILE_NAME), noModel.resolve(SegmenterCard.FILE_NAME));
    assertEquals(1, run("evaluate", "--model", noModel.toString(), "--data", DATA));
    assertTrue(oneLine().endsWith("no-model: no segmenter.onnx (expected the segmenter's inference model beside"
        + " segmenter.json)"));
    Files.writeString(noModel.resolve(SegmenterCard.MODEL_FILE), "not onnx");
    assertEquals(1, run("evaluate", "--model", noModel.toString(), "--data", DATA));
    assertTrue(oneLine().contains("segmenter.onnx: not an ONNX model that ONNX Runtime can load"));

    Path voc = Files.createDirectories(dir.resolve("three-classes"));
    TinySegmenters.Linear.random(32, List.of("a", "b", "c"), 1).write(voc);
    assertEquals(1, run("evaluate", "--model", voc.toString(), "--data", DATA));
    assertTrue(oneLine().endsWith("has 9 classes but the segmenter " + voc + " predicts 3"));

    assertEquals(1, run("evaluate", "--position", dir.toString()));
    assertEquals("loca: " + dir + ": no config.json (expected a pretraining run folder)", oneLine());
    assertEquals(1, run("evaluate", "--position", dir.toString(), "--mode", "whole"));
    assertEquals("loca: --mode, --batch and --skip-bad apply to --model only", oneLine());
    assertEquals(2, run("evaluate", "--model", ft.toString(), "--batch", "two"));
  }

  @Test
  void aBadMaskStopsTheRunNamingItOrIsSkippedWithSkipBad() throws Exception {
    Path ft = tinyModel();
    Path ade = dir.resolve("ade");
    assertEquals(0, run("data", "synth", "--out", ade.toString(), "--images", "3", "--width", "40", "--height", "32",
        "--split", "validation"), err.toString());
    Path mask = ade.resolve("annotations/validation/scene_00000001.png");
    assertTrue(Files.isRegularFile(mask), mask.toString());
    ImageEncoder.writeLabelPng(new LabelImage(40, 31, new int[40 * 31]), mask);
    String data = ade + "#validation";
    assertEquals(1, run("evaluate", "--model", ft.toString(), "--data", data, "--out", dir.resolve("r").toString()));
    assertEquals("loca: " + mask + ": label map is 40x31 but its image " + mask.getFileName().toString()
        .replace(".png", ".jpg") + " is 40x32 (--skip-bad skips such files)", oneLine());
    out.getBuffer().setLength(0);
    assertEquals(0, run("evaluate", "--model", ft.toString(), "--data", data, "--out", dir.resolve("r").toString(),
        "--skip-bad"), err.toString());
    assertTrue(err.toString().startsWith("warning: skipped " + mask + ": label map is 40x31"), err.toString());
    assertTrue(out.toString().contains("1 bad images or masks skipped"), out.toString());
    JsonObject metrics = JsonParser.parseString(Files.readString(dir.resolve("r/metrics.json"))).getAsJsonObject();
    assertEquals(2, metrics.get("images").getAsInt());
    assertEquals(1, metrics.get("skipped").getAsInt());
  }

  @Test
  void positionAccuracyOfAMicroRunAgainstChance() throws Exception {
    Path runFolder = dir.resolve("run");
    assertEquals(0, run("pretrain", "--out", runFolder.toString(), "--preset", "micro", "--steps", "2", "--batch", "2",
        "--threads", "1", "--data", "synthetic:images=8,seed=3,size=32x24", "--set", "checkpointEvery=2", "--set",
        "workers=1"), err.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, run("evaluate", "--position", runFolder.toString(), "--images", "4", "--threads", "1"),
        err.toString());
    String printed = out.toString();
    assertTrue(printed.contains("on 4 held-out images (synthetic:images=4,seed=777,size=32x24, checkpoint step 2)"),
        printed);
    JsonObject metrics = JsonParser.parseString(Files.readString(runFolder.resolve("eval/metrics.json")))
        .getAsJsonObject();
    double accuracy = metrics.get("positionAccuracy").getAsDouble();
    assertTrue(accuracy >= 0 && accuracy <= 1, printed);
    assertEquals(1.0 / metrics.get("referencePositions").getAsInt(), metrics.get("chance").getAsDouble(), 1e-12);
    assertEquals(accuracy / metrics.get("chance").getAsDouble(), metrics.get("ratioToChance").getAsDouble(), 1e-9);
    assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "position accuracy %.4f", accuracy)), printed);
  }

  @Test
  void heldOutScenesFollowTheRunsSizeWithAnotherSeed() {
    assertEquals("synthetic:images=5,seed=777,size=160x120",
        EvaluateCommand.heldOutScenes("synthetic:images=4096,seed=0,size=160x120", 5));
    assertEquals("synthetic:images=5,seed=778,size=500x375", EvaluateCommand.heldOutScenes("synthetic:seed=777", 5));
  }
}
