package dev.loca.train.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderPosition;
import dev.loca.runtime.data.LoaderSettings;
import dev.loca.train.views.LocaBatch.Part;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocaLoadersTest {
  private static final ViewsConfig CONFIG = ViewsConfig.cpu().withBlurMode(BlurMode.INTENDED);
  private static final ImageDataset DATA = GradientImages.dataset(10, 40, 30);

  /** The bytes of every part of {@code count} batches, one byte array per batch. */
  private static List<byte[]> bytes(LoaderSettings settings, int count) {
    List<byte[]> out = new ArrayList<>();
    try (Loader<LocaSample, LocaBatch> loader = LocaLoaders.open(DATA, CONFIG, settings)) {
      for (int i = 0; i < count; i++) {
        try (LocaBatch batch = loader.next()) {
          ByteBuffer all = ByteBuffer.allocate(Arrays.stream(Part.values()).mapToInt(p -> batch.bytes(p).remaining())
              .sum());
          for (Part p : Part.values()) {
            all.put(batch.bytes(p));
          }
          out.add(all.array());
        }
      }
    }
    return out;
  }

  @Test
  void oneAndThreeWorkersGiveIdenticalBytes() {
    LoaderSettings settings = LoaderSettings.of(3, 17);
    List<byte[]> one = bytes(settings, 4);
    List<byte[]> three = bytes(settings.withWorkers(3), 4);
    for (int i = 0; i < one.size(); i++) {
      assertTrue(Arrays.equals(one.get(i), three.get(i)), "batch " + i);
    }
    assertTrue(!Arrays.equals(one.get(0), one.get(1)));
  }

  @Test
  void resumingGivesTheSameFollowingBatches() {
    LoaderSettings settings = LoaderSettings.of(3, 4).withWorkers(2);
    List<byte[]> straight = bytes(settings, 5); // 3 batches per epoch
    List<byte[]> resumed = bytes(settings.withStart(new LoaderPosition(1, 0)), 2);
    assertTrue(Arrays.equals(straight.get(3), resumed.get(0)));
    assertTrue(Arrays.equals(straight.get(4), resumed.get(1)));
  }

  @Test
  void batchesCarryTheirPositionAndIds() {
    try (Loader<LocaSample, LocaBatch> loader = LocaLoaders.open(DATA, CONFIG,
        LoaderSettings.of(5, 1).withShuffle(false))) {
      try (LocaBatch b = loader.next()) {
        assertEquals(LoaderPosition.START, b.position());
        assertEquals(List.of("gradient-0", "gradient-1", "gradient-2", "gradient-3", "gradient-4"), b.ids());
      }
      assertEquals(new LoaderPosition(0, 1), loader.position());
    }
  }
}
