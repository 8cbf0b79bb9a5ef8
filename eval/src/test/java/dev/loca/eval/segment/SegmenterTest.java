package dev.loca.eval.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.eval.testing.TinySegmenters;
import dev.loca.graphs.seg.SegmenterCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a segmenter folder: each way it can disagree with the contract is one line naming the file. */
class SegmenterTest {
  private static final TinySegmenters.Linear MODEL =
      TinySegmenters.Linear.random(16, List.of("sky", "road", "car"), 3);

  @TempDir
  Path dir;

  private String failure(Path folder) {
    EvaluationException e = assertThrows(EvaluationException.class,
        () -> Segmenter.open(folder, SegmentationEvaluatorTest.ONE_THREAD).close());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aGoodFolderOpensAndRunsABatch() {
    try (Segmenter s = Segmenter.open(MODEL.write(dir.resolve("ft")), SegmentationEvaluatorTest.ONE_THREAD)) {
      assertEquals(MODEL.card(), s.card());
      assertEquals(-1, s.fixedBatch());
      assertEquals(2 * 3 * 16 * 16, s.logits(new float[2 * 3 * 16 * 16], 2).length);
    }
  }

  @Test
  void missingFolderCardOrModel() throws Exception {
    assertTrue(failure(dir.resolve("nothing")).endsWith("nothing is not a folder (expected a fine-tuned segmenter"
        + " folder with segmenter.json and segmenter.onnx)"));
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertEquals(empty + ": no segmenter.json (expected a fine-tuned segmenter folder)", failure(empty));
    Path noModel = Files.createDirectories(dir.resolve("no-model"));
    MODEL.card().write(noModel);
    assertEquals(noModel + ": no segmenter.onnx (expected the segmenter's inference model beside segmenter.json)",
        failure(noModel));
    Path badCard = MODEL.write(dir.resolve("bad-card"));
    Files.writeString(badCard.resolve(SegmenterCard.FILE_NAME), "{\"imageSize\": \"big\"");
    assertTrue(failure(badCard).startsWith(badCard.resolve(SegmenterCard.FILE_NAME) + ": not a segmenter card"));
  }

  @Test
  void aFileThatIsNotOnnx() throws Exception {
    Path ft = MODEL.write(dir.resolve("ft"));
    Files.writeString(ft.resolve(SegmenterCard.MODEL_FILE), "these are not the bytes of an ONNX model");
    assertTrue(failure(ft).startsWith(ft.resolve(SegmenterCard.MODEL_FILE)
        + ": not an ONNX model that ONNX Runtime can load ("), failure(ft));
  }

  @Test
  void aModelThatDisagreesWithItsCard() {
    Path model = dir.resolve("names").resolve(SegmenterCard.MODEL_FILE);
    assertEquals(model + ": inputs [pixels] disagree with segmenter.json (expected one input 'images'"
        + " float[N, 3, 16, 16])", failure(MODEL.write(dir.resolve("names"), "pixels", "logits", 16, 3)));
    model = dir.resolve("out").resolve(SegmenterCard.MODEL_FILE);
    assertEquals(model + ": outputs [scores] disagree with segmenter.json (expected one output 'logits'"
        + " float[N, 3, 16, 16])", failure(MODEL.write(dir.resolve("out"), "images", "scores", 16, 3)));
    model = dir.resolve("size").resolve(SegmenterCard.MODEL_FILE);
    assertEquals(model + ": input 'images' is FLOAT[N, 3, 32, 32] but segmenter.json asks for float[N, 3, 16, 16]",
        failure(MODEL.write(dir.resolve("size"), "images", "logits", 32, 3)));
    model = dir.resolve("classes").resolve(SegmenterCard.MODEL_FILE);
    assertEquals(model + ": output 'logits' is FLOAT[N, 5, 16, 16] but segmenter.json asks for float[N, 3, 16, 16]",
        failure(MODEL.write(dir.resolve("classes"), "images", "logits", 16, 5)));
  }

  @Test
  void unknownModeIsOneLine() {
    EvaluationException e = assertThrows(EvaluationException.class, () -> InferenceMode.parse("tiles"));
    assertEquals("unknown inference mode 'tiles' (expected whole or slide)", e.getMessage());
    assertEquals(InferenceMode.WHOLE, InferenceMode.parse("Whole"));
  }
}
