package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.SessionConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code --device} and the CUDA options: parsing, and the one-line answers of the CPU build. */
class DeviceOptionsTest extends CliTestSupport {
  @TempDir
  Path dir;

  @Command(name = "probe")
  static final class Probe implements Runnable {
    @Mixin
    DeviceOptions device;

    @Override
    public void run() {}
  }

  private static DeviceOptions parse(String... args) {
    Probe p = new Probe();
    new CommandLine(p).parseArgs(args);
    return p.device;
  }

  private static boolean cpuBuild() {
    return !OrtEnvironment.shared().availableProviders().contains("CUDAExecutionProvider");
  }

  @Test
  void parsesDeviceAndCudaSettings() {
    DeviceOptions d = parse("--device", "CUDA", "--cuda-device", "1", "--cuda-mem-limit", "20g", "--cuda-arena",
        "same-as-requested");
    assertEquals(Optional.of(DeviceOptions.Choice.CUDA), d.choice());
    assertEquals(1, d.cudaDevice);
    assertEquals(20L << 30, d.cudaMemLimitBytes);
    assertEquals(SessionConfig.ArenaExtendStrategy.SAME_AS_REQUESTED, d.cudaArena);
    assertEquals(512L << 20, parse("--cuda-mem-limit", "512m").cudaMemLimitBytes);
    assertEquals(4096L, parse("--cuda-mem-limit", "4096").cudaMemLimitBytes);
    DeviceOptions defaults = parse();
    assertEquals(Optional.empty(), defaults.choice());
    assertEquals(0, defaults.cudaDevice);
    assertEquals(0L, defaults.cudaMemLimitBytes);
    assertEquals(SessionConfig.ArenaExtendStrategy.NEXT_POWER_OF_TWO, defaults.cudaArena);
    assertEquals(Optional.of(DeviceOptions.Choice.AUTO), parse("--device", "auto").choice());
  }

  @Test
  void badValuesAreUsageErrorsNamingTheOption() {
    assertEquals(2, run("pretrain", "--device", "gpu"));
    assertTrue(err.toString().contains("'--device'") && err.toString().contains("expected cpu, cuda or auto, got"
        + " 'gpu'"), err.toString());
    assertThrows(CommandLine.ParameterException.class, () -> parse("--cuda-mem-limit", "lots"));
    assertThrows(CommandLine.ParameterException.class, () -> parse("--cuda-mem-limit", "-1g"));
    assertThrows(CommandLine.ParameterException.class, () -> parse("--cuda-arena", "double"));
  }

  @Test
  void cpuNeedsNoProbe() {
    StringWriter said = new StringWriter();
    assertInstanceOf(SessionConfig.Cpu.class, parse("--device", "cpu").resolve(new PrintWriter(said), "cuda"));
    assertInstanceOf(SessionConfig.Cpu.class, parse().resolve(new PrintWriter(said), "cpu"));
    assertEquals("", said.toString());
    assertEquals("cpu", DeviceOptions.name(SessionConfig.Device.cpu()));
    assertEquals("cuda", DeviceOptions.name(SessionConfig.Device.cuda(0)));
  }

  @Test
  void cpuBuildRefusesCudaInOneLineBeforeAnyWork() throws Exception {
    assumeTrue(cpuBuild(), "GPU build of ORT on the test classpath");
    Path run = dir.resolve("run");
    assertEquals(1, run("pretrain", "--preset", "micro", "--steps", "1", "--device", "cuda", "--out", run.toString()));
    String e = err.toString().strip();
    assertEquals(1, e.lines().count(), e);
    assertTrue(e.startsWith("loca: --device cuda: GPU build not installed: "), e);
    assertTrue(e.contains("-Pcuda") && e.contains("scripts/gpu-bundle.sh"), e);
    assertFalse(Files.exists(run), "nothing written");
    assertEquals(1, run("pretrain", "--preset", "micro", "--device", "cuda", "--cuda-device", "-1", "--out",
        run.toString()));
    assertTrue(err.toString().contains("CUDA device id must be >= 0, got -1"), err.toString());
  }

  @Test
  void autoFallsBackToCpuSayingWhy() {
    assumeTrue(cpuBuild(), "GPU build of ORT on the test classpath");
    StringWriter said = new StringWriter();
    SessionConfig.Device d = parse("--device", "auto").resolve(new PrintWriter(said), "cpu");
    assertInstanceOf(SessionConfig.Cpu.class, d);
    assertTrue(said.toString().startsWith("loca: --device auto: using the CPU (GPU build not installed: "),
        said.toString());
    assertEquals(1, said.toString().strip().lines().count());
    StringWriter fromConfig = new StringWriter();
    UserError e = assertThrows(UserError.class, () -> parse().resolve(new PrintWriter(fromConfig), "cuda"));
    assertTrue(e.getMessage().startsWith("--device cuda: GPU build not installed"), e.getMessage());
  }
}
