package dev.loca.it.graphs;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.it.ops.Nd;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plain-Java double-precision versions of the heads and losses, written from the spec's formulas, for the
 * ONNX Runtime parity tests. Token tensors are handled as rows: [.., D] flattened to [n, D].
 */
final class Reference {
  static final double LN_EPS = 1e-6;

  private Reference() {}

  /** The builder's parameters with their initial values. */
  static Map<String, Nd> parameters(GraphBuilder b) {
    Map<Value, TensorData> init = b.build().initializers();
    Map<String, Nd> out = new LinkedHashMap<>();
    for (Value p : b.parameters()) {
      float[] f = init.get(p).toFloats();
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      out.put(p.name(), new Nd(DataType.FLOAT, p.shape().sizes(), d));
    }
    return out;
  }

  static double[][] rows(Nd x) {
    int d = (int) x.shape[x.rank() - 1];
    double[][] r = new double[x.size() / d][d];
    for (int i = 0; i < r.length; i++) {
      System.arraycopy(x.data, i * d, r[i], 0, d);
    }
    return r;
  }

  static Nd nd(double[][] rows, long... shape) {
    return new Nd(DataType.FLOAT, shape, Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray());
  }

  static double[][] matmul(double[][] x, double[][] w) {
    double[][] y = new double[x.length][w[0].length];
    for (int i = 0; i < x.length; i++) {
      for (int k = 0; k < w.length; k++) {
        for (int j = 0; j < w[0].length; j++) {
          y[i][j] += x[i][k] * w[k][j];
        }
      }
    }
    return y;
  }

  static double[][] linear(double[][] x, Map<String, Nd> p, String name) {
    double[][] y = matmul(x, rows(p.get(name + ".weight")));
    Nd bias = p.get(name + ".bias");
    if (bias != null) {
      for (double[] row : y) {
        for (int j = 0; j < row.length; j++) {
          row[j] += bias.data[j];
        }
      }
    }
    return y;
  }

  static double[][] gelu(double[][] x) {
    double c = Math.sqrt(2 / Math.PI);
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      y[i] = Arrays.stream(x[i]).map(v -> 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v)))).toArray();
    }
    return y;
  }

  static double[][] layerNorm(double[][] x, Map<String, Nd> p, String name) {
    double[] scale = p.get(name + ".scale").data;
    double[] shift = p.get(name + ".bias").data;
    double[][] y = new double[x.length][x[0].length];
    for (int i = 0; i < x.length; i++) {
      double mean = Arrays.stream(x[i]).average().orElseThrow();
      double var = 0;
      for (double v : x[i]) {
        var += (v - mean) * (v - mean);
      }
      var /= x[i].length;
      for (int j = 0; j < x[i].length; j++) {
        y[i][j] = (x[i][j] - mean) / Math.sqrt(var + LN_EPS) * scale[j] + shift[j];
      }
    }
    return y;
  }

  static double[][] add(double[][] a, double[][] b) {
    double[][] y = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        y[i][j] = a[i][j] + b[i][j];
      }
    }
    return y;
  }

  static double[] unit(double[] v) {
    double n = Math.sqrt(Arrays.stream(v).map(a -> a * a).sum());
    return Arrays.stream(v).map(a -> a / n).toArray();
  }

  static double[] softmax(double[] z) {
    double max = Arrays.stream(z).max().orElseThrow();
    double[] e = Arrays.stream(z).map(v -> Math.exp(v - max)).toArray();
    double s = Arrays.stream(e).sum();
    return Arrays.stream(e).map(v -> v / s).toArray();
  }

  /** Multi-head attention of one image's queries over its keys/values; projections named query/key/value/out. */
  static double[][] attention(double[][] q, double[][] kv, Map<String, Nd> p, String name, int heads) {
    double[][] qp = linear(q, p, name + ".query");
    double[][] kp = linear(kv, p, name + ".key");
    double[][] vp = linear(kv, p, name + ".value");
    int d = qp[0].length;
    int hd = d / heads;
    double[][] ctx = new double[q.length][d];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < q.length; i++) {
        double[] s = new double[kv.length];
        for (int j = 0; j < kv.length; j++) {
          for (int k = h * hd; k < (h + 1) * hd; k++) {
            s[j] += qp[i][k] * kp[j][k] / Math.sqrt(hd);
          }
        }
        double[] a = softmax(s);
        for (int j = 0; j < kv.length; j++) {
          for (int k = h * hd; k < (h + 1) * hd; k++) {
            ctx[i][k] += a[j] * vp[j][k];
          }
        }
      }
    }
    return linear(ctx, p, name + ".out");
  }

  /** softmax(s / sharpening) per row, then column and row normalisation, {@code iterations} times. */
  static double[][] sinkhorn(double[][] s, double sharpening, int iterations) {
    int n = s.length;
    int k = s[0].length;
    double[][] t = new double[n][];
    for (int i = 0; i < n; i++) {
      t[i] = softmax(Arrays.stream(s[i]).map(v -> v / sharpening).toArray());
    }
    for (int it = 0; it < iterations; it++) {
      for (int j = 0; j < k; j++) {
        double col = 0;
        for (double[] row : t) {
          col += row[j];
        }
        for (double[] row : t) {
          row[j] /= col;
        }
      }
      for (double[] row : t) {
        double sum = Arrays.stream(row).sum();
        for (int j = 0; j < k; j++) {
          row[j] /= sum;
        }
      }
    }
    return t;
  }

  /**
   * Bilinear resize of one axis as PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}
   * computes it: source coordinate {@code (o + 0.5)·in/out − 0.5} clamped at 0, linear between its two
   * neighbours (the upper one clamped to the last index).
   */
  static double[] resizeLine(double[] x, int out) {
    int in = x.length;
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double src = Math.max(0, (o + 0.5) * in / out - 0.5);
      int i0 = (int) Math.floor(src);
      int i1 = Math.min(i0 + 1, in - 1);
      double w = src - i0;
      y[o] = (1 - w) * x[i0] + w * x[i1];
    }
    return y;
  }

  /** Cosine scores of random unit tokens against random unit prototypes in {@code dim} dimensions. */
  static Nd cosineScores(long seed, int n, int k, int dim) {
    double[][] a = rows(Nd.uniform(seed, -1, 1, n, dim));
    double[][] w = rows(Nd.uniform(seed + 1, -1, 1, k, dim));
    double[][] s = new double[n][k];
    for (int i = 0; i < n; i++) {
      double[] u = unit(a[i]);
      for (int j = 0; j < k; j++) {
        double[] v = unit(w[j]);
        for (int d = 0; d < dim; d++) {
          s[i][j] += u[d] * v[d];
        }
      }
    }
    return Nd.floats(new long[] {n, k}, Arrays.stream(s).flatMapToDouble(Arrays::stream).toArray());
  }

  /** {@link #sinkhorn} of scores given as an array, rounded to float32 (to be fed). */
  static Nd sinkhorn(Nd scores, double sharpening, int iterations) {
    double[][] t = sinkhorn(rows(scores), sharpening, iterations);
    return Nd.floats(scores.shape, Arrays.stream(t).flatMapToDouble(Arrays::stream).toArray());
  }
}
