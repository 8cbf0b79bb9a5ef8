package dev.loca.it.training;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain-Java two-layer classifier, {@code softmax-xent(tanh(x·W1 + b1)·W2 + b2, labels)} with mean
 * reduction, with its hand-derived backward pass and an AdamW step with a decay mask and global-norm
 * clipping. It is the independent reference for the ONNX Runtime training path.
 */
final class ReferenceMlp {
  final int in;
  final int hidden;
  final int classes;
  final Map<String, double[]> params = new LinkedHashMap<>();
  private final Map<String, double[]> m1 = new LinkedHashMap<>();
  private final Map<String, double[]> m2 = new LinkedHashMap<>();
  private long step;

  ReferenceMlp(int in, int hidden, int classes, Map<String, float[]> init) {
    this.in = in;
    this.hidden = hidden;
    this.classes = classes;
    init.forEach((k, v) -> {
      double[] d = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        d[i] = v[i];
      }
      params.put(k, d);
      m1.put(k, new double[v.length]);
      m2.put(k, new double[v.length]);
    });
  }

  /** Loss and gradients for one batch ({@code x} row-major [n, in]). */
  double lossAndGrads(float[] x, long[] labels, Map<String, double[]> grads) {
    int n = labels.length;
    double[] w1 = params.get("fc1.weight");
    double[] b1 = params.get("fc1.bias");
    double[] w2 = params.get("fc2.weight");
    double[] b2 = params.get("fc2.bias");
    double[] h = new double[n * hidden];
    double[] logits = new double[n * classes];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < hidden; j++) {
        double s = b1[j];
        for (int k = 0; k < in; k++) {
          s += x[r * in + k] * w1[k * hidden + j];
        }
        h[r * hidden + j] = Math.tanh(s);
      }
      for (int c = 0; c < classes; c++) {
        double s = b2[c];
        for (int j = 0; j < hidden; j++) {
          s += h[r * hidden + j] * w2[j * classes + c];
        }
        logits[r * classes + c] = s;
      }
    }
    double loss = 0;
    double[] dlogits = new double[n * classes];
    for (int r = 0; r < n; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[r * classes + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(logits[r * classes + c] - max);
      }
      for (int c = 0; c < classes; c++) {
        double p = Math.exp(logits[r * classes + c] - max) / sum;
        dlogits[r * classes + c] = (p - (c == labels[r] ? 1 : 0)) / n;
      }
      loss -= (logits[r * classes + (int) labels[r]] - max - Math.log(sum)) / n;
    }
    double[] gw2 = new double[w2.length];
    double[] gb2 = new double[b2.length];
    double[] dh = new double[n * hidden];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < classes; c++) {
        double g = dlogits[r * classes + c];
        gb2[c] += g;
        for (int j = 0; j < hidden; j++) {
          gw2[j * classes + c] += h[r * hidden + j] * g;
          dh[r * hidden + j] += w2[j * classes + c] * g;
        }
      }
    }
    double[] gw1 = new double[w1.length];
    double[] gb1 = new double[b1.length];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < hidden; j++) {
        double hv = h[r * hidden + j];
        double ds = dh[r * hidden + j] * (1 - hv * hv);
        gb1[j] += ds;
        for (int k = 0; k < in; k++) {
          gw1[k * hidden + j] += x[r * in + k] * ds;
        }
      }
    }
    grads.put("fc1.weight", gw1);
    grads.put("fc1.bias", gb1);
    grads.put("fc2.weight", gw2);
    grads.put("fc2.bias", gb2);
    return loss;
  }

  /**
   * One AdamW step as optax/torch do it (decay applied to the old value, times lr), decaying only
   * parameters with more than one dimension, after clipping the global L2 norm of all gradients by {@code min(1, maxNorm / (norm + 1e-6))}
   * (the coefficient of torch's clip_grad_norm_ and of ORT's InplaceClipGradNorm).
   */
  /** Returns the clipping coefficient applied (1 when the norm was within the bound). */
  double adamW(Map<String, double[]> grads, double lr, double beta1, double beta2, double eps, double wd,
      double maxNorm) {
    double norm = 0;
    for (double[] g : grads.values()) {
      for (double v : g) {
        norm += v * v;
      }
    }
    norm = Math.sqrt(norm);
    double clip = maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
    step++;
    for (Map.Entry<String, double[]> e : params.entrySet()) {
      String name = e.getKey();
      double[] p = e.getValue();
      double[] g = grads.get(name);
      double[] a = m1.get(name);
      double[] b = m2.get(name);
      boolean decay = !name.endsWith(".bias");
      for (int i = 0; i < p.length; i++) {
        double gi = g[i] * clip;
        a[i] = beta1 * a[i] + (1 - beta1) * gi;
        b[i] = beta2 * b[i] + (1 - beta2) * gi * gi;
        double mhat = a[i] / (1 - Math.pow(beta1, step));
        double vhat = b[i] / (1 - Math.pow(beta2, step));
        double old = p[i];
        p[i] = old - lr * (mhat / (Math.sqrt(vhat) + eps) + (decay ? wd * old : 0));
      }
    }
    return clip;
  }
}
