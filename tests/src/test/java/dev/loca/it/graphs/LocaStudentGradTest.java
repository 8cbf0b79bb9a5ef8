package dev.loca.it.graphs;

import static org.junit.jupiter.api.Assertions.fail;

import dev.loca.graph.autodiff.Backprop;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.graphs.loca.LocaGraphs;
import dev.loca.it.gradcheck.GradCheck;
import dev.loca.it.ops.Nd;
import dev.loca.it.ops.OrtOps;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Finite differences of the whole student loss of the micro preset with respect to sampled elements of
 * one parameter of each module, in both flavours, with GradCheck's step and tolerance. The student is built
 * structure-only, so its parameters are graph inputs; they are fed the values of the normally built graph.
 */
class LocaStudentGradTest {
  static final List<String> CHECKED = List.of("encoder.patch_embed.weight", "encoder.posembed",
      "encoder.blocks.0.attn.query.weight", "encoder.blocks.1.mlp.fc1.bias", "head.fc1.weight", "prototypes.weight",
      "cross_attention.attn.key.weight", "position.position_predictor.weight");
  static final int SAMPLES = 3;

  @ParameterizedTest
  @EnumSource(Flavour.class)
  void wholeStudentLossAgainstFiniteDifferences(Flavour flavour) {
    LocaConfig c = LocaConfig.preset("micro");
    LocaGraphs.Student s = LocaGraphs.student(c, 3, 1, true);
    Map<String, TensorData> values = new HashMap<>();
    LocaGraphs.Student real = LocaGraphs.student(c, 3);
    real.graph().initializers().forEach((v, t) -> values.put(v.name(), t));
    List<Value> wrt = s.parameters().stream().filter(p -> CHECKED.contains(p.name())).toList();
    if (wrt.size() != CHECKED.size()) {
      fail("parameters to check not found: " + CHECKED + " vs " + wrt);
    }
    Backprop.Result r = Backprop.differentiate(s.graph(), s.loss(), wrt, flavour);
    Graph g = r.graph();
    Map<String, Nd> feeds = feeds(g, values);
    try (InferenceSession session = OrtEnvironment.shared().openSession(
        ModelWriter.toBytes(Model.of(g, GraphBuilder.DEFAULT_ONNX_OPSET)),
        SessionConfig.defaults().withIntraOpThreads(1).withOptimizationLevel(SessionConfig.OptimizationLevel.DISABLED))) {
      Map<String, float[]> analytic = new HashMap<>();
      try (Feeds f = new Feeds(feeds); RunResult out = session.run(f.tensors)) {
        for (Value p : wrt) {
          analytic.put(p.name(), out.get(r.gradients().get(p).name()).toFloatArray());
        }
      }
      SplittableRandom pick = new SplittableRandom(17);
      for (Value p : wrt) {
        Nd x = feeds.get(p.name());
        for (int k = 0; k < SAMPLES; k++) {
          int j = pick.nextInt(x.size());
          double keep = x.data[j];
          x.data[j] = keep + GradCheck.H;
          double lp = loss(session, feeds);
          x.data[j] = keep - GradCheck.H;
          double lm = loss(session, feeds);
          x.data[j] = keep;
          double numeric = (lp - lm) / (2 * GradCheck.H);
          double a = analytic.get(p.name())[j];
          if (!(Math.abs(a - numeric) <= GradCheck.ATOL + GradCheck.RTOL * Math.abs(numeric))) {
            fail(flavour + ": d loss / d " + p.name() + "[" + j + "]: analytic " + a + " vs numeric " + numeric);
          }
        }
      }
    }
  }

  /** Inputs: the parameters' values, random images, fixed token choices and labels with some −1. */
  private static Map<String, Nd> feeds(Graph g, Map<String, TensorData> values) {
    SplittableRandom rng = new SplittableRandom(8);
    Map<String, Nd> feeds = new LinkedHashMap<>();
    for (Value v : g.inputs()) {
      long[] shape = v.shape().sizes();
      TensorData t = values.get(v.name());
      Nd nd;
      if (t != null) {
        float[] f = t.toFloats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        nd = Nd.floats(shape, d);
      } else if (v.name().equals(LocaGraphs.QUERY0_KEEP)) {
        long[] keep = new long[(int) Nd.count(shape)];
        for (int i = 0; i < keep.length; i++) {
          keep[i] = (3L * i) % 16;
        }
        nd = Nd.longs(shape, keep);
      } else if (v.name().endsWith("labels")) {
        long[] l = new long[(int) Nd.count(shape)];
        for (int i = 0; i < l.length; i++) {
          l[i] = i % 5 == 0 ? -1 : rng.nextInt(16);
        }
        nd = Nd.longs(shape, l);
      } else if (v.name().endsWith("drop_path")) {
        double[] ones = new double[(int) Nd.count(shape)];
        java.util.Arrays.fill(ones, 1);
        nd = Nd.floats(shape, ones);
      } else if (v.name().equals(LocaGraphs.TARGETS)) {
        nd = rowsSummingToOne(rng, shape);
      } else {
        nd = Nd.uniform(rng.nextLong(), -1, 1, shape);
      }
      feeds.put(v.name(), nd);
    }
    return feeds;
  }

  private static Nd rowsSummingToOne(SplittableRandom rng, long[] shape) {
    double[] d = new double[(int) Nd.count(shape)];
    int k = (int) shape[1];
    for (int r = 0; r < shape[0]; r++) {
      double sum = 0;
      for (int j = 0; j < k; j++) {
        d[r * k + j] = rng.nextDouble() + 0.01;
        sum += d[r * k + j];
      }
      for (int j = 0; j < k; j++) {
        d[r * k + j] /= sum;
      }
    }
    return Nd.floats(shape, d);
  }

  private static double loss(InferenceSession s, Map<String, Nd> feeds) {
    try (Feeds f = new Feeds(feeds); RunResult r = s.run(f.tensors, List.of(LocaGraphs.LOSS))) {
      return r.get(LocaGraphs.LOSS).toFloatArray()[0];
    }
  }

  /** ORT tensors of the feeds, closed together. */
  private static final class Feeds implements AutoCloseable {
    final Map<String, OrtTensor> tensors = new LinkedHashMap<>();

    Feeds(Map<String, Nd> feeds) {
      feeds.forEach((k, v) -> tensors.put(k, OrtOps.toOrt(v)));
    }

    @Override
    public void close() {
      tensors.values().forEach(OrtTensor::close);
    }
  }
}
