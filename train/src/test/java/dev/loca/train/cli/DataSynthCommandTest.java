package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.runtime.data.Ade20kDataset;
import dev.loca.runtime.data.Datasets;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.SkipLog;
import dev.loca.runtime.data.synthetic.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSynthCommandTest extends CliTestSupport {
  @TempDir
  Path dir;

  @Test
  void writesScenesThatTheAde20kReaderOpensBack() throws Exception {
    Path target = dir.resolve("synth");
    assertEquals(0, run("data", "synth", "--out", target.toString(), "--images", "3", "--seed", "4", "--width", "48",
        "--height", "32"), err.toString());
    assertTrue(out.toString().startsWith("wrote 3 synthetic scenes of 48x32 (seed 4) to " + target), out.toString());
    assertEquals(List.of("background", "disc", "square", "triangle", "ring", "star", "bar", "cross", "crescent"),
        Files.readAllLines(target.resolve("classes.txt")));

    ImageDataset back = Datasets.open(target.toString(), SkipLog.silent());
    assertTrue(back instanceof Ade20kDataset, back.describe());
    assertEquals(3, back.size());
    SyntheticScenes scenes = new SyntheticScenes(3, 4, 48, 32);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(scenes.get(i).labels().orElseThrow(), back.get(i).labels().orElseThrow());
      assertEquals(48, back.get(i).image().width());
    }
  }

  @Test
  void aSecondSplitGoesBesideTheFirst() {
    Path target = dir.resolve("synth");
    assertEquals(0, run("data", "synth", "--out", target.toString(), "--images", "1", "--width", "16", "--height",
        "16"));
    assertEquals(0, run("data", "synth", "--out", target.toString(), "--images", "2", "--width", "16", "--height",
        "16", "--split", "validation", "--seed", "9"));
    assertTrue(Files.isRegularFile(target.resolve("images/validation/scene_00000001.jpg")));
  }

  @Test
  void refusesToMixWithExistingScenes() {
    Path target = dir.resolve("synth");
    assertEquals(0, run("data", "synth", "--out", target.toString(), "--images", "1", "--width", "16", "--height",
        "16"));
    assertEquals(1, run("data", "synth", "--out", target.toString(), "--images", "1"));
    assertEquals("loca: " + target.resolve("images/training") + " already holds files; give --out a new or empty"
        + " folder", err.toString().strip());
  }

  @Test
  void badFlagsAreOneLine() {
    assertEquals(1, run("data", "synth", "--out", dir.toString(), "--images", "0"));
    assertEquals("loca: --images must be at least 1, got 0", err.toString().strip());
  }

  @Test
  void tooSmallScenesAreRefused() {
    assertEquals(1, run("data", "synth", "--out", dir.toString(), "--images", "1", "--width", "4"));
    assertEquals("loca: --width and --height must be in 8..8192, got 4x375", err.toString().strip());
  }

  @Test
  void missingOutIsBadUsage() {
    assertEquals(2, run("data", "synth", "--images", "2"));
    assertTrue(err.toString().startsWith("loca: Missing required option: '--out=DIR'"), err.toString());
  }

  @Test
  void dataAloneListsItsCommands() {
    assertEquals(0, run("data"));
    assertTrue(out.toString().contains("synth"), out.toString());
  }
}
