package dev.loca.it.gradcheck;

import static org.junit.jupiter.api.Assertions.fail;

import dev.loca.graph.autodiff.Backprop;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.it.ops.Nd;
import dev.loca.it.ops.OrtOps;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Finite-difference check of gradient rules through ONNX Runtime. The graph's float outputs are folded
 * into a scalar loss {@code sum_k sum(y_k * R_k)} with fixed random weights R_k, so every output element
 * counts with a different weight; the analytic gradient of each float input (from {@link Backprop}) is
 * compared with central differences {@code (L(x + h e_j) - L(x - h e_j)) / 2h} evaluated by ORT.
 *
 * <p>Tolerance: the forward pass runs in float32. With |L| of order 10 and float32's relative precision
 * 6e-8, one loss evaluation carries about 1e-6 of rounding, i.e. about 5e-5 in a difference quotient with
 * h = 1e-2; the truncation error of central differences is h^2/6 |L'''|, about 2e-5 for the smooth O(1)
 * functions used here. A wrong rule is off by O(1). So {@code |analytic - numeric| <= 2e-3 + 2e-2
 * |numeric|} passes correct rules with margin and fails wrong ones. Inputs of ops with kinks are drawn away
 * from the kinks by more than h.
 */
public final class GradCheck {
  public static final double H = 1e-2;
  public static final double ATOL = 2e-3;
  public static final double RTOL = 2e-2;

  private static final SessionConfig SESSION = SessionConfig.defaults().withIntraOpThreads(1)
      .withOptimizationLevel(SessionConfig.OptimizationLevel.DISABLED);

  private GradCheck() {}

  /** A graph input: value, declared shape, and whether it is differentiated. */
  public record In(String name, Nd value, Shape declared, boolean differentiate) {}

  public static In wrt(String name, Nd value) {
    return new In(name, value, Shape.of(value.shape), true);
  }

  public static In wrt(String name, Shape declared, Nd value) {
    return new In(name, value, declared, true);
  }

  /** An input that is fed but not differentiated (indices, masks, labels). */
  public static In fixed(String name, Nd value) {
    return new In(name, value, Shape.of(value.shape), false);
  }

  /** The graph body: gets the builder and inputs by name, returns the outputs to fold into the loss. */
  public record Ctx(GraphBuilder b, Map<String, Value> in) {
    public Value in(String name) {
      return in.get(name);
    }
  }

  /** Checks the rules on the path from the inputs to the outputs in both flavours. */
  public static void check(Function<Ctx, List<Value>> body, In... inputs) {
    for (Flavour f : Flavour.values()) {
      check(f, body, inputs);
    }
  }

  public static void check(Flavour flavour, Function<Ctx, List<Value>> body, In... inputs) {
    List<long[]> shapes = runtimeShapes(body, inputs);
    GraphBuilder b = new GraphBuilder("gradcheck", 1);
    Map<String, Value> vals = declare(b, inputs);
    List<Value> wrt = new ArrayList<>();
    for (In in : inputs) {
      if (in.differentiate()) {
        wrt.add(vals.get(in.name()));
      }
    }
    List<Value> outs = body.apply(new Ctx(b, vals));
    SplittableRandom rng = new SplittableRandom(99);
    Value loss = null;
    for (int k = 0; k < outs.size(); k++) {
      Value y = outs.get(k);
      if (!y.dtype().isFloatingPoint()) {
        continue;
      }
      long[] shape = shapes.get(k);
      if (!y.shape().isStatic()) {
        y = b.op("Reshape", y, b.longs(shape));
      }
      float[] r = new float[(int) Nd.count(shape)];
      for (int i = 0; i < r.length; i++) {
        r[i] = (float) (0.5 + rng.nextDouble());
      }
      Value term = b.node("ReduceSum").inputs(b.op("Mul", y, b.constant(TensorData.ofFloats(shape, r))))
          .attr("keepdims", 0L).build();
      loss = loss == null ? term : b.op("Add", loss, term);
    }
    b.output("loss", loss);
    Graph forward = b.build();
    Backprop.Result res = Backprop.differentiate(forward, forward.outputs().get(0), wrt, flavour);
    if (flavour == Flavour.PORTABLE) {
      // only the nodes the backward pass appended: the forward part may itself use contrib ops
      List<Node> all = res.graph().nodes();
      all.subList(forward.nodes().size(), all.size()).stream().filter(n -> !n.domain().equals(OpsetId.ONNX))
          .findAny().ifPresent(n -> fail("portable backward graph uses " + n.qualifiedOp() + " at " + n.name()));
    }
    byte[] bytes = ModelWriter.toBytes(Model.of(res.graph(), GraphBuilder.DEFAULT_ONNX_OPSET));
    try (InferenceSession s = OrtEnvironment.shared().openSession(bytes, SESSION)) {
      Map<String, double[]> analytic = new LinkedHashMap<>();
      try (Feeds feeds = new Feeds(inputs); RunResult r = s.run(feeds.tensors)) {
        for (Value v : wrt) {
          analytic.put(v.name(), toDoubles(r.get(res.gradients().get(v).name())));
        }
      }
      for (In in : inputs) {
        if (!in.differentiate()) {
          continue;
        }
        double[] a = analytic.get(in.name());
        double[] x = in.value().data;
        for (int j = 0; j < x.length; j++) {
          double keep = x[j];
          x[j] = keep + H;
          double lp = loss(s, inputs);
          x[j] = keep - H;
          double lm = loss(s, inputs);
          x[j] = keep;
          double numeric = (lp - lm) / (2 * H);
          if (!(Math.abs(a[j] - numeric) <= ATOL + RTOL * Math.abs(numeric))) {
            fail(flavour + ": d loss / d " + in.name() + Arrays.toString(Nd.unravel(j, in.value().shape))
                + ": analytic " + a[j] + " vs numeric " + numeric);
          }
        }
      }
    }
  }

  private static Map<String, Value> declare(GraphBuilder b, In[] inputs) {
    Map<String, Value> vals = new LinkedHashMap<>();
    for (In in : inputs) {
      vals.put(in.name(), b.input(in.name(), in.value().dtype, in.declared()));
    }
    return vals;
  }

  /**
   * The shape each output has at run time: the forward graph is run once when some output has a
   * symbolic dimension, so that the loss weights can be made for it (the output is reshaped to it).
   */
  private static List<long[]> runtimeShapes(Function<Ctx, List<Value>> body, In[] inputs) {
    GraphBuilder b = new GraphBuilder("shapes", 1);
    List<Value> outs = body.apply(new Ctx(b, declare(b, inputs)));
    List<long[]> shapes = new ArrayList<>();
    if (outs.stream().allMatch(v -> v.shape().isStatic())) {
      outs.forEach(v -> shapes.add(v.shape().sizes()));
      return shapes;
    }
    outs.forEach(b::output);
    try (InferenceSession s = OrtEnvironment.shared().openSession(ModelWriter.toBytes(b.model()), SESSION);
        Feeds feeds = new Feeds(inputs); RunResult r = s.run(feeds.tensors)) {
      outs.forEach(v -> shapes.add(r.get(v.name()).shape()));
    }
    return shapes;
  }

  private static double loss(InferenceSession s, In[] inputs) {
    try (Feeds feeds = new Feeds(inputs); RunResult r = s.run(feeds.tensors, List.of("loss"))) {
      return r.get("loss").toFloatArray()[0];
    }
  }

  private static double[] toDoubles(OrtTensor t) {
    float[] f = t.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** The inputs as ORT tensors, closed together. */
  private static final class Feeds implements AutoCloseable {
    final Map<String, OrtTensor> tensors = new LinkedHashMap<>();

    Feeds(In[] inputs) {
      for (In in : inputs) {
        tensors.put(in.name(), OrtOps.toOrt(in.value()));
      }
    }

    @Override
    public void close() {
      tensors.values().forEach(OrtTensor::close);
    }
  }

  /** Float32 values in [lo, hi) kept at least {@code gap} away from each point in {@code kinks}. */
  public static Nd awayFrom(long seed, double lo, double hi, double gap, double[] kinks, long... shape) {
    Nd v = Nd.uniform(seed, lo, hi, shape);
    for (int i = 0; i < v.data.length; i++) {
      for (double k : kinks) {
        if (Math.abs(v.data[i] - k) < gap) {
          v.data[i] = (float) (k + (v.data[i] >= k ? gap : -gap) * 1.5);
        }
      }
    }
    return v;
  }
}
