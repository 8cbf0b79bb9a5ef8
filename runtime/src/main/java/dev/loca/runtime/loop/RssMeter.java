package dev.loca.runtime.loop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The process's resident set size, to watch native memory over a long run (Linux only). */
public final class RssMeter {
  private static final Path STATUS = Path.of("/proc/self/status");

  private RssMeter() {}

  /** Resident bytes from {@code /proc/self/status} (VmRSS), or −1 where that is unavailable. */
  public static long residentBytes() {
    return read("VmRSS");
  }

  /** The process's peak resident bytes so far (VmHWM, what {@code getrusage}'s ru_maxrss reports), or −1. */
  public static long peakResidentBytes() {
    return read("VmHWM");
  }

  private static long read(String field) {
    try {
      return parse(Files.readAllLines(STATUS, StandardCharsets.UTF_8), field);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The VmRSS line of a {@code /proc/PID/status} text in bytes, or −1 when absent or unreadable. */
  static long parseVmRss(List<String> statusLines) {
    return parse(statusLines, "VmRSS");
  }

  /** The {@code field} line (in kB) of a {@code /proc/PID/status} text in bytes, or −1 when absent or unreadable. */
  static long parse(List<String> statusLines, String field) {
    for (String line : statusLines) {
      if (line.startsWith(field + ":")) {
        String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equalsIgnoreCase("kB")) {
          return -1;
        }
        try {
          return Long.parseLong(parts[0]) * 1024;
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
