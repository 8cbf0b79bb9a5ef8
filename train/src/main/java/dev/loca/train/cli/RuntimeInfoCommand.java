package dev.loca.train.cli;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code loca runtime}: which ONNX Runtime this is, its execution providers, and a self-check that a
 * graph made by the builder runs and matches a Java computation of the same maths.
 */
@Command(name = "runtime", mixinStandardHelpOptions = true,
    description = "Show the ONNX Runtime build and providers, and run a self-check.")
final class RuntimeInfoCommand implements Runnable {
  private static final int ROWS = 4;
  private static final int IN = 8;
  private static final int OUT = 5;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    OrtEnvironment env = OrtEnvironment.shared();
    out.println("onnxruntime " + env.version());
    out.println("build: " + env.buildInfo());
    out.println("providers: " + env.availableProviders());
    GraphBuilder b = new GraphBuilder("selfcheck", 1);
    Value x = b.input("x", DataType.FLOAT, Shape.symbolic("batch", IN));
    Value w = b.parameter("w", Shape.of(IN, OUT), Init.xavierUniform());
    Value y = b.node("Softmax").inputs(b.op("MatMul", x, w)).attr("axis", -1L).build();
    b.output("y", y);
    Graph g = b.build();
    float[] xs = new float[ROWS * IN];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) Math.sin(i);
    }
    float[] ws = g.initializers().get(w).toFloats();
    float[] got;
    try (InferenceSession s = env.openSession(ModelWriter.toBytes(b.model()), SessionConfig.defaults());
        OrtTensor xt = OrtTensor.fromFloats(xs, ROWS, IN);
        RunResult r = s.run(Map.of("x", xt))) {
      got = r.get("y").toFloatArray();
    }
    double maxDiff = 0;
    for (int row = 0; row < ROWS; row++) {
      double[] logits = new double[OUT];
      double max = Double.NEGATIVE_INFINITY;
      for (int o = 0; o < OUT; o++) {
        for (int k = 0; k < IN; k++) {
          logits[o] += xs[row * IN + k] * ws[k * OUT + o];
        }
        max = Math.max(max, logits[o]);
      }
      double sum = 0;
      for (int o = 0; o < OUT; o++) {
        sum += Math.exp(logits[o] - max);
      }
      for (int o = 0; o < OUT; o++) {
        maxDiff = Math.max(maxDiff, Math.abs(Math.exp(logits[o] - max) / sum - got[row * OUT + o]));
      }
    }
    boolean ok = maxDiff < 1e-5;
    out.printf(Locale.ROOT, "self-check softmax(x·W) [%d,%d]x[%d,%d]: max |ORT - Java| = %.2e %s%n", ROWS, IN, IN,
        OUT, maxDiff, ok ? "OK" : "FAILED");
    out.flush();
    if (!ok) {
      throw new IllegalStateException("ONNX Runtime self-check failed: max difference " + maxDiff);
    }
  }
}
