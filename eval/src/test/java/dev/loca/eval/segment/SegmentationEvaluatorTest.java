package dev.loca.eval.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.eval.metrics.ConfusionMatrix;
import dev.loca.eval.testing.TinySegmenters;
import dev.loca.runtime.data.Ade20kLayoutWriter;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.ImageEncoder;
import dev.loca.runtime.data.LabelImage;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.Sample;
import dev.loca.runtime.data.SkipLog;
import dev.loca.runtime.ort.SessionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator on a per-pixel linear segmenter ({@link TinySegmenters}) and a few synthetic scenes: where the
 * resizing is the identity, every predicted pixel, and so the whole confusion matrix, is known from Java.
 */
class SegmentationEvaluatorTest {
  static final SessionConfig ONE_THREAD = SessionConfig.defaults().withIntraOpThreads(1);

  @TempDir
  Path dir;

  private static ImageDataset synthetic(String options) throws Exception {
    return Datasets.open("synthetic:" + options);
  }

  private TinySegmenters.Linear linear(int size, ImageDataset data) {
    return TinySegmenters.Linear.random(size, data.classNames(), 5);
  }

  private static Evaluation evaluate(Path folder, ImageDataset data, EvaluationSettings settings) {
    try (Segmenter s = Segmenter.open(folder, ONE_THREAD)) {
      return SegmentationEvaluator.run(s, data, settings, SkipLog.silent(), done -> { });
    }
  }

  /** The matrix of Java's own per-pixel predictions at the images' original size. */
  private static ConfusionMatrix javaConfusion(TinySegmenters.Linear model, ImageDataset data) throws Exception {
    ConfusionMatrix m = new ConfusionMatrix(data.classNames().size(), data.ignoreLabel());
    for (int i = 0; i < data.size(); i++) {
      Sample s = data.get(i);
      m.add(s.labels().orElseThrow(), model.predict(s.image()));
    }
    return m;
  }

  private static void assertSameCounts(ConfusionMatrix expected, ConfusionMatrix actual) {
    assertEquals(expected.classes(), actual.classes());
    for (int l = 0; l < expected.classes(); l++) {
      for (int p = 0; p < expected.classes(); p++) {
        assertEquals(expected.count(l, p), actual.count(l, p), "label " + l + ", prediction " + p);
      }
    }
  }

  @Test
  void squareImagesAtTheInputSizeArePredictedExactlyInBothModes() throws Exception {
    ImageDataset data = synthetic("images=3,seed=4,size=32x32");
    TinySegmenters.Linear model = linear(32, data);
    Path ft = model.write(dir.resolve("ft"));
    ConfusionMatrix expected = javaConfusion(model, data);
    assertTrue(expected.scores().meanIou() > 0 && expected.scores().meanIou() < 1);
    for (InferenceMode mode : InferenceMode.values()) {
      Evaluation e = evaluate(ft, data, EvaluationSettings.defaults().withMode(mode).withBatch(2));
      assertSameCounts(expected, e.confusion());
      assertEquals(expected.scores().meanIou(), e.confusion().scores().meanIou(), 0);
      assertEquals(3, e.images());
      assertEquals(mode, e.mode());
      assertEquals(3, e.examples().size());
      assertArrayEquals(model.predict(data.get(0).image()), e.examples().get(0).prediction());
    }
  }

  @Test
  void slidingWindowsAreStitchedBackInPlace() throws Exception {
    // short side 16 = S: no resizing; windows along the 40-px side every 11 px, the last flush with the end
    ImageDataset data = synthetic("images=2,seed=9,size=40x16");
    TinySegmenters.Linear model = linear(16, data);
    Path ft = model.write(dir.resolve("ft"));
    assertEquals(List.of(0, 11, 22, 24), boxed(InferenceMode.starts(40, 16, InferenceMode.stride(16))));
    for (int batch : new int[] {1, 2, 7}) {
      Evaluation e = evaluate(ft, data, EvaluationSettings.defaults().withMode(InferenceMode.SLIDE).withBatch(batch));
      assertSameCounts(javaConfusion(model, data), e.confusion());
    }
  }

  @Test
  void resizedImagesStillFollowThePixelsInBothModes() throws Exception {
    // smooth 56x40 colour ramps into a 32-px model: resizing there and back moves class borders by about a
    // pixel, so nearly every pixel agrees with Java's prediction; a transposed, shifted or flipped map would not
    ImageDataset data = new Ramps(56, 40, 3);
    TinySegmenters.Linear model = TinySegmenters.Linear.random(32, data.classNames(), 8);
    Path ft = model.write(dir.resolve("ft"));
    for (InferenceMode mode : InferenceMode.values()) {
      Evaluation e = evaluate(ft, data, EvaluationSettings.defaults().withMode(mode));
      for (Evaluation.Example x : e.examples()) {
        int[] java = model.predict(x.image());
        int same = 0;
        for (int p = 0; p < java.length; p++) {
          same += java[p] == x.prediction()[p] ? 1 : 0;
        }
        assertTrue(same > 0.95 * java.length, mode + ": only " + same + " of " + java.length + " pixels agree");
        assertTrue(Arrays.stream(java).distinct().count() > 1, "the ramp should cross a class border");
      }
    }
  }

