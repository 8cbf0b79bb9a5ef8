package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionConfigTest {

  @Test
  void defaultsAndCopies() {
    SessionConfig d = SessionConfig.defaults();
    assertEquals(0, d.intraOpThreads());
    assertEquals(SessionConfig.OptimizationLevel.ALL, d.optimizationLevel());
    assertEquals(SessionConfig.Device.cpu(), d.device());
    assertEquals(Optional.empty(), d.profilingPrefix());
    assertTrue(d.memoryPattern(), "ORT's default");
    assertFalse(SessionConfig.training().memoryPattern());
    assertEquals(Map.of("session.use_env_allocators", "1"), SessionConfig.training().configEntries());
    assertEquals(d, SessionConfig.training().withMemoryPattern(true).withConfigEntries(Map.of()));
    SessionConfig c =
        d.withIntraOpThreads(2)
            .withInterOpThreads(1)
            .withOptimizationLevel(SessionConfig.OptimizationLevel.DISABLED)
            .withDevice(new SessionConfig.Cuda(1, 1L << 30, SessionConfig.ArenaExtendStrategy.SAME_AS_REQUESTED))
            .withProfiling("/tmp/prof")
            .withConfigEntry("b", "2")
            .withConfigEntry("a", "1");
    assertEquals(2, c.intraOpThreads());
    assertEquals(1, c.interOpThreads());
    assertEquals(Optional.of("/tmp/prof"), c.profilingPrefix());
    assertEquals(List.of("b", "a"), List.copyOf(c.configEntries().keySet()), "insertion order kept");
    assertEquals(Optional.empty(), c.withoutProfiling().profilingPrefix());
    assertEquals(0, d.configEntries().size(), "copies do not touch the original");
    assertTrue(c.device() instanceof SessionConfig.Cuda cuda && cuda.deviceId() == 1);
    assertFalse(c.withMemoryPattern(false).withIntraOpThreads(3).withoutProfiling().memoryPattern(),
        "the other copies keep the memory-pattern choice");
  }

  @Test
  void rejectsBadValues() {
    assertThrows(IllegalArgumentException.class, () -> SessionConfig.defaults().withIntraOpThreads(-1));
    assertThrows(IllegalArgumentException.class, () -> SessionConfig.Device.cuda(-1));
    Map<String, String> entries = new java.util.HashMap<>();
    entries.put("k", null);
    assertThrows(NullPointerException.class, () -> SessionConfig.defaults().withConfigEntries(entries));
  }

  @Test
  void optionsReachOrt(@TempDir Path dir) throws Exception {
    SessionConfig config =
        SessionConfig.defaults()
            .withIntraOpThreads(1)
            .withInterOpThreads(1)
            .withOptimizationLevel(SessionConfig.OptimizationLevel.BASIC)
            .withConfigEntry("session.disable_prepacking", "1")
            .withProfiling(dir.resolve("prof").toString());
    try (InferenceSession s = OrtEnvironment.shared().openSession(TinyOnnx.addModel(), config)) {
      assertEquals(List.of("x", "y"), s.inputNames());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(
          files.anyMatch(f -> f.getFileName().toString().startsWith("prof")),
          "ORT wrote a profile file with the prefix");
    }
  }
}
