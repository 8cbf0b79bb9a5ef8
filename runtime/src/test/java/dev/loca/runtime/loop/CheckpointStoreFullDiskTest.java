package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tiny in-memory disk: 8 blocks of 4 KiB. */
class CheckpointStoreFullDiskTest {
  private static final int BLOCK = 4096;

  private final FileSystem disk = Jimfs.newFileSystem(Configuration.unix().toBuilder()
      .setBlockSize(BLOCK).setMaxSize(8L * BLOCK).setMaxCacheSize(0).build());
  private final Path dir = disk.getPath("/run/checkpoints");
  private final CheckpointStore store = new CheckpointStore(dir, 2);

  @AfterEach
  void close() throws IOException {
    disk.close();
  }

  private static CheckpointStore.Writer bytes(int size) {
    return folder -> Files.write(folder.resolve("state.bin"), new byte[size]);
  }

  private void assertPreviousIsLatest() throws IOException {
    Path latest = new CheckpointStore(dir, 2).latest().orElseThrow();
    assertEquals("step-000000001", latest.getFileName().toString());
    assertEquals(100, Files.size(latest.resolve("state.bin")));
  }

  @Test
  void fullDiskWhileFillingIsAClearErrorAndKeepsThePrevious() throws IOException {
    store.save(1, bytes(100));
    CheckpointException e = assertThrows(CheckpointException.class, () -> store.save(2, bytes(64 * BLOCK)));
    assertEquals("cannot write checkpoint step 2 to /run/checkpoints: out of disk space", e.getMessage());
    assertPreviousIsLatest();
    assertFalse(Files.exists(dir.resolve(".tmp-step-000000002")), "the partial folder frees its space");
    store.save(3, bytes(100));
    assertEquals("step-000000003", store.latest().orElseThrow().getFileName().toString());
  }

  @Test
  void fullDiskWhenWritingTheMarkerKeepsThePrevious() throws IOException {
    store.save(1, bytes(100)); // two blocks: the data and the marker
    Path tmp = store.begin(2);
    bytes(6 * BLOCK).writeTo(tmp); // the rest of the disk
    CheckpointException e = assertThrows(CheckpointException.class, () -> store.commit(tmp, 2));
    assertEquals("cannot write checkpoint step 2 to /run/checkpoints: out of disk space", e.getMessage());
    assertPreviousIsLatest();
  }
}