  /** Images whose red grows to the right and green downwards (blue set by the index), all labelled 0. */
  private record Ramps(int width, int height, int size) implements ImageDataset {
    @Override
    public Sample get(int index) {
      byte[] rgb = new byte[3 * width * height];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int p = 3 * (y * width + x);
          rgb[p] = (byte) (255 * x / (width - 1));
          rgb[p + 1] = (byte) (255 * y / (height - 1));
          rgb[p + 2] = (byte) (60 * index);
        }
      }
      return new Sample("ramp/" + index, new RgbImage(width, height, rgb), Optional.of(new int[width * height]));
    }

    @Override
    public List<String> classNames() {
      return List.of("a", "b", "c", "d");
    }

    @Override
    public String describe() {
      return "ramps";
    }
  }

  @Test
  void pixelsWithTheIgnoreLabelOfAVocFolderAreNotCounted() throws Exception {
    // Pascal VOC layout: 21 classes, 255 = void; the images' top 8 rows are void
    ImageDataset source = synthetic("images=2,seed=6,size=32x32");
    Path voc = dir.resolve("voc");
    Files.createDirectories(voc.resolve("JPEGImages"));
    Files.createDirectories(voc.resolve("SegmentationClass"));
    Files.createDirectories(voc.resolve("ImageSets/Segmentation"));
    for (int i = 0; i < source.size(); i++) {
      Sample s = source.get(i);
      int[] labels = s.labels().orElseThrow().clone();
      Arrays.fill(labels, 0, 8 * 32, 255);
      ImageEncoder.writeJpeg(s.image(), voc.resolve("JPEGImages/im" + i + ".jpg"), 0.9f);
      ImageEncoder.writeLabelPng(new LabelImage(32, 32, labels), voc.resolve("SegmentationClass/im" + i + ".png"));
    }
    Files.writeString(voc.resolve("ImageSets/Segmentation/val.txt"), "im0\nim1\n");
    ImageDataset data = Datasets.open(voc + "#val");
    assertEquals(21, data.classNames().size());
    TinySegmenters.Linear model = linear(32, data);
    Evaluation e = evaluate(model.write(dir.resolve("ft")), data, EvaluationSettings.defaults());
    assertEquals(2 * 24 * 32, e.confusion().total());
    assertSameCounts(javaConfusion(model, data), e.confusion());
  }

  @Test
  void theDatasetMustHaveTheSegmentersClasses() throws Exception {
    ImageDataset data = synthetic("images=1,size=32x32");
    Path ft = TinySegmenters.Linear.random(32, List.of("a", "b", "c"), 1).write(dir.resolve("ft"));
    EvaluationException e = assertThrows(EvaluationException.class,
        () -> evaluate(ft, data, EvaluationSettings.defaults()));
    assertEquals("synthetic scenes (1 images of 32x32, seed 0, 9 classes) has 9 classes but the segmenter " + ft
        + " predicts 3", e.getMessage());
    Path images = dir.resolve("plain");
    Files.createDirectories(images);
    ImageEncoder.writePng(data.get(0).image(), images.resolve("a.png"));
    e = assertThrows(EvaluationException.class, () -> evaluate(ft, Datasets.open(images.toString()),
        EvaluationSettings.defaults()));
    assertTrue(e.getMessage().endsWith("has no labels (expected a labelled dataset: ADE20K or Pascal VOC layout,"
        + " or synthetic)"), e.getMessage());
  }

  @Test
  void badSamplesStopTheEvaluationNamingTheFileOrAreSkippedAndCounted() throws Exception {
    ImageDataset source = synthetic("images=4,seed=1,size=32x32");
    Path ade = dir.resolve("ade");
    Ade20kLayoutWriter writer = new Ade20kLayoutWriter(ade, "validation", "s", 0.95f);
    writer.write(source, 4, n -> { });
    Path outOfRange = writer.annotationFolder().resolve("s_00000001.png");
    int[] values = new int[32 * 32];
    values[5] = 200; // classes.txt has 9 classes: 1..9 are classes, 0 is unlabelled
    ImageEncoder.writeLabelPng(new LabelImage(32, 32, values), outOfRange);
    Path wrongSize = writer.annotationFolder().resolve("s_00000002.png");
    ImageEncoder.writeLabelPng(new LabelImage(16, 32, new int[16 * 32]), wrongSize);
    ImageDataset data = Datasets.open(ade + "#validation");
    Path ft = linear(32, data).write(dir.resolve("ft"));

    EvaluationException e = assertThrows(EvaluationException.class,
        () -> evaluate(ft, data, EvaluationSettings.defaults()));
    assertTrue(e.getMessage().startsWith(outOfRange + ": label value 200 at pixel (5, 0)"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(--skip-bad skips such files)"), e.getMessage());

    List<String> warnings = new ArrayList<>();
    Evaluation skipped;
    try (Segmenter s = Segmenter.open(ft, ONE_THREAD)) {
      skipped = SegmentationEvaluator.run(s, data, EvaluationSettings.defaults().withSkipBad(true),
          new SkipLog(warnings::add), done -> { });
    }
    assertEquals(2, skipped.images());
    assertEquals(2, skipped.skipped());
    assertEquals(2, warnings.size());
    assertTrue(warnings.get(1).contains(wrongSize + ": label map is 16x32"), warnings.get(1));
    assertEquals(2 * 32 * 32, skipped.confusion().total());
  }

  private static List<Integer> boxed(int[] values) {
    List<Integer> list = new ArrayList<>();
    for (int v : values) {
      list.add(v);
    }
    return list;
  }
}
