package dev.loca.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.loca.runtime.data.synthetic.SyntheticScenes;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Synthetic scenes written in the ADE20K layout and read back by the ADE20K reader. */
class Ade20kLayoutWriterTest {
  @Test
  void syntheticScenesRoundTripThroughTheAde20kLayout() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = fs.getPath("/synth");
      SyntheticScenes scenes = new SyntheticScenes(4, 11, 64, 48);
      new Ade20kLayoutWriter(root, Ade20kDataset.TRAINING, "scene", 0.95f).write(scenes, 4, done -> { });
      assertTrue(Files.isRegularFile(root.resolve("images/training/scene_00000003.jpg")));
      assertTrue(Files.isRegularFile(root.resolve("annotations/training/scene_00000003.png")));

      ImageDataset back = Datasets.open(root, SkipLog.silent());
      assertEquals(4, back.size());
      assertEquals(scenes.classNames(), back.classNames());
      for (int i = 0; i < 4; i++) {
        Sample original = scenes.get(i);
        Sample read = back.get(i);
        assertEquals("scene_0000000" + i + ".jpg", read.id());
        assertArrayEquals(original.labels().orElseThrow(), read.labels().orElseThrow(), "mask " + i);
        double own = meanAbsoluteDifference(original.image(), read.image());
        double other = meanAbsoluteDifference(scenes.get((i + 1) % 4).image(), read.image());
        assertTrue(own < 10 && other > 3 * own, "JPEG is lossy (grain, hard edges, 4:2:0 chroma) but close: mean"
            + " |difference| " + own + " to its scene, " + other + " to another");
      }
    }
  }

  private static double meanAbsoluteDifference(RgbImage a, RgbImage b) {
    long sum = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
    }
    return (double) sum / a.rgb().length;
  }
}
