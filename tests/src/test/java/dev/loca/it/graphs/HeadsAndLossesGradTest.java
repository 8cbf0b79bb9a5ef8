package dev.loca.it.graphs;

import static dev.loca.it.gradcheck.GradCheck.fixed;
import static dev.loca.it.gradcheck.GradCheck.wrt;

import dev.loca.graph.build.Init;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.heads.CrossAttentionBlock;
import dev.loca.graphs.heads.ProjectionHead;
import dev.loca.graphs.heads.Prototypes;
import dev.loca.graphs.heads.SegmenterHead;
import dev.loca.graphs.losses.LocaLosses;
import dev.loca.it.gradcheck.GradCheck;
import dev.loca.it.ops.Nd;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks, in both autodiff flavours, of the heads and losses with respect to their inputs
 * (parameters stay at their seeded initial values), with {@link GradCheck}'s tolerance.
 */
class HeadsAndLossesGradTest {
  @Test
  void locaLossTotalWithRespectToLogitsAndClusterScores() {
    Nd targets = LocaLossesTest.targets();
    Nd labels = Nd.longs(new long[] {LocaLossesTest.TOKENS}, LocaLossesTest.LABELS);
    Nd rows = Nd.longs(new long[] {LocaLossesTest.TOKENS}, LocaLossesTest.targetRows(LocaLossesTest.LABELS));
    GradCheck.check(c -> List.of(LocaLosses.compute(c.b(), c.in("logits"), c.in("scores"), c.in("labels"),
            c.in("rows"), c.in("targets"), LocaLosses.DEFAULT_TEMPERATURE).total()),
        wrt("logits", LocaLossesTest.positionLogits()),
        wrt("scores", Nd.uniform(21, -0.5, 0.5, LocaLossesTest.TOKENS, LocaLossesTest.PROTOTYPES)),
        fixed("labels", labels), fixed("rows", rows), fixed("targets", targets));
  }

  @Test
  void projectionHeadAndPrototypesWithRespectToTokens() {
    GradCheck.check(c -> {
      Value h = ProjectionHead.apply(c.b(), "head", c.in("x"), 6, 10, 4);
      return List.of(Prototypes.scores(c.b(), "prototypes", h, 4, 7));
    }, wrt("x", Nd.uniform(22, -1, 1, 2, 3, 6)));
  }

  @Test
  void crossAttentionBlockWithRespectToQueriesAndMemory() {
    GradCheck.check(c -> List.of(CrossAttentionBlock.apply(c.b(), "g", c.in("q"), c.in("r"), 6, 2, 8)),
        wrt("q", Nd.uniform(23, -1, 1, 2, 3, 6)), wrt("r", Nd.uniform(24, -1, 1, 2, 4, 6)));
  }

  @Test
  void segmenterLossWithRespectToTokens() {
    Nd labels = Nd.randomInts(25, DataType.INT64, 0, 3, 2, 5, 5);
    for (int i = 0; i < labels.size(); i += 4) {
      labels.data[i] = SegmenterHead.DEFAULT_IGNORE_LABEL;
    }
    // LeCun-normal rather than Segmenter's std 0.02, so that the gradients are large against the tolerance
    GradCheck.check(c -> {
      Value logits = SegmenterHead.apply(c.b(), "seg", c.in("tokens"), 2, 6, 3, 5,
          Init.lecunNormal());
      return List.of(SegmenterHead.loss(c.b(), logits, c.in("labels"), SegmenterHead.DEFAULT_IGNORE_LABEL));
    }, wrt("tokens", Nd.uniform(26, -1, 1, 2, 4, 6)), fixed("labels", labels));
  }
}
