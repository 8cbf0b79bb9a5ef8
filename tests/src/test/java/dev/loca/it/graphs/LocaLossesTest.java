package dev.loca.it.graphs;

import static dev.loca.it.graphs.Reference.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.heads.PositionClassifier;
import dev.loca.graphs.losses.LocaLosses;
import dev.loca.graphs.losses.Sinkhorn;
import dev.loca.it.ops.Nd;
import dev.loca.it.ops.OrtOps;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LocaLosses} in ONNX Runtime against the spec's formulas (§4.1–§4.5) computed in Java. */
class LocaLossesTest {
  static final int TOKENS = 8;
  static final int POSITIONS = 5;
  static final int PROTOTYPES = 4;
  /** Two reference images of 5 positions each; tokens 0–3 belong to image 0, 4–7 to image 1. */
  static final long[] LABELS = {2, -1, 0, 4, -1, 1, 3, -1};

  static long[] targetRows(long[] labels) {
    long[] rows = new long[labels.length];
    for (int i = 0; i < labels.length; i++) {
      rows[i] = labels[i] < 0 ? -1 : labels[i] + (i / 4) * POSITIONS;
    }
    return rows;
  }

  /** Position logits with the label's logit raised for tokens 0 and 3, so that some argmaxes hit. */
  static Nd positionLogits() {
    Nd l = Nd.uniform(11, -2, 2, TOKENS, POSITIONS);
    l.set(l.get(0, 2) + 3, 0, 2);
    l.set(l.get(3, 4) + 3, 3, 4);
    return l;
  }

  static Nd targets() {
    return Reference.sinkhorn(Reference.cosineScores(12, 2 * POSITIONS, PROTOTYPES, 8), 0.05, 3);
  }

  /** position, feature, memax, total, accuracy, valid count. */
  static double[] expected(Nd logits, Nd scores, long[] labels, Nd targets, double tau) {
    double[][] l = rows(logits);
    double[][] p = rows(scores);
    double[][] t = rows(targets);
    long[] targetRows = targetRows(labels);
    double pos = 0;
    double feat = 0;
    double valid = 0;
    double hits = 0;
    double[] meanQ = new double[PROTOTYPES];
    for (int i = 0; i < labels.length; i++) {
      double[] q = Reference.softmax(Arrays.stream(p[i]).map(v -> v / tau).toArray());
      for (int k = 0; k < PROTOTYPES; k++) {
        meanQ[k] += q[k] / labels.length;
      }
      if (labels[i] < 0) {
        continue;
      }
      int y = (int) labels[i];
      double[] sl = Reference.softmax(l[i]);
      valid++;
      pos -= Math.log(sl[y]);
      for (int k = 0; k < PROTOTYPES; k++) {
        feat -= t[(int) targetRows[i]][k] * Math.log(q[k]);
      }
      int argmax = 0;
      for (int j = 1; j < POSITIONS; j++) {
        argmax = l[i][j] > l[i][argmax] ? j : argmax;
      }
      hits += argmax == y ? 1 : 0;
    }
    double memax = 0;
    for (double m : meanQ) {
      memax += m * Math.log(m);
    }
    pos /= valid + 1e-8;
    feat /= valid + 1e-8;
    return new double[] {pos, feat, memax, pos + feat + memax, valid == 0 ? 0 : hits / valid, valid};
  }

  static List<Nd> runLosses(Nd logits, Nd scores, long[] labels, Nd targets) {
    return OrtOps.run(c -> {
      LocaLosses ls = LocaLosses.compute(c.b(), c.in("logits"), c.in("scores"), c.in("labels"), c.in("rows"),
          c.in("targets"), LocaLosses.DEFAULT_TEMPERATURE);
      return List.of(ls.position(), ls.feature(), ls.memax(), ls.total(), ls.positionAccuracy(), ls.validCount());
    }, OrtOps.feed("logits", Shape.symbolic("T", POSITIONS), logits),
        OrtOps.feed("scores", Shape.symbolic("T", PROTOTYPES), scores),
        OrtOps.feed("labels", Shape.symbolic("T"), Nd.longs(new long[] {labels.length}, labels)),
        OrtOps.feed("rows", Shape.symbolic("T"), Nd.longs(new long[] {labels.length}, targetRows(labels))),
        OrtOps.feed("targets", Shape.symbolic("N", PROTOTYPES), targets));
  }

