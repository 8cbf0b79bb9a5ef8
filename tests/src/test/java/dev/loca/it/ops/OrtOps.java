package dev.loca.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.ElementType;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a small graph made with the builder through ONNX Runtime and returns the outputs as {@link Nd}s.
 * Along the way it checks that the shapes the builder inferred agree with the shapes ORT returned: fixed
 * dimensions exactly, and each symbolic name bound to one size across all inputs and outputs.
 */
public final class OrtOps {
  private OrtOps() {}

  /** A graph input: its declared type (which may use symbolic dims) and the value fed at run time. */
  public record Feed(String name, DataType dtype, Shape declared, Nd value) {}

  public static Feed feed(String name, Nd value) {
    return new Feed(name, value.dtype, Shape.of(value.shape), value);
  }

  /** A feed whose declared shape is {@code declared} (e.g. with a symbolic batch). */
  public static Feed feed(String name, Shape declared, Nd value) {
    return new Feed(name, value.dtype, declared, value);
  }

  /**
   * Builds the graph ({@code body} gets the builder and the declared inputs by name, returns the outputs),
   * runs it in ORT with graph optimisations off, checks the inferred shapes, and returns the outputs.
   */
  public static List<Nd> run(Function<Ctx, List<Value>> body, Feed... feeds) {
    GraphBuilder b = new GraphBuilder("op_test", 1);
    Map<String, Value> inputs = new LinkedHashMap<>();
    for (Feed f : feeds) {
      inputs.put(f.name(), b.input(f.name(), f.dtype(), f.declared()));
    }
    List<Value> outs = body.apply(new Ctx(b, inputs));
    for (Value o : outs) {
      b.output(o);
    }
    Model model = b.model();
    return run(model, outs, feeds);
  }

  /** What the graph body sees. */
  public record Ctx(GraphBuilder b, Map<String, Value> in) {
    public Value in(String name) {
      Value v = in.get(name);
      if (v == null) {
        throw new IllegalArgumentException("no input " + name + " in " + in.keySet());
      }
      return v;
    }
  }

  static List<Nd> run(Model model, List<Value> outs, Feed... feeds) {
    byte[] bytes = ModelWriter.toBytes(model);
    SessionConfig cfg = SessionConfig.defaults().withIntraOpThreads(1)
        .withOptimizationLevel(SessionConfig.OptimizationLevel.DISABLED);
    Map<String, OrtTensor> tensors = new LinkedHashMap<>();
    try (InferenceSession s = OrtEnvironment.shared().openSession(bytes, cfg)) {
      for (Feed f : feeds) {
        tensors.put(f.name(), toOrt(f.value()));
      }
      List<Nd> result = new ArrayList<>();
      try (RunResult r = s.run(tensors)) {
        for (Value o : outs) {
          result.add(fromOrt(r.get(o.name()), o.dtype()));
        }
      }
      checkShapes(feeds, outs, result);
      return result;
    } finally {
      tensors.values().forEach(OrtTensor::close);
    }
  }

  private static void checkShapes(Feed[] feeds, List<Value> outs, List<Nd> result) {
    Map<String, Long> bound = new HashMap<>();
    for (Feed f : feeds) {
      bind(bound, f.name(), f.declared(), f.value().shape);
    }
    for (int i = 0; i < outs.size(); i++) {
      Value o = outs.get(i);
      bind(bound, o.name(), o.shape(), result.get(i).shape);
    }
  }

  private static void bind(Map<String, Long> bound, String what, Shape inferred, long[] actual) {
    if (!inferred.rankKnown()) {
      return;
    }
    assertEquals(inferred.rank(), actual.length, what + ": inferred " + inferred + " but ORT gave "
        + Arrays.toString(actual));
    for (int d = 0; d < actual.length; d++) {
      Dim dim = inferred.dim(d);
      if (dim instanceof Dim.Fixed fx) {
        assertEquals(fx.size(), actual[d], what + ": inferred " + inferred + " but ORT gave " + Arrays.toString(actual));
      } else if (dim instanceof Dim.Symbolic sy) {
        Long prev = bound.putIfAbsent(sy.name(), actual[d]);
        if (prev != null && prev != actual[d]) {
          fail(what + ": symbolic dimension '" + sy.name() + "' is " + actual[d] + " here but " + prev + " elsewhere");
        }
      }
    }
  }

