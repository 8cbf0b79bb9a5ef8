package dev.loca.train.cli;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtFailure;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.train.pretrain.PretrainConfig;
import dev.loca.train.pretrain.Pretrainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loca gpu-check} (hidden; run by the GPU bundle's {@code gpu-check.sh}): proves that sessions on
 * {@code --device} compute what the CPU computes. Prints one {@code PASS}/{@code FAIL} line per check: the
 * device, op tests and a fused-gradient op against the CPU (max abs difference), and a short LOCA training
 * run on the device and on the CPU from the same seed (max loss difference). With {@code --device cpu} every
 * comparison is CPU against CPU, which proves that the bundle is complete and the runs deterministic.
 */
@Command(name = "gpu-check", hidden = true, mixinStandardHelpOptions = true,
    description = "Check --device against the CPU: op tests, a fused-gradient op and a short LOCA run.")
final class GpuCheckCommand implements Runnable {
  private static final double OP_TOLERANCE = 1e-4;
  private static final double LOSS_TOLERANCE = 1e-3;

  @Mixin
  DeviceOptions device;

  @Spec
  CommandSpec spec;

  @Option(names = "--steps", defaultValue = "20", description = "Training steps per run (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--preset", defaultValue = "micro", description = "LOCA preset of the training runs (default:"
      + " ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of both training runs (default: ${DEFAULT-VALUE}).")
  long seed;

  private int failures;

  @Override
  public void run() {
    if (steps < 1) {
      throw new UserError("--steps must be >= 1, got " + steps);
    }
    PrintWriter out = spec.commandLine().getOut();
    SessionConfig.Device resolved = device.resolve(spec.commandLine().getErr(), "cuda");
    // comparisons against the CPU need full float32 products: TF32 alone differs by ~1e-3 relative
    SessionConfig.Device target = resolved instanceof SessionConfig.Cuda c ? c.withTf32(false) : resolved;
    String name = DeviceOptions.name(target);
    OrtEnvironment env = OrtEnvironment.shared();
    report(out, true, String.format(Locale.ROOT, "device %s: onnxruntime %s, providers %s", describe(target),
        env.version(), env.availableProviders()));
    for (OpCase c : opCases()) {
      checkOp(out, env, target, c);
    }
    checkTraining(out, target, name);
    out.flush();
    if (failures > 0) {
      throw new UserError(failures + " gpu-check line(s) FAILED");
    }
  }

  private void report(PrintWriter out, boolean pass, String text) {
    if (!pass) {
      failures++;
    }
    out.println((pass ? "PASS " : "FAIL ") + text);
    out.flush();
  }

  private static String describe(SessionConfig.Device d) {
    return d instanceof SessionConfig.Cuda c ? "cuda:" + c.deviceId() : "cpu";
  }

  /** One single-node graph with its inputs' shapes, e.g. MatMul [64,256]x[256,128]. */
  private record OpCase(String label, Function<GraphBuilder, Value> body, Map<String, long[]> inputs) {}

  private static List<OpCase> opCases() {
    List<OpCase> cases = new ArrayList<>();
    cases.add(new OpCase("MatMul [64,256]x[256,128]", b -> b.op("MatMul", in(b, "a", 64, 256), in(b, "b", 256, 128)),
        shapes("a", 64, 256, "b", 256, 128)));
    cases.add(new OpCase("Softmax [64,1000]", b -> b.node("Softmax").inputs(in(b, "x", 64, 1000)).attr("axis", -1L)
        .build(), shapes("x", 64, 1000)));
    cases.add(new OpCase("LayerNormalization [64,384]", b -> b.node("LayerNormalization")
        .inputs(in(b, "x", 64, 384), in(b, "scale", 384), in(b, "bias", 384)).attr("axis", -1L)
        .attr("epsilon", 1e-6f).build(), shapes("x", 64, 384, "scale", 384, 0, "bias", 384, 0)));
    cases.add(new OpCase("Gelu [64,1536]", b -> b.node(OpsetId.MICROSOFT, "Gelu").inputs(in(b, "x", 64, 1536))
        .build(), shapes("x", 64, 1536)));
    cases.add(new OpCase("SoftmaxGrad_13 [64,196] (fused gradient)", b -> b.node(OpsetId.MICROSOFT, "SoftmaxGrad_13")
        .inputs(in(b, "dy", 64, 196), b.node("Softmax").inputs(in(b, "x", 64, 196)).attr("axis", -1L).build())
        .attr("axis", -1L).build(), shapes("dy", 64, 196, "x", 64, 196)));
    cases.add(new OpCase("GeluGrad [64,1536] (fused gradient)", b -> b.node(OpsetId.MICROSOFT, "GeluGrad")
        .inputs(in(b, "dy", 64, 1536), in(b, "x", 64, 1536)).build(), shapes("dy", 64, 1536, "x", 64, 1536)));
    return cases;
  }

  private static Value in(GraphBuilder b, String name, long... shape) {
    return b.input(name, DataType.FLOAT, Shape.of(shape));
  }

  /** name, rows, cols triples; cols 0 means a vector of length rows. */
  private static Map<String, long[]> shapes(Object... nameRowsCols) {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameRowsCols.length; i += 3) {
      long rows = ((Number) nameRowsCols[i + 1]).longValue();
      long cols = ((Number) nameRowsCols[i + 2]).longValue();
      m.put((String) nameRowsCols[i], cols == 0 ? new long[] {rows} : new long[] {rows, cols});
    }
    return m;
  }

  private void checkOp(PrintWriter out, OrtEnvironment env, SessionConfig.Device target, OpCase c) {
    GraphBuilder b = new GraphBuilder("gpu_check", 1);
    b.output("y", c.body().apply(b));
    byte[] model = ModelWriter.toBytes(b.model());
    Random random = new Random(seed);
    Map<String, float[]> data = new LinkedHashMap<>();
    c.inputs().forEach((k, shape) -> data.put(k, gaussian(random, shape)));
    SessionConfig onTarget = SessionConfig.defaults().withDevice(target);
    if (target instanceof SessionConfig.Cuda) { // every node on the GPU, or the session fails to open
      onTarget = onTarget.withConfigEntry("session.disable_cpu_ep_fallback", "1");
    }
    try {
      float[] got = runOnce(env, model, onTarget, c.inputs(), data);
      float[] want = runOnce(env, model, SessionConfig.defaults(), c.inputs(), data);
      double diff = maxAbsDiff(got, want);
      report(out, diff <= OP_TOLERANCE, String.format(Locale.ROOT, "op %s %s vs cpu: max |diff| = %.2e (tol %.0e)",
          c.label(), describe(target), diff, OP_TOLERANCE));
    } catch (OrtFailure e) {
      report(out, false, "op " + c.label() + " " + describe(target) + ": " + e.getMessage());
    }
  }

  private static float[] gaussian(Random random, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static float[] runOnce(OrtEnvironment env, byte[] model, SessionConfig config, Map<String, long[]> shapes,
      Map<String, float[]> data) {
    Map<String, OrtTensor> inputs = new LinkedHashMap<>();
    try (InferenceSession s = env.openSession(model, config)) {
      shapes.forEach((k, shape) -> inputs.put(k, OrtTensor.fromFloats(data.get(k), shape)));
      try (RunResult r = s.run(inputs)) {
        return r.get("y").toFloatArray();
      }
    } finally {
      inputs.values().forEach(OrtTensor::close);
    }
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs((double) a[i] - b[i]);
      if (!(d <= max)) {
        max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
      }
    }
    return max;
  }

  private void checkTraining(PrintWriter out, SessionConfig.Device target, String name) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("loca-gpu-check-");
      long t0 = System.nanoTime();
      List<Double> onTarget = losses(dir.resolve(name), target, name);
      double targetSeconds = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      List<Double> onCpu = losses(dir.resolve("cpu-reference"), SessionConfig.Device.cpu(), "cpu");
      double cpuSeconds = (System.nanoTime() - t0) / 1e9;
      double diff = 0;
      for (int i = 0; i < onCpu.size(); i++) {
        double d = Math.abs(onTarget.get(i) - onCpu.get(i));
        diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
      }
      boolean pass = onTarget.size() == steps && onCpu.size() == steps && diff <= LOSS_TOLERANCE;
      report(out, pass, String.format(Locale.ROOT, "train %s %d steps seed %d %s vs cpu: max |loss diff| = %.2e (tol"
          + " %.0e), loss %.4f -> %.4f, %.1f s vs %.1f s", preset, steps, seed, describe(target), diff,
          LOSS_TOLERANCE, onCpu.get(0), onCpu.get(onCpu.size() - 1), targetSeconds, cpuSeconds));
    } catch (IOException | RuntimeException e) {
      report(out, false, "train " + preset + " " + describe(target) + ": " + e);
    } finally {
      if (dir != null) {
        try {
          MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
        } catch (IOException e) {
          out.println("could not delete " + dir + ": " + e.getMessage());
        }
      }
    }
  }

  private List<Double> losses(Path run, SessionConfig.Device d, String name) throws IOException {
    PretrainConfig cfg = PretrainConfig.defaults(preset).with("steps", Long.toString(steps))
        .with("seed", Long.toString(seed)).with("workers", "1").with("device", name)
        .with("checkpointEvery", Long.toString(steps));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Pretrainer.Outcome outcome = new Pretrainer(cfg, run, quiet, d).run(false);
    List<Double> losses = new ArrayList<>();
    outcome.rows().forEach(row -> losses.add(row.get("loss")));
    return losses;
  }
}
