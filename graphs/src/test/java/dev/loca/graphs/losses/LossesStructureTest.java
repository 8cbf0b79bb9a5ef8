package dev.loca.graphs.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes of the targets and losses with symbolic token counts, and the argument checks. */
class LossesStructureTest {
  @Test
  void sinkhornKeepsTheScoresShape() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value s = b.input("s", DataType.FLOAT, Shape.symbolic("N", 32));
    Value t = Sinkhorn.targets(b, s, Sinkhorn.DEFAULT_SHARPENING, Sinkhorn.DEFAULT_ITERATIONS);
    assertEquals(s.shape(), t.shape());
    assertEquals(0, b.parameters().size());
    Value bad = b.input("bad", DataType.FLOAT, Shape.symbolic("B", "N", 32));
    assertThrows(IllegalArgumentException.class, () -> Sinkhorn.targets(b, bad, 0.05f, 3));
    assertThrows(IllegalArgumentException.class, () -> Sinkhorn.targets(b, s, 0f, 3));
  }

  @Test
  void lossesAreScalars() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value logits = b.input("logits", DataType.FLOAT, Shape.symbolic("T", 49));
    Value scores = b.input("scores", DataType.FLOAT, Shape.symbolic("T", 32));
    Value labels = b.input("labels", DataType.INT64, Shape.symbolic("T"));
    Value rows = b.input("rows", DataType.INT64, Shape.symbolic("T"));
    Value targets = b.input("targets", DataType.FLOAT, Shape.symbolic("N", 32));
    LocaLosses l = LocaLosses.compute(b, logits, scores, labels, rows, targets, LocaLosses.DEFAULT_TEMPERATURE);
    for (Value v : List.of(l.position(), l.feature(), l.memax(), l.total(), l.positionAccuracy(), l.validCount())) {
      assertEquals(Shape.scalar(), v.shape(), v.name());
      assertEquals(DataType.FLOAT, v.dtype(), v.name());
    }
    assertEquals(0, b.parameters().size());
  }

  @Test
  void locationOnlyModeHasOnlyThePositionLoss() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value logits = b.input("logits", DataType.FLOAT, Shape.symbolic("T", 49));
    Value labels = b.input("labels", DataType.INT64, Shape.symbolic("T"));
    LocaLosses l = LocaLosses.compute(b, logits, labels);
    assertNull(l.feature());
    assertNull(l.memax());
    assertEquals(Shape.scalar(), l.total().shape());
    b.output(l.position(), l.total());
    b.build();
  }

  @Test
  void rejectsMismatchedArguments() {
    GraphBuilder b = new GraphBuilder("t", 1);
    Value logits = b.input("logits", DataType.FLOAT, Shape.symbolic("T", 49));
    Value scores = b.input("scores", DataType.FLOAT, Shape.symbolic("T", 32));
    Value labels = b.input("labels", DataType.INT64, Shape.symbolic("T"));
    Value intLabels = b.input("int_labels", DataType.INT32, Shape.symbolic("T"));
    assertThrows(IllegalArgumentException.class,
        () -> LocaLosses.compute(b, logits, scores, labels, null, null, 0.1f));
    assertThrows(IllegalArgumentException.class, () -> LocaLosses.compute(b, logits, intLabels));
    assertThrows(IllegalArgumentException.class, () -> LocaLosses.compute(b, scores, logits));
  }
}
