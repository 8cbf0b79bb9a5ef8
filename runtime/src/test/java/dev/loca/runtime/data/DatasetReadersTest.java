package dev.loca.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The folder, file-list, ADE20K and VOC readers on tiny trees in an in-memory file system. */
class DatasetReadersTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path root = fs.getPath("/data");
  private final SkipLog log = SkipLog.silent();

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private static byte[] jpeg(int w, int h) {
    return TestImages.encode(TestImages.ramp(w, h), "jpeg");
  }

  private static byte[] labels(int w, int h, int... values) {
    return TestImages.encode(TestImages.palette(w, h, values), "png");
  }

  @Test
  void folderIsWalkedRecursivelyInSortedOrderIgnoringOtherFiles() throws Exception {
    TestImages.write(root.resolve("zebra/b.JPG"), jpeg(8, 8));
    TestImages.write(root.resolve("zebra/a.png"), TestImages.encode(TestImages.ramp(4, 4), "png"));
    TestImages.write(root.resolve("apple/deep/c.bmp"), TestImages.encode(TestImages.ramp(4, 4), "bmp"));
    TestImages.write(root.resolve("apple/notes.txt"), "x".getBytes(StandardCharsets.UTF_8));
    TestImages.write(root.resolve("m.gif"), TestImages.encode(TestImages.ramp(4, 4), "gif"));
    ImageFolderDataset d = ImageFolderDataset.open(root, log);
    assertEquals(4, d.size());
    assertEquals(List.of("apple/deep/c.bmp", "m.gif", "zebra/a.png", "zebra/b.JPG"),
        List.of(d.get(0).id(), d.get(1).id(), d.get(2).id(), d.get(3).id()));
    assertTrue(d.get(0).labels().isEmpty());
    assertEquals(List.of(), d.classNames());
    assertEquals("image folder /data (4 images)", d.describe());
  }

  @Test
  void emptyFolderIsAnErrorNamingIt() throws Exception {
    TestImages.write(root.resolve("readme.txt"), "x".getBytes(StandardCharsets.UTF_8));
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderDataset.open(root, log));
    assertEquals("no images in /data (expected .jpg, .jpeg, .png, .bmp or .gif files, searched at any depth)",
        e.getMessage());
  }

  @Test
  void fileListResolvesPathsAgainstItsFolder() throws Exception {
    TestImages.write(root.resolve("img/one.jpg"), jpeg(6, 5));
    TestImages.write(fs.getPath("/elsewhere/two.png"), TestImages.encode(TestImages.ramp(3, 2), "png"));
    Path list = TestImages.write(root.resolve("train.txt"),
        "# my images\nimg/one.jpg\n\n  /elsewhere/two.png  \nimg/missing.jpg\n".getBytes(StandardCharsets.UTF_8));
    FileListDataset d = FileListDataset.open(list);
    assertEquals(3, d.size());
    assertEquals(6, d.get(0).image().width());
    assertEquals(3, d.get(1).image().width());
    BadSampleException e = assertThrows(BadSampleException.class, () -> d.get(2));
    assertEquals("/data/img/missing.jpg: file not found", e.getMessage());
  }

  @Test
  void emptyFileListIsAnError() {
    Path list = TestImages.write(root.resolve("empty.txt"), "# nothing\n\n".getBytes(StandardCharsets.UTF_8));
    DatasetException e = assertThrows(DatasetException.class, () -> FileListDataset.open(list));
    assertEquals("file list /data/empty.txt names no images (expected one image path per line, relative to the"
        + " list's folder)", e.getMessage());
  }

  @Test
  void ade20kMapsValueMinusOneAndZeroToIgnore() throws Exception {
    TestImages.write(root.resolve("images/training/ADE_train_1.jpg"), jpeg(3, 2));
    TestImages.write(root.resolve("annotations/training/ADE_train_1.png"), labels(3, 2, 0, 1, 2, 150, 3, 0));
    TestImages.write(root.resolve("images/validation/ADE_val_1.jpg"), jpeg(2, 1));
    TestImages.write(root.resolve("annotations/validation/ADE_val_1.png"), labels(2, 1, 5, 6));
    Ade20kDataset train = Ade20kDataset.open(root, Ade20kDataset.TRAINING, log);
    assertEquals(150, train.classNames().size());
    assertEquals("wall", train.classNames().get(0));
    assertEquals("flag", train.classNames().get(149));
    assertEquals(255, train.ignoreLabel());
    Sample s = train.get(0);
    assertEquals("ADE_train_1.jpg", s.id());
    assertArrayEquals(new int[] {255, 0, 1, 149, 2, 255}, s.labels().orElseThrow());
    assertArrayEquals(new int[] {4, 5}, Ade20kDataset.open(root, Ade20kDataset.VALIDATION, log).get(0).labels()
        .orElseThrow());
  }

  @Test
  void ade20kTakesClassNamesFromClassesTxtOrObjectInfo() throws Exception {
    TestImages.write(root.resolve("images/training/a.jpg"), jpeg(2, 1));
    TestImages.write(root.resolve("annotations/training/a.png"), labels(2, 1, 1, 3));
    TestImages.write(root.resolve("objectInfo150.txt"),
        "Idx\tRatio\tTrain\tVal\tName\n1\t0.1576\t11664\t1172\twall\n2\t0.1072\t6046\t612\tbuilding;edifice\n"
            .getBytes(StandardCharsets.UTF_8));
    Ade20kDataset withInfo = Ade20kDataset.open(root, Ade20kDataset.TRAINING, log);
    assertEquals(List.of("wall", "building"), withInfo.classNames());
    BadSampleException e = assertThrows(BadSampleException.class, () -> withInfo.get(0));
    assertTrue(e.getMessage().contains("label value 3 at pixel (1, 0); expected 0 (not labelled) or 1..2"),
        e.getMessage());
    TestImages.write(root.resolve("classes.txt"), "sky\nsea\nsand\n".getBytes(StandardCharsets.UTF_8));
    Ade20kDataset withClasses = Ade20kDataset.open(root, Ade20kDataset.TRAINING, log);
    assertEquals(List.of("sky", "sea", "sand"), withClasses.classNames());
    assertArrayEquals(new int[] {0, 2}, withClasses.get(0).labels().orElseThrow());
  }

  @Test
  void ade20kSampleWithoutAnnotationOrWithAnotherSizeIsBad() throws Exception {
    TestImages.write(root.resolve("images/training/a.jpg"), jpeg(3, 2));
    TestImages.write(root.resolve("images/training/b.jpg"), jpeg(3, 2));
    TestImages.write(root.resolve("annotations/training/b.png"), labels(2, 2, 1, 1, 1, 1));
    Ade20kDataset d = Ade20kDataset.open(root, Ade20kDataset.TRAINING, log);
    assertEquals("/data/annotations/training/a.png: file not found",
        assertThrows(BadSampleException.class, () -> d.get(0)).getMessage());
    assertEquals("/data/annotations/training/b.png: label map is 2x2 but its image b.jpg is 3x2",
        assertThrows(BadSampleException.class, () -> d.get(1)).getMessage());
  }

  @Test
  void ade20kMissingSplitIsAnError() throws Exception {
    Files.createDirectories(root.resolve("images/training"));
    Files.createDirectories(root.resolve("annotations/training"));
    assertEquals("ADE20K folder /data has no images/validation folder (expected images/{training,validation}"
        + " and annotations/{training,validation})",
        assertThrows(DatasetException.class, () -> Ade20kDataset.open(root, "validation", log)).getMessage());
    assertTrue(assertThrows(DatasetException.class, () -> Ade20kDataset.open(root, "training", log)).getMessage()
        .startsWith("no images in /data/images/training"));
  }

  @Test
  void vocKeepsPaletteIndicesWith255AsIgnore() throws Exception {
    TestImages.write(root.resolve("JPEGImages/2007_000032.jpg"), jpeg(3, 2));
    TestImages.write(root.resolve("SegmentationClass/2007_000032.png"), labels(3, 2, 0, 1, 20, 255, 15, 0));
    TestImages.write(root.resolve("JPEGImages/2007_000033.jpg"), jpeg(2, 1));
    TestImages.write(root.resolve("SegmentationClass/2007_000033.png"), labels(2, 1, 0, 21));
    TestImages.write(root.resolve("ImageSets/Segmentation/train.txt"),
        "2007_000032\n2007_000033\n".getBytes(StandardCharsets.UTF_8));
    VocDataset d = VocDataset.open(root, VocDataset.TRAIN);
    assertEquals(2, d.size());
    assertEquals(21, d.classNames().size());
    assertEquals(255, d.ignoreLabel());
    assertEquals("2007_000032", d.get(0).id());
    assertArrayEquals(new int[] {0, 1, 20, 255, 15, 0}, d.get(0).labels().orElseThrow());
    BadSampleException e = assertThrows(BadSampleException.class, () -> d.get(1));
    assertTrue(e.getMessage().endsWith("label value 21 at pixel (1, 0); expected 0..20 or 255 (ignore)"),
        e.getMessage());
    assertEquals("Pascal VOC folder /data has no ImageSets/Segmentation/val.txt (expected a list of image ids,"
        + " e.g. train.txt or val.txt)",
        assertThrows(DatasetException.class, () -> VocDataset.open(root, VocDataset.VAL)).getMessage());
  }
}
