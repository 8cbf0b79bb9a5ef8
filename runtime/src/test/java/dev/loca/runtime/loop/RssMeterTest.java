package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RssMeterTest {
  @Test
  void parsesVmRssInKilobytes() {
    assertEquals(2048 * 1024L, RssMeter.parseVmRss(List.of("Name:\tjava", "VmRSS:\t    2048 kB", "Threads: 3")));
  }

  @Test
  void missingOrOddLineGivesMinusOne() {
    assertEquals(-1, RssMeter.parseVmRss(List.of("Name:\tjava")));
    assertEquals(-1, RssMeter.parseVmRss(List.of("VmRSS:\t lots kB")));
  }

  @Test
  void peakIsTheVmHwmLine() {
    List<String> status = List.of("VmHWM:\t    4096 kB", "VmRSS:\t    2048 kB");
    assertEquals(4096 * 1024L, RssMeter.parse(status, "VmHWM"));
    assertEquals(2048 * 1024L, RssMeter.parse(status, "VmRSS"));
  }

  @Test
  void thisProcessHasAResidentSizeOnLinux() {
    long rss = RssMeter.residentBytes();
    long peak = RssMeter.peakResidentBytes();
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      assertTrue(rss > 1 << 20, "rss " + rss);
      assertTrue(peak >= rss, "peak " + peak + " < rss " + rss);
    } else {
      assertEquals(-1, rss);
      assertEquals(-1, peak);
    }
  }
}
