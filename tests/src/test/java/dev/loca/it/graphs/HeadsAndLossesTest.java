package dev.loca.it.graphs;

import static dev.loca.it.graphs.Reference.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.heads.CrossAttentionBlock;
import dev.loca.graphs.heads.PositionClassifier;
import dev.loca.graphs.heads.ProjectionHead;
import dev.loca.graphs.heads.Prototypes;
import dev.loca.graphs.heads.SegmenterHead;
import dev.loca.graphs.losses.Sinkhorn;
import dev.loca.it.ops.Nd;
import dev.loca.it.ops.OrtOps;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The heads and the Sinkhorn targets run in ONNX Runtime against {@link Reference}. */
class HeadsAndLossesTest {
  static final double ATOL = 1e-5;
  static final double RTOL = 1e-4;

  /** Runs {@code body} in ORT and returns its outputs; {@code builder[0]} is the builder used. */
  static List<Nd> run(GraphBuilder[] builder, Function<OrtOps.Ctx, List<Value>> body,
      OrtOps.Feed... feeds) {
    return OrtOps.run(c -> {
      builder[0] = c.b();
      return body.apply(c);
    }, feeds);
  }

  @Test
  void projectionHeadGivesUnitVectorsAndPrototypesCosineScores() {
    Nd x = Nd.uniform(1, -2, 2, 2, 3, 6);
    GraphBuilder[] b = new GraphBuilder[1];
    List<Nd> out = run(b, c -> {
      Value h = ProjectionHead.apply(c.b(), "head", c.in("x"), 6, 10, 4);
      return List.of(h, Prototypes.scores(c.b(), "prototypes", h, 4, 7));
    }, OrtOps.feed("x", Shape.symbolic("B", 3, 6), x));
    Map<String, Nd> p = Reference.parameters(b[0]);

    double[][] h = Reference.linear(Reference.gelu(Reference.linear(Reference.gelu(
        Reference.linear(rows(x), p, "head.fc1")), p, "head.fc2")), p, "head.fc3");
    double[][] unitH = Arrays.stream(h).map(Reference::unit).toArray(double[][]::new);
    double[][] w = rows(p.get("prototypes.weight"));
    double[][] unitColumns = new double[4][7];
    for (int k = 0; k < 7; k++) {
      double[] col = new double[4];
      for (int i = 0; i < 4; i++) {
        col[i] = w[i][k];
      }
      col = Reference.unit(col);
      for (int i = 0; i < 4; i++) {
        unitColumns[i][k] = col[i];
      }
    }
    OrtOps.assertClose(Reference.nd(unitH, 2, 3, 4), out.get(0), ATOL, RTOL);
    OrtOps.assertClose(Reference.nd(Reference.matmul(unitH, unitColumns), 2, 3, 7), out.get(1), ATOL, RTOL);
    for (double[] row : rows(out.get(0))) {
      assertEquals(1, Math.sqrt(Arrays.stream(row).map(v -> v * v).sum()), 1e-6);
    }
    for (double s : out.get(1).data) {
      assertTrue(Math.abs(s) <= 1 + 1e-6, "cosine score " + s);
    }
  }

  @Test
  void crossAttentionBlock() {
    Nd q = Nd.uniform(2, -1, 1, 2, 3, 6);
    Nd r = Nd.uniform(3, -1, 1, 2, 4, 6);
    GraphBuilder[] b = new GraphBuilder[1];
    Nd z = run(b, c -> List.of(CrossAttentionBlock.apply(c.b(), "g", c.in("q"), c.in("r"), 6, 2, 8)),
        OrtOps.feed("q", Shape.symbolic("B", 3, 6), q), OrtOps.feed("r", Shape.symbolic("B", 4, 6), r)).get(0);
    Map<String, Nd> p = Reference.parameters(b[0]);
    double[][] expected = new double[6][];
    double[][] qr = rows(q);
    double[][] rr = rows(r);
    for (int img = 0; img < 2; img++) {
      double[][] x = Arrays.copyOfRange(qr, img * 3, img * 3 + 3);
      double[][] mem = Arrays.copyOfRange(rr, img * 4, img * 4 + 4);
      double[][] y = Reference.add(x, Reference.attention(Reference.layerNorm(x, p, "g.ln_q"),
          Reference.layerNorm(mem, p, "g.ln_kv"), p, "g.attn", 2));
      double[][] m = Reference.linear(Reference.gelu(Reference.linear(Reference.layerNorm(y, p, "g.ln_mlp"), p,
          "g.mlp.fc1")), p, "g.mlp.fc2");
      System.arraycopy(Reference.add(y, m), 0, expected, img * 3, 3);
    }
    OrtOps.assertClose(Reference.nd(expected, 2, 3, 6), z, ATOL, RTOL);
  }

