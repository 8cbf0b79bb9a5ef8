package dev.loca.it.graphs;

import dev.loca.graphs.vit.PositionResize;
import dev.loca.graphs.vit.VitConfig;
import java.util.Map;

/**
 * A plain-Java forward of the ViT encoder (spec §3.1), written from the spec rather than from the graph,
 * in double precision over the float32 weights. Weights are looked up by their dotted names; the
 * position table is resized separably (first the rows, then the columns) with the 1-D weights.
 */
final class ReferenceVit {
  private final VitConfig cfg;
  private final Map<String, float[]> w;

  ReferenceVit(VitConfig cfg, Map<String, float[]> weights) {
    this.cfg = cfg;
    this.w = weights;
  }

  /**
   * Tokens {@code [B][N][D]} of images {@code [B, 3, S, S]} (row-major).
   *
   * @param keep null or the kept token indices per sample
   * @param dropPath null or multipliers per sample: 2·depth columns (per branch) or depth (per block)
   */
  double[][][] forward(double[] images, int batch, int size, long[][] keep, double[][] dropPath) {
    int g = size / cfg.patch();
    double[][] pos = positions(g);
    double[][][] out = new double[batch][][];
    for (int b = 0; b < batch; b++) {
      double[][] x = patches(images, b, size);
      for (int t = 0; t < x.length; t++) {
        add(x[t], pos[t], 1);
      }
      if (keep != null) {
        double[][] kept = new double[keep[b].length][];
        for (int k = 0; k < kept.length; k++) {
          kept[k] = x[(int) keep[b][k]];
        }
        x = kept;
      }
      for (int l = 0; l < cfg.depth(); l++) {
        String p = "encoder.blocks." + l + ".";
        double sAttn = 1;
        double sMlp = 1;
        if (dropPath != null) {
          boolean perBranch = dropPath[b].length == 2 * cfg.depth();
          sAttn = dropPath[b][perBranch ? 2 * l : l];
          sMlp = dropPath[b][perBranch ? 2 * l + 1 : l];
        }
        double[][] a = attention(layerNorm(x, p + "ln1"), p + "attn.");
        for (int t = 0; t < x.length; t++) {
          add(x[t], a[t], sAttn);
        }
        double[][] m = mlp(layerNorm(x, p + "ln2"), p + "mlp.");
        for (int t = 0; t < x.length; t++) {
          add(x[t], m[t], sMlp);
        }
      }
      out[b] = layerNorm(x, "encoder.encoder_norm");
    }
    return out;
  }

  /** Conv with kernel = stride = patch: token (gy, gx) in raster order. */
  private double[][] patches(double[] images, int b, int size) {
    int p = cfg.patch();
    int g = size / p;
    int d = cfg.width();
    float[] kernel = w.get("encoder.patch_embed.weight");
    float[] bias = w.get("encoder.patch_embed.bias");
    double[][] x = new double[g * g][d];
    for (int gy = 0; gy < g; gy++) {
      for (int gx = 0; gx < g; gx++) {
        for (int o = 0; o < d; o++) {
          double s = bias[o];
          for (int c = 0; c < 3; c++) {
            for (int ky = 0; ky < p; ky++) {
              for (int kx = 0; kx < p; kx++) {
                double px = images[((b * 3 + c) * size + gy * p + ky) * size + gx * p + kx];
                s += px * kernel[((o * 3 + c) * p + ky) * p + kx];
              }
            }
          }
          x[gy * g + gx][o] = s;
        }
      }
    }
    return x;
  }

  /** The position table at grid g, {@code [g·g][D]}. */
  private double[][] positions(int g) {
    int g0 = cfg.posGrid();
    int d = cfg.width();
    float[] table = w.get("encoder.posembed");
    double[][] wy = PositionResize.weights(g0, g);
    double[][][] rows = new double[g][g0][d];
    for (int oy = 0; oy < g; oy++) {
      for (int ix = 0; ix < g0; ix++) {
        for (int iy = 0; iy < g0; iy++) {
          for (int c = 0; c < d; c++) {
            rows[oy][ix][c] += wy[oy][iy] * table[(iy * g0 + ix) * d + c];
          }
        }
      }
    }
    double[][] pos = new double[g * g][d];
    for (int oy = 0; oy < g; oy++) {
      for (int ox = 0; ox < g; ox++) {
        for (int ix = 0; ix < g0; ix++) {
          add(pos[oy * g + ox], rows[oy][ix], wy[ox][ix]);
        }
      }
    }
    return pos;
  }

  private double[][] layerNorm(double[][] x, String name) {
    float[] scale = w.get(name + ".scale");
    float[] bias = w.get(name + ".bias");
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      double mean = 0;
      for (double v : x[t]) {
        mean += v / x[t].length;
      }
      double var = 0;
      for (double v : x[t]) {
        var += (v - mean) * (v - mean) / x[t].length;
      }
      double inv = 1 / Math.sqrt(var + 1e-6);
      y[t] = new double[x[t].length];
      for (int c = 0; c < y[t].length; c++) {
        y[t][c] = (x[t][c] - mean) * inv * scale[c] + bias[c];
      }
    }
    return y;
  }

  private double[][] attention(double[][] x, String p) {
    int heads = cfg.heads();
    int hd = cfg.width() / heads;
    double[][] q = linear(x, p + "query");
    double[][] k = linear(x, p + "key");
    double[][] v = linear(x, p + "value");
    int n = x.length;
    double[][] ctx = new double[n][cfg.width()];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < n; i++) {
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          for (int c = h * hd; c < (h + 1) * hd; c++) {
            s[j] += q[i][c] * k[j][c];
          }
          s[j] /= Math.sqrt(hd);
          max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          s[j] = Math.exp(s[j] - max);
          sum += s[j];
        }
        for (int j = 0; j < n; j++) {
          for (int c = h * hd; c < (h + 1) * hd; c++) {
            ctx[i][c] += s[j] / sum * v[j][c];
          }
        }
      }
    }
    return linear(ctx, p + "out");
  }

  private double[][] mlp(double[][] x, String p) {
    double[][] h = linear(x, p + "fc1");
    for (double[] row : h) {
      for (int c = 0; c < row.length; c++) {
        double u = row[c];
        row[c] = 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u * u * u)));
      }
    }
    return linear(h, p + "fc2");
  }

  /** {@code x · W + b} with W {@code [in, out]}; a per-head bias {@code [heads, D/heads]} is read flat. */
  private double[][] linear(double[][] x, String name) {
    float[] weight = w.get(name + ".weight");
    float[] bias = w.get(name + ".bias");
    int in = x[0].length;
    int out = weight.length / in;
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = bias[o];
        for (int i = 0; i < in; i++) {
          s += x[t][i] * weight[i * out + o];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  private static void add(double[] acc, double[] v, double scale) {
    for (int c = 0; c < acc.length; c++) {
      acc[c] += scale * v[c];
    }
  }
}
