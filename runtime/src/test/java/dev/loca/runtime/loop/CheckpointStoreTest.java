package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CheckpointStoreTest {
  @TempDir
  Path run;

  /** Stands for {@code kill -9}: nothing after it runs, not even the store's clean-up. */
  private static final class SimulatedCrash extends Error {}

  private Path checkpoints() {
    return run.resolve("checkpoints");
  }

  private static CheckpointStore.Writer text(String content) {
    return folder -> {
      Files.writeString(folder.resolve("state.bin"), content);
      Files.createDirectories(folder.resolve("teacher"));
      Files.writeString(folder.resolve("teacher/buffer.bin"), content + "-teacher");
    };
  }

  private static String content(Path checkpoint) throws IOException {
    return Files.readString(checkpoint.resolve("state.bin"));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> list = Files.list(checkpoints())) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void emptyStoreHasNoLatest() {
    assertEquals(Optional.empty(), new CheckpointStore(checkpoints(), 2).latest());
  }

  @Test
  void committedCheckpointIsNamedByStepAndMarked() throws IOException {
    CheckpointStore store = new CheckpointStore(checkpoints(), 2);
    Path tmp = store.begin(123);
    assertTrue(tmp.getFileName().toString().startsWith(".tmp-"));
    text("a").writeTo(tmp);
    Path saved = store.commit(tmp, 123);
    assertEquals(checkpoints().resolve("step-000000123"), saved);
    assertEquals(Optional.of(saved), store.latest());
    assertEquals(123, CheckpointStore.stepOf(saved));
    assertEquals("123", Files.readString(saved.resolve(CheckpointStore.MARKER)));
    assertEquals("a-teacher", Files.readString(saved.resolve("teacher/buffer.bin")));
    assertEquals(List.of("step-000000123"), names());
  }

  @Test
  void keepsTheNewestK() throws IOException {
    CheckpointStore store = new CheckpointStore(checkpoints(), 2);
    for (long step = 1; step <= 5; step++) {
      store.save(step * 1000, text("s" + step));
    }
    assertEquals(List.of("step-000004000", "step-000005000"), names());
    assertEquals("s5", content(store.latest().orElseThrow()));
  }

  @Test
  void stepsSortNumericallyPastNineDigits() throws IOException {
    CheckpointStore store = new CheckpointStore(checkpoints(), 3);
    store.save(999_999_999L, text("old"));
    store.save(1_000_000_000L, text("new"));
    assertEquals("new", content(store.latest().orElseThrow()));
  }

  @Test
  void resavingAStepReplacesIt() throws IOException {
    CheckpointStore store = new CheckpointStore(checkpoints(), 2);
    store.save(3, text("first"));
    store.save(3, text("second"));
    assertEquals("second", content(store.latest().orElseThrow()));
    assertEquals(List.of("step-000000003"), names());
  }

  @Test
  void halfWrittenFilesAreNotACheckpoint() throws IOException {
    CheckpointStore store = new CheckpointStore(checkpoints(), 2);
    store.save(1, text("good"));
    Path tmp = store.begin(2);
    Files.write(tmp.resolve("state.bin"), new byte[] {1, 2, 3});
    assertEquals("good", content(new CheckpointStore(checkpoints(), 2).latest().orElseThrow()));
  }

  @Test
  void folderWithoutMarkerIsIgnored() throws IOException {
    CheckpointStore store = new CheckpointStore(checkpoints(), 2);
    store.save(1, text("good"));
    Files.createDirectories(checkpoints().resolve("step-000000009"));
    Files.writeString(checkpoints().resolve("step-000000009/state.bin"), "half");
    assertEquals("good", content(store.latest().orElseThrow()));
  }

  @ParameterizedTest
  @EnumSource(CheckpointStore.Stage.class)
  void crashAtAnyStageLeavesACompleteLatest(CheckpointStore.Stage crashAt) throws IOException {
    new CheckpointStore(checkpoints(), 1).save(1, text("previous"));
    CheckpointStore crashing = new CheckpointStore(checkpoints(), 1, stage -> {
      if (stage == crashAt) {
        throw new SimulatedCrash();
      }
    });
    assertThrows(SimulatedCrash.class, () -> crashing.save(2, text("next")));

    CheckpointStore restarted = new CheckpointStore(checkpoints(), 1);
    boolean renamed = crashAt.compareTo(CheckpointStore.Stage.RENAMED) >= 0;
    assertEquals(renamed ? "next" : "previous", content(restarted.latest().orElseThrow()));
    restarted.save(3, text("after"));
    assertEquals(List.of("step-000000003"), names(), "leftovers and old checkpoints are cleaned up");
  }

  @Test
  void oldCheckpointWhoseDeletionWasInterruptedIsIgnored() throws IOException {
    CheckpointStore store = new CheckpointStore(checkpoints(), 2);
    store.save(1, text("one"));
    store.save(2, text("two"));
    // prune removes the marker first; a crash right after leaves the files without it
    Files.delete(checkpoints().resolve("step-000000002").resolve(CheckpointStore.MARKER));
    assertEquals("one", content(store.latest().orElseThrow()));
  }

  @Test
  void commitRefusesAFolderBeginDidNotReturn() {
    CheckpointStore store = new CheckpointStore(checkpoints(), 2);
    Path tmp = store.begin(4);
    assertThrows(IllegalArgumentException.class, () -> store.commit(tmp, 5));
  }

  @Test
  void writerFailureIsAClearErrorAndRemovesThePartialFolder() throws IOException {
    CheckpointStore store = new CheckpointStore(checkpoints(), 2);
    store.save(1, text("good"));
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> store.save(2, folder -> {
          throw new IOException("teacher buffer is closed");
        }));
    assertEquals("cannot write checkpoint step 2 to " + checkpoints()
        + ": teacher buffer is closed", e.getMessage());
    assertEquals(List.of("step-000000001"), names());
    assertFalse(Files.exists(checkpoints().resolve(".tmp-step-000000002")));
    assertEquals("good", content(store.latest().orElseThrow()));
  }
}