  @Test
  void positionClassifier() {
    Nd x = Nd.uniform(4, -1, 1, 5, 6);
    GraphBuilder[] b = new GraphBuilder[1];
    Nd logits = run(b, c -> List.of(PositionClassifier.apply(c.b(), "cls", c.in("x"), 6, 9)),
        OrtOps.feed("x", Shape.symbolic("T", 6), x)).get(0);
    Map<String, Nd> p = Reference.parameters(b[0]);
    double[][] expected = Reference.linear(Reference.layerNorm(rows(x), p, "cls.final_norm"), p,
        "cls.position_predictor");
    OrtOps.assertClose(Reference.nd(expected, 5, 9), logits, ATOL, RTOL);
  }

  /**
   * Targets for 2 images × 49 reference tokens over 64 prototypes, from the cosine scores of an untrained
   * head (random unit vectors in the spec's 256-d bottleneck): rows sum to 1 to float rounding, and after 3
   * iterations each column sums to N/K within 1 % (the last step normalises rows, so columns are balanced only
   * approximately; measured 2e-4 here; sharper scores balance more slowly: random 16-d unit vectors leave
   * about 40 %). The values match a Java Sinkhorn.
   */
  @Test
  void sinkhornTargets() {
    int n = 98;
    int k = 64;
    Nd s = Reference.cosineScores(5, n, k, 256);
    Nd t = OrtOps.run(c -> List.of(Sinkhorn.targets(c.b(), c.in("s"), Sinkhorn.DEFAULT_SHARPENING,
        Sinkhorn.DEFAULT_ITERATIONS)), OrtOps.feed("s", Shape.symbolic("N", k), s)).get(0);
    double[][] expected = Reference.sinkhorn(rows(s), 0.05, 3);
    OrtOps.assertClose(Reference.nd(expected, n, k), t, 1e-6, 1e-4);
    double[][] tr = rows(t);
    for (double[] row : tr) {
      assertEquals(1, Arrays.stream(row).sum(), 1e-5);
    }
    for (int j = 0; j < k; j++) {
      double col = 0;
      for (double[] row : tr) {
        col += row[j];
      }
      assertEquals(1, col * k / n, 0.01, "column " + j);
    }
  }

  @Test
  void segmenterHeadUpsamplesBilinearly() {
    Nd tokens = Nd.uniform(6, -1, 1, 2, 9, 6);
    int grid = 3;
    int size = 7;
    int classes = 4;
    GraphBuilder[] b = new GraphBuilder[1];
    Nd logits = run(b, c -> List.of(SegmenterHead.apply(c.b(), "seg", c.in("tokens"), grid, 6, classes, size)),
        OrtOps.feed("tokens", Shape.symbolic("B", 9, 6), tokens)).get(0);
    Map<String, Nd> p = Reference.parameters(b[0]);
    double[][] perToken = Reference.linear(rows(tokens), p, "seg.head");
    Nd expected = Nd.zeros(logits.dtype, 2, classes, size, size);
    for (int img = 0; img < 2; img++) {
      for (int cls = 0; cls < classes; cls++) {
        double[][] colsResized = new double[grid][];
        for (int row = 0; row < grid; row++) {
          double[] line = new double[grid];
          for (int col = 0; col < grid; col++) {
            line[col] = perToken[img * grid * grid + row * grid + col][cls];
          }
          colsResized[row] = Reference.resizeLine(line, size);
        }
        for (int x = 0; x < size; x++) {
          double[] column = new double[grid];
          for (int row = 0; row < grid; row++) {
            column[row] = colsResized[row][x];
          }
          double[] up = Reference.resizeLine(column, size);
          for (int y = 0; y < size; y++) {
            expected.set(up[y], img, cls, y, x);
          }
        }
      }
    }
    OrtOps.assertClose(expected, logits, ATOL, RTOL);
  }

  @Test
  void segmenterLossIsTheMeanOverPixelsNotIgnored() {
    Nd logits = Nd.uniform(7, -2, 2, 2, 3, 4, 4);
    Nd labels = Nd.randomInts(8, DataType.INT64, 0, 3, 2, 4, 4);
    for (int i = 0; i < labels.size(); i += 3) {
      labels.data[i] = SegmenterHead.DEFAULT_IGNORE_LABEL;
    }
    Nd loss = OrtOps.run(c -> List.of(SegmenterHead.loss(c.b(), c.in("logits"), c.in("labels"),
        SegmenterHead.DEFAULT_IGNORE_LABEL)), OrtOps.feed("logits", Shape.symbolic("B", 3, 4, 4), logits),
        OrtOps.feed("labels", Shape.symbolic("B", 4, 4), labels)).get(0);
    double sum = 0;
    int counted = 0;
    for (int img = 0; img < 2; img++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          int label = (int) labels.get(img, y, x);
          if (label == SegmenterHead.DEFAULT_IGNORE_LABEL) {
            continue;
          }
          double[] z = new double[3];
          for (int cls = 0; cls < 3; cls++) {
            z[cls] = logits.get(img, cls, y, x);
          }
          sum -= Math.log(Reference.softmax(z)[label]);
          counted++;
        }
      }
    }
    assertEquals(sum / counted, loss.data[0], 1e-5);
  }
}
