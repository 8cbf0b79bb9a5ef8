package dev.loca.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loca.runtime.data.synthetic.SyntheticScenes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir
  Path dir;

  private final SkipLog log = SkipLog.silent();

  private String message(String spec) {
    return assertThrows(DatasetException.class, () -> Datasets.open(spec, log)).getMessage();
  }

  @Test
  void syntheticSpecs() throws Exception {
    ImageDataset plain = Datasets.open("synthetic", log);
    assertEquals("synthetic scenes (10000 images of 500x375, seed 0, 9 classes)", plain.describe());
    SyntheticScenes custom = (SyntheticScenes) Datasets.open("synthetic:images=12, seed=5,size=64x48", log);
    assertEquals(12, custom.size());
    assertEquals(5, custom.generator().seed());
    assertEquals(64, custom.generator().width());
    assertEquals(48, custom.generator().height());
  }

  @Test
  void badSyntheticSpecSaysWhatIsExpected() {
    assertEquals("bad synthetic dataset spec 'synthetic:images=lots' (For input string: \"lots\"); expected"
        + " synthetic[:images=N,seed=S,size=WxH] with at least 1 image and 8x8 pixels",
        message("synthetic:images=lots"));
    assertEquals("bad synthetic dataset spec 'synthetic:colour=red' (key colour); expected"
        + " synthetic[:images=N,seed=S,size=WxH] with at least 1 image and 8x8 pixels",
        message("synthetic:colour=red"));
    assertEquals(1, message("synthetic:size=4x4").lines().count());
  }

  @Test
  void missingPathIsOneLineNamingItAndWhatWasExpected() {
    Path missing = dir.resolve("nowhere");
    assertEquals(missing + " does not exist (expected an image folder, a text file listing images, an ADE20K or"
        + " Pascal VOC folder, or 'synthetic')", message(missing.toString()));
    assertEquals("no data given (expected an image folder, a text file listing images, an ADE20K or Pascal VOC"
        + " folder, or 'synthetic')", message(" "));
  }

  @Test
  void emptyFolderIsOneLineNamingIt() {
    assertEquals("no images in " + dir + " (expected .jpg, .jpeg, .png, .bmp or .gif files, searched at any"
        + " depth)", message(dir.toString()));
  }

  @Test
  void aSingleImageIsNotADataset() {
    Path image = TestImages.write(dir.resolve("cat.jpg"), TestImages.encode(TestImages.ramp(4, 4), "jpeg"));
    assertEquals(image + " is a single image (expected a folder of images or a text file listing image paths)",
        message(image.toString()));
  }

  @Test
  void layoutsAreRecognised() throws Exception {
    byte[] jpeg = TestImages.encode(TestImages.ramp(4, 4), "jpeg");
    Path folder = dir.resolve("folder");
    TestImages.write(folder.resolve("a/b.jpg"), jpeg);
    assertInstanceOf(ImageFolderDataset.class, Datasets.open(folder.toString(), log));

    Path list = TestImages.write(dir.resolve("list.txt"), "folder/a/b.jpg\n".getBytes(StandardCharsets.UTF_8));
    assertInstanceOf(FileListDataset.class, Datasets.open(list.toString(), log));

    Path ade = dir.resolve("ade");
    TestImages.write(ade.resolve("images/training/x.jpg"), jpeg);
    TestImages.write(ade.resolve("images/validation/y.jpg"), jpeg);
    Files.createDirectories(ade.resolve("annotations/training"));
    Files.createDirectories(ade.resolve("annotations/validation"));
    assertEquals("ADE20K layout " + ade + ", split training (1 images, 150 classes)",
        Datasets.open(ade.toString(), log).describe());
    assertEquals("ADE20K layout " + ade + ", split validation (1 images, 150 classes)",
        Datasets.open(ade + "#validation", log).describe());

    Path voc = dir.resolve("voc");
    TestImages.write(voc.resolve("JPEGImages/1.jpg"), jpeg);
    Files.createDirectories(voc.resolve("SegmentationClass"));
    TestImages.write(voc.resolve("ImageSets/Segmentation/train.txt"), "1\n".getBytes(StandardCharsets.UTF_8));
    TestImages.write(voc.resolve("ImageSets/Segmentation/val.txt"), "1\n".getBytes(StandardCharsets.UTF_8));
    assertInstanceOf(VocDataset.class, Datasets.open(voc.toString(), log));
    assertEquals("Pascal VOC layout " + voc + ", split val (1 images, 21 classes)",
        Datasets.open(voc + "#val", log).describe());

    assertEquals(folder + " is not an ADE20K or Pascal VOC folder, so '#val' names no split (expected images/"
        + " and annotations/, or JPEGImages/ and SegmentationClass/)", message(folder + "#val"));
  }
}
