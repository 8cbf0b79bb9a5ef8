package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime loads the probe checkpoint that graph-builder's CheckpointWriter wrote with external data:
 * {@code probe_external.ckpt}, whose module state says {@code has_external_data} and whose tensors
 * (parameters and AdamW moments) carry offsets into {@code probe_external.ckpt.data} (the golden pair
 * pinned by graph-builder's GoldenCheckpointTest). It must train from it exactly as from the single-file
 * checkpoint of the same state ({@link WrittenCheckpointTest}).
 */
class WrittenExternalCheckpointTest {
  private final OrtEnvironment env = OrtEnvironment.shared();

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = WrittenExternalCheckpointTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  private static Path pair(Path dir) throws IOException {
    Files.write(dir.resolve("probe_external.ckpt.data"), resource("probe_external.ckpt.data"));
    return Files.write(dir.resolve("probe_external.ckpt"), resource("probe_external.ckpt"));
  }

  @Test
  void ortLoadsTheExternalPairWithItsOptimizerStateAndTrains(@TempDir Path dir) throws IOException {
    WrittenCheckpointTest.checkLoadsAndTrains(env, pair(dir), dir);
  }

  @Test
  void theSideFileIsRequiredAndBytesAloneAreRefused(@TempDir Path dir) throws IOException {
    Path file = pair(dir);
    byte[] bytes = Files.readAllBytes(file);
    OrtFailure fromBuffer = assertThrows(OrtFailure.class, () -> env.loadCheckpoint(bytes).close());
    assertTrue(fromBuffer.getMessage().contains("External data is present in the checkpoint"),
        fromBuffer.getMessage());
    Files.delete(dir.resolve("probe_external.ckpt.data"));
    OrtFailure missing = assertThrows(OrtFailure.class, () -> env.loadCheckpoint(file).close());
    assertTrue(missing.getMessage().contains("Failed to open checkpoint's external data file"), missing.getMessage());
    assertTrue(missing.getMessage().contains(file + ".data"), "ORT names " + file + ".data: " + missing.getMessage());
  }

  @Test
  void saveMovesOrtsSideFileNextToTheCheckpoint(@TempDir Path dir) throws IOException {
    Path saved = dir.resolve("out/ckpt");
    try (CheckpointState state = env.loadCheckpoint(pair(dir))) {
      state.save(saved, true);
    }
    Path data = saved.resolveSibling("ckpt.data");
    assertEquals(4 * (6 + 2 + 2), Files.size(data), "ORT saved W, b and shift to the side file");
    try (var files = Files.list(saved.getParent())) {
      assertEquals(java.util.List.of(saved, data), files.sorted().toList(), "no temporary file is left behind");
    }
    try (CheckpointState state = env.loadCheckpoint(saved)) {
      assertEquals(7L, state.longProperty("epoch"));
      state.save(saved, true);
    }
    assertTrue(Files.exists(data), "an external state saves external again");
    try (CheckpointState state = env.loadCheckpoint(WrittenCheckpointTest.golden())) {
      state.save(saved, true);
    }
    assertFalse(Files.exists(data), "a single-file save to the same path removes the stale side file");
    try (CheckpointState state = env.loadCheckpoint(saved)) {
      assertEquals(7L, state.longProperty("epoch"));
    }
  }
}
