package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad flags and config values of {@code loca pretrain} give one line and exit 1, before any work. */
class PretrainCommandTest extends CliTestSupport {
  @TempDir
  Path dir;


  @Test
  void badFlagsAreOneLine() {
    assertEquals(1, run("pretrain"));
    assertEquals("loca: give exactly one of --out RUN (new run) and --resume RUN", oneLine());
    assertEquals(1, run("pretrain", "--out", dir.resolve("a").toString(), "--set", "stepz=3"));
    assertTrue(oneLine().startsWith("loca: unknown config field 'stepz'"));
    assertEquals(1, run("pretrain", "--out", dir.resolve("a").toString(), "--set", "batch"));
    assertEquals("loca: --set expects key=value, got 'batch'", oneLine());
    assertEquals(1, run("pretrain", "--out", dir.resolve("a").toString(), "--batch", "0"));
    assertEquals("loca: batch must be positive, got 0", oneLine());
    assertEquals(1, run("pretrain", "--resume", dir.resolve("nothing").toString()));
    assertTrue(oneLine().contains("no config.json (not a run folder)"));
    assertEquals(1, run("pretrain", "--out", dir.resolve("b").toString(), "--preset", "Z/9"));
    assertTrue(oneLine().startsWith("loca: unknown preset 'Z/9'"));
    assertEquals(2, run("pretrain", "--steps", "many"));
  }
}