  static void assertMatches(double[] expected, List<Nd> actual) {
    String[] names = {"position", "feature", "memax", "total", "accuracy", "valid count"};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual.get(i).data[0], 1e-5 + 1e-5 * Math.abs(expected[i]), names[i]);
    }
  }

  @Test
  void matchTheSpecWithSomeTokensUnlabelled() {
    Nd logits = positionLogits();
    Nd scores = Nd.uniform(13, -1, 1, TOKENS, PROTOTYPES);
    Nd targets = targets();
    double[] e = expected(logits, scores, LABELS, targets, 0.1);
    assertTrue(e[4] > 0 && e[4] < 1, "the case should have hits and misses, accuracy " + e[4]);
    assertMatches(e, runLosses(logits, scores, LABELS, targets));
  }

  @Test
  void noLabelledTokenGivesZeroLossesAndAFiniteMemax() {
    long[] none = new long[TOKENS];
    Arrays.fill(none, -1);
    Nd scores = Nd.uniform(14, -1, 1, TOKENS, PROTOTYPES);
    List<Nd> out = runLosses(positionLogits(), scores, none, targets());
    assertEquals(0, out.get(0).data[0], "position");
    assertEquals(0, out.get(1).data[0], "feature");
    assertTrue(Double.isFinite(out.get(2).data[0]), "memax " + out.get(2).data[0]);
    assertMatches(expected(positionLogits(), scores, none, targets(), 0.1), out);
  }

  /** Spec §7 test: with a zero position classifier every logit is 0 and the loss is ln(nRef). */
  @Test
  void zeroPositionClassifierGivesLogOfThePositionCount() {
    int nRef = 49;
    Nd x = Nd.uniform(15, -1, 1, 2, 6, 8);
    Nd labels = Nd.randomInts(16, DataType.INT64, 0, nRef, 12);
    List<Nd> out = OrtOps.run(c -> {
      Value logits = PositionClassifier.apply(c.b(), "cls", c.in("x"), 8, nRef, true);
      Value flat = c.b().op("Reshape", logits, c.b().longs(-1, nRef));
      LocaLosses ls = LocaLosses.compute(c.b(), flat, c.in("labels"));
      return List.of(ls.position(), ls.total());
    }, OrtOps.feed("x", Shape.symbolic("B", 6, 8), x), OrtOps.feed("labels", Shape.symbolic("T"), labels));
    assertEquals(Math.log(nRef), out.get(0).data[0], 1e-3);
    assertEquals(out.get(0).data[0], out.get(1).data[0]);
  }

  @Test
  void sinkhornTargetsFeedTheFeatureLoss() {
    Nd s = Reference.cosineScores(17, 2 * POSITIONS, PROTOTYPES, 8);
    Nd logits = positionLogits();
    Nd scores = Nd.uniform(18, -1, 1, TOKENS, PROTOTYPES);
    double[] e = expected(logits, scores, LABELS, Reference.sinkhorn(s, 0.05, 3), 0.1);
    Nd feature = OrtOps.run(c -> {
      Value t = Sinkhorn.targets(c.b(), c.in("s"), Sinkhorn.DEFAULT_SHARPENING, Sinkhorn.DEFAULT_ITERATIONS);
      return List.of(LocaLosses.compute(c.b(), c.in("logits"), c.in("scores"), c.in("labels"), c.in("rows"), t,
          0.1f).feature());
    }, OrtOps.feed("s", Shape.symbolic("N", PROTOTYPES), s), OrtOps.feed("logits", logits),
        OrtOps.feed("scores", scores), OrtOps.feed("labels", Nd.longs(new long[] {TOKENS}, LABELS)),
        OrtOps.feed("rows", Nd.longs(new long[] {TOKENS}, targetRows(LABELS)))).get(0);
    assertEquals(e[1], feature.data[0], 1e-5 * (1 + Math.abs(e[1])));
  }
}
