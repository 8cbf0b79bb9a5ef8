package dev.loca.it.graphs;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.vit.DropPath;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.graphs.vit.VitEncoder;
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
import org.junit.jupiter.api.Test;

/** The micro ViT encoder in ONNX Runtime against a plain-Java forward, and its input gradient. */
class VitEncoderTest {
  private static final VitConfig MICRO = VitConfig.preset("micro");
  private static final long[][] KEEP = {{5, 0, 15, 7, 9, 2}, {11, 4, 0, 13, 8, 6}};
  /** Per branch, deliberately not 0 or 1/(1 − rate) so that a column mix-up shows. */
  private static final double[][] QUERY_DROP = {{0.5, 1.5, 0, 1.25}, {1, 0, 2, 0.75}};
  /** Per block. */
  private static final double[][] FOCAL_DROP = {{1, 0}, {0.5, 1.1}, {0, 2}};

  /**
   * One graph applies the encoder three times with one set of weights: query0-like 16-px images (the
   * table's own 4×4 grid) with token dropping and per-branch drop path, 8-px images (table downsampled to
   * 2×2) with per-block drop path, and 24-px images (table upsampled to 6×6). The initial weights are
   * perturbed so that no bias is zero and no LayerNorm scale is one.
   */
  @Test
  void matchesAPlainJavaForward() {
    GraphBuilder b = new GraphBuilder("vit", 3);
    VitEncoder enc = new VitEncoder(MICRO);
    Value query = b.input("query0", DataType.FLOAT, Shape.symbolic("batch", 3, 16, 16));
    Value keep = b.input("keep", DataType.INT64, Shape.symbolic("batch", 6));
    Value queryDrop = b.input("query0_drop_path", DataType.FLOAT, Shape.symbolic("batch", DropPath.columns(MICRO)));
    Value focal = b.input("focal", DataType.FLOAT, Shape.symbolic("focal_batch", 3, 8, 8));
    Value focalDrop = b.input("focal_drop_path", DataType.FLOAT, Shape.symbolic("focal_batch", MICRO.depth()));
    Value large = b.input("large", DataType.FLOAT, Shape.symbolic("large_batch", 3, 24, 24));
    b.output("query0_tokens", enc.apply(b, query, keep, queryDrop));
    b.output("focal_tokens", enc.apply(b, focal, null, focalDrop));
    b.output("large_tokens", enc.apply(b, large, null, null));
    Graph graph = perturbed(b.build(), b.parameters());

    Map<String, float[]> weights = new HashMap<>();
    for (Value p : b.parameters()) {
      weights.put(p.name(), graph.initializers().get(p).toFloats());
    }
    ReferenceVit ref = new ReferenceVit(MICRO, weights);
    Nd queryImages = Nd.uniform(1, -1, 1, 2, 3, 16, 16);
    Nd focalImages = Nd.uniform(2, -1, 1, 3, 3, 8, 8);
    Nd largeImages = Nd.uniform(3, -1, 1, 1, 3, 24, 24);
    Map<String, Nd> feeds = new LinkedHashMap<>();
    feeds.put("query0", queryImages);
    feeds.put("keep", Nd.longs(new long[] {2, 6}, flat(KEEP)));
    feeds.put("query0_drop_path", Nd.floats(new long[] {2, 4}, flat(QUERY_DROP)));
    feeds.put("focal", focalImages);
    feeds.put("focal_drop_path", Nd.floats(new long[] {3, 2}, flat(FOCAL_DROP)));
    feeds.put("large", largeImages);
    Map<String, Nd> out = run(graph, feeds);

    OrtOps.assertClose(tokens(ref.forward(queryImages.data, 2, 16, KEEP, QUERY_DROP)), out.get("query0_tokens"),
        1e-4, 1e-4);
    OrtOps.assertClose(tokens(ref.forward(focalImages.data, 3, 8, null, FOCAL_DROP)), out.get("focal_tokens"),
        1e-4, 1e-4);
    OrtOps.assertClose(tokens(ref.forward(largeImages.data, 1, 24, null, null)), out.get("large_tokens"),
        1e-4, 1e-4);
  }