  /** An ORT tensor holding {@code v}'s values in its element type. */
  public static OrtTensor toOrt(Nd v) {
    long[] s = v.shape;
    int n = v.size();
    switch (v.dtype) {
      case FLOAT: {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) v.data[i];
        }
        return OrtTensor.fromFloats(f, s);
      }
      case DOUBLE:
        return OrtTensor.fromDoubles(v.data.clone(), s);
      case INT64: {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] = (long) v.data[i];
        }
        return OrtTensor.fromLongs(l, s);
      }
      case INT32: {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
          l[i] = (int) v.data[i];
        }
        return OrtTensor.fromInts(l, s);
      }
      case BOOL: {
        boolean[] l = new boolean[n];
        for (int i = 0; i < n; i++) {
          l[i] = v.data[i] != 0;
        }
        return OrtTensor.fromBooleans(l, s);
      }
      case UINT8:
      case INT8: {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
          l[i] = (byte) (long) v.data[i];
        }
        return OrtTensor.fromBytes(l, v.dtype == DataType.UINT8 ? ElementType.UINT8 : ElementType.INT8, s);
      }
      default:
        throw new IllegalArgumentException("tests do not feed " + v.dtype);
    }
  }

  static Nd fromOrt(OrtTensor t, DataType expected) {
    long[] shape = t.shape();
    double[] d;
    DataType dt;
    switch (t.elementType()) {
      case FLOAT -> {
        float[] f = t.toFloatArray();
        d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        dt = DataType.FLOAT;
      }
      case DOUBLE -> {
        d = t.toDoubleArray();
        dt = DataType.DOUBLE;
      }
      case INT64 -> {
        d = Arrays.stream(t.toLongArray()).asDoubleStream().toArray();
        dt = DataType.INT64;
      }
      case INT32 -> {
        d = Arrays.stream(t.toIntArray()).asDoubleStream().toArray();
        dt = DataType.INT32;
      }
      case BOOL -> {
        boolean[] bs = t.toBooleanArray();
        d = new double[bs.length];
        for (int i = 0; i < bs.length; i++) {
          d[i] = bs[i] ? 1 : 0;
        }
        dt = DataType.BOOL;
      }
      case UINT8, INT8 -> {
        byte[] bs = t.toByteArray();
        boolean unsigned = t.elementType() == ElementType.UINT8;
        d = new double[bs.length];
        for (int i = 0; i < bs.length; i++) {
          d[i] = unsigned ? bs[i] & 0xff : bs[i];
        }
        dt = unsigned ? DataType.UINT8 : DataType.INT8;
      }
      default -> throw new IllegalArgumentException("tests do not read " + t.elementType());
    }
    assertEquals(expected, dt, "ORT returned a different element type than inferred");
    return new Nd(dt, shape, d);
  }

  /** Asserts same shape and values within {@code atol + rtol·|expected|}. */
  public static void assertClose(Nd expected, Nd actual, double atol, double rtol) {
    assertTrue(Arrays.equals(expected.shape, actual.shape), "shape: expected " + Arrays.toString(expected.shape)
        + " got " + Arrays.toString(actual.shape));
    for (int i = 0; i < expected.size(); i++) {
      double e = expected.data[i];
      double a = actual.data[i];
      boolean ok = Double.isNaN(e) ? Double.isNaN(a) : e == a || Math.abs(e - a) <= atol + rtol * Math.abs(e);
      if (!ok) {
        fail("at " + Arrays.toString(Nd.unravel(i, expected.shape)) + ": expected " + e + " got " + a
            + " (atol " + atol + ", rtol " + rtol + ")");
      }
    }
  }

  /** Float32 comparison with a tolerance suited to single ops. */
  public static void assertClose(Nd expected, Nd actual) {
    assertClose(expected, actual, 1e-6, 1e-5);
  }

  /** Exact comparison, for integer and boolean results. */
  public static void assertExact(Nd expected, Nd actual) {
    assertClose(expected, actual, 0, 0);
  }
}
