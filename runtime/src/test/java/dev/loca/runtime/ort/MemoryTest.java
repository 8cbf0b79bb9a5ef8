package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A long run must not grow native memory: every native object is released exactly once. */
class MemoryTest {
  private static final int BATCH = 4096;

  @Test
  void tenThousandRunsDoNotGrowRss() throws IOException {
    try (InferenceSession session =
        OrtEnvironment.shared()
            .openSession(TinyOnnx.addModel(), SessionConfig.defaults().withIntraOpThreads(1))) {
      float[] xs = new float[BATCH * 3]; // 48 KiB in, 48 KiB out: a leak of either shows at once
      float[] ys = {1, 2, 3};
      for (int i = 0; i < 500; i++) {
        runOnce(session, xs, ys);
      }
      long before = rssKb();
      float sum = 0;
      for (int i = 0; i < 10_000; i++) {
        sum += runOnce(session, xs, ys);
      }
      long after = rssKb();
      assertEquals(10_000f * 1, sum);
      long grownMb = (after - before) / 1024;
      System.out.println("MemoryTest: VmRSS " + before + " kB -> " + after + " kB after 10000 runs");
      assertTrue(grownMb <= 100, "RSS grew by " + grownMb + " MB (" + before + " kB -> " + after + " kB)");
    }
  }

  private static float runOnce(InferenceSession session, float[] xs, float[] ys) {
    try (OrtTensor x = OrtTensor.fromFloats(xs, BATCH, 3);
        OrtTensor y = OrtTensor.fromFloats(ys, 3);
        RunResult r = session.run(Map.of("x", x, "y", y))) {
      return r.get("z").floatBuffer().get(0); // no Java-heap garbage: RSS then measures native memory
    }
  }

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