  /**
   * d/d images of {@code sum(tokens · R)} through both applies (dropping and per-branch drop path on one,
   * the downsampled table and per-block drop path on the other), both flavours.
   */
  @Test
  void inputGradientMatchesFiniteDifferences() {
    GradCheck.check(c -> {
      VitEncoder enc = new VitEncoder(MICRO);
      return List.of(enc.apply(c.b(), c.in("query0"), c.in("keep"), c.in("query0_drop_path")),
          enc.apply(c.b(), c.in("focal"), null, c.in("focal_drop_path")));
    },
        GradCheck.wrt("query0", Shape.symbolic("batch", 3, 16, 16), Nd.uniform(4, -1, 1, 2, 3, 16, 16)),
        GradCheck.fixed("keep", Nd.longs(new long[] {2, 6}, flat(KEEP))),
        GradCheck.fixed("query0_drop_path", Nd.floats(new long[] {2, 4}, flat(QUERY_DROP))),
        GradCheck.wrt("focal", Shape.symbolic("focal_batch", 3, 8, 8), Nd.uniform(5, -1, 1, 3, 3, 8, 8)),
        GradCheck.fixed("focal_drop_path", Nd.floats(new long[] {3, 2}, flat(FOCAL_DROP))));
  }

  /** The graph with every parameter moved by uniform noise in ±0.1. */
  private static Graph perturbed(Graph g, List<Value> parameters) {
    SplittableRandom rng = new SplittableRandom(11);
    Map<Value, TensorData> init = new LinkedHashMap<>(g.initializers());
    for (Value p : parameters) {
      float[] v = init.get(p).toFloats();
      for (int i = 0; i < v.length; i++) {
        v[i] += (float) (rng.nextDouble() * 0.2 - 0.1);
      }
      init.put(p, TensorData.ofFloats(p.shape().sizes(), v));
    }
    return new Graph(g.name(), g.inputs(), init, g.nodes(), g.outputs(), g.docString());
  }

  private static Map<String, Nd> run(Graph graph, Map<String, Nd> feeds) {
    byte[] bytes = ModelWriter.toBytes(Model.of(graph, GraphBuilder.DEFAULT_ONNX_OPSET));
    Map<String, OrtTensor> tensors = new LinkedHashMap<>();
    try (InferenceSession s = OrtEnvironment.shared().openSession(bytes, SessionConfig.defaults()
        .withIntraOpThreads(1))) {
      feeds.forEach((name, v) -> tensors.put(name, OrtOps.toOrt(v)));
      Map<String, Nd> out = new LinkedHashMap<>();
      try (RunResult r = s.run(tensors)) {
        for (Value o : graph.outputs()) {
          OrtTensor t = r.get(o.name());
          float[] f = t.toFloatArray();
          double[] d = new double[f.length];
          for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
          }
          out.put(o.name(), new Nd(DataType.FLOAT, t.shape(), d));
        }
      }
      return out;
    } finally {
      tensors.values().forEach(OrtTensor::close);
    }
  }

  private static Nd tokens(double[][][] x) {
    int n = x[0].length;
    int d = x[0][0].length;
    double[] flat = new double[x.length * n * d];
    for (int b = 0; b < x.length; b++) {
      for (int t = 0; t < n; t++) {
        System.arraycopy(x[b][t], 0, flat, (b * n + t) * d, d);
      }
    }
    return new Nd(DataType.FLOAT, new long[] {x.length, n, d}, flat);
  }

  private static long[] flat(long[][] m) {
    return java.util.Arrays.stream(m).flatMapToLong(java.util.Arrays::stream).toArray();
  }

  private static double[] flat(double[][] m) {
    return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
  }
}
