package dev.loca.train.cli;

import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.ort.OrtFailure;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.pretrain.BenchReport;
import dev.loca.train.pretrain.StepBenchmark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loca bench}: times the full LOCA pretraining step of a preset. A benchmark, not a test. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Time the full LOCA pretraining step (EMA teacher, student TrainStep, masked AdamW, EMA update) on"
        + " one pre-built batch, after warm-up.",
        "Prints ms/step (median, p10, p90), images/s, achieved GFLOP/s (3 x student forward + teacher forward, the"
            + " analytic FLOPs of summary.json), peak RSS and the split between teacher, train step, optimizer, EMA"
            + " and data wait; the last line is 'bench: key=value ...'.",
        "The PyTorch peer's configurations: (a) --preset tiny-p8-64 --batch 16, (b) --preset tiny-p16-224 --batch 8."})
final class BenchCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Option(names = "--preset", required = true, description = "LOCA preset: ${COMPLETION-CANDIDATES}.",
      completionCandidates = GraphsCommand.Presets.class)
  String preset;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--batch", defaultValue = "16", description = "Images per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Mixin
  DeviceOptions device;

  @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (default: 0, its"
      + " own choice).")
  int threads;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of parameters, views and draws (default:"
      + " ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--data", defaultValue = DataSources.SYNTHETIC, description = "Images the batch is made of"
      + " (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--workers", defaultValue = "0", description = "0 (default): one batch made before the timing"
      + " and fed to every step; N: a loader with N workers makes a new batch for every step, and the wait is timed.")
  int workers;

  @Option(names = "--profile", description = "Write ONNX Runtime's per-op profile of every session to JSON files"
      + " starting with this prefix.")
  String profile;

  @Option(names = "--set", description = "field=value of the LOCA config (referenceSize, focalQueries, flavour, ...,"
      + " vit.posGrid, vit.depth, ...), applied together.")
  List<String> sets = new ArrayList<>();

  @Override
  public void run() {
    if (steps <= 0 || warmup < 0 || batch <= 0 || threads < 0 || workers < 0) {
      throw new UserError("expected --steps > 0, --warmup >= 0, --batch > 0, --threads >= 0 and --workers >= 0");
    }
    SessionConfig.Device d = device.resolve(spec.commandLine().getErr(), "cpu");
    StepBenchmark.Settings settings = new StepBenchmark.Settings(config(), batch, warmup, steps, session(d), seed,
        DataSources.open(data), workers);
    PrintWriter out = spec.commandLine().getOut();
    BenchReport report;
    try {
      report = StepBenchmark.run(settings, line -> {
        out.println(line);
        out.flush();
      });
    } catch (OrtFailure e) {
      if (d instanceof SessionConfig.Cuda) {
        throw new UserError("--device cuda: " + e.getMessage(), e);
      }
      throw e;
    }
    out.print(report.toText());
    out.println(report.summaryLine());
    out.flush();
  }

  private LocaConfig config() {
    if (!LocaConfig.presetNames().contains(preset)) {
      throw new UserError("unknown preset '" + preset + "'; presets are " + LocaConfig.presetNames());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new UserError("--set expects field=value, got '" + s + "'");
      }
      fields.put(s.substring(0, eq), s.substring(eq + 1));
    }
    try {
      return LocaConfig.preset(preset).withFields(fields);
    } catch (IllegalArgumentException e) {
      throw new UserError("preset " + preset + ": " + e.getMessage(), e);
    }
  }

  private SessionConfig session(SessionConfig.Device d) {
    SessionConfig s = SessionConfig.training().withIntraOpThreads(threads).withDevice(d);
    if (profile == null) {
      return s;
    }
    Path folder = Path.of(profile).toAbsolutePath().getParent();
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UserError("--profile " + profile + ": cannot create " + folder + ": " + e.getMessage(), e);
    }
    return s.withProfiling(profile);
  }
}
