package dev.loca.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkippingReaderTest {
  @TempDir
  Path root;

  private final List<String> warnings = new ArrayList<>();
  private final SkipLog log = new SkipLog(warnings::add);

  private void writeGoodAndBadFiles() {
    byte[] jpeg = TestImages.encode(TestImages.ramp(20, 10), "jpeg");
    TestImages.write(root.resolve("a_good.jpg"), jpeg);
    TestImages.write(root.resolve("b_good.png"), TestImages.encode(TestImages.ramp(8, 8), "png"));
    TestImages.write(root.resolve("c_zero.jpg"), new byte[0]);
    TestImages.write(root.resolve("d_truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length - 40));
    TestImages.write(root.resolve("e_text.jpg"), "not an image\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eachBadFileIsSkippedWithOneWarningAndCounted() throws Exception {
    writeGoodAndBadFiles();
    SkippingReader reader = new SkippingReader(ImageFolderDataset.open(root, log), log);
    List<String> read = new ArrayList<>();
    for (int i = 0; i < reader.dataset().size(); i++) {
      reader.read(i).ifPresent(s -> read.add(s.id()));
    }
    assertEquals(List.of("a_good.jpg", "b_good.png"), read);
    assertEquals(3, log.count());
    assertEquals(3, warnings.size());
    assertTrue(warnings.get(0).startsWith("warning: skipped " + root.resolve("c_zero.jpg") + ": empty file"),
        warnings.get(0));
    assertTrue(warnings.get(1).startsWith("warning: skipped " + root.resolve("d_truncated.jpg") + ": truncated"),
        warnings.get(1));
    assertTrue(warnings.get(2).startsWith("warning: skipped " + root.resolve("e_text.jpg") + ": not an image"),
        warnings.get(2));
    warnings.forEach(w -> assertEquals(1, w.lines().count(), w));
    assertEquals("3 bad files or folders skipped (see the warnings above)", log.summary());
  }

  @Test
  void aBadFileIsCountedOnceOverManyEpochs() throws Exception {
    writeGoodAndBadFiles();
    SkippingReader reader = new SkippingReader(ImageFolderDataset.open(root, log), log);
    for (int epoch = 0; epoch < 3; epoch++) {
      for (int i = 0; i < reader.dataset().size(); i++) {
        reader.read(i);
      }
    }
    assertEquals(3, log.count());
    assertTrue(reader.isKnownBad(2));
    assertFalse(reader.isKnownBad(0));
    assertEquals(Optional.empty(), reader.read(3));
  }

  @Test
  void aFileThatVanishesIsSkipped() throws Exception {
    writeGoodAndBadFiles();
    SkippingReader reader = new SkippingReader(ImageFolderDataset.open(root, log), log);
    Files.delete(root.resolve("a_good.jpg"));
    assertEquals(Optional.empty(), reader.read(0));
    assertEquals("warning: skipped " + root.resolve("a_good.jpg") + ": file not found", warnings.get(0));
  }

  /** Root reads every folder whatever its mode, so this case can only be checked as another user. */
  @Test
  void anUnreadableFolderIsSkippedWithOneWarningAndCounted() throws Exception {
    writeGoodAndBadFiles();
    Path locked = Files.createDirectories(root.resolve("f_locked"));
    TestImages.write(locked.resolve("hidden_good.jpg"), TestImages.encode(TestImages.ramp(8, 8), "jpeg"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      Assumptions.assumeFalse(Files.isReadable(locked),
          "running as root, which can read any folder: the unreadable-folder case cannot be made here");
      ImageFolderDataset dataset = ImageFolderDataset.open(root, log);
      assertEquals(5, dataset.size());
      assertEquals(1, log.count());
      assertTrue(warnings.get(0).startsWith("warning: skipped " + locked + ": cannot be read"), warnings.get(0));
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aLinkLoopIsSkippedWithOneWarningAndCounted() throws Exception {
    writeGoodAndBadFiles();
    Path loop = Files.createSymbolicLink(Files.createDirectories(root.resolve("g")).resolve("back"), root);
    assertEquals(5, ImageFolderDataset.open(root, log).size());
    assertEquals(1, log.count());
    assertTrue(warnings.get(0).startsWith("warning: skipped " + loop + ": cannot be read"), warnings.get(0));
  }

  @Test
  void hiddenFilesAndFoldersAreNotListed() throws Exception {
    writeGoodAndBadFiles();
    TestImages.write(root.resolve("._a_good.jpg"), new byte[] {0, 5, 22, 7});
    TestImages.write(root.resolve(".cache/x.jpg"), new byte[0]);
    assertEquals(5, ImageFolderDataset.open(root, log).size());
    assertEquals(0, log.count());
  }
}
