package dev.loca.it.training;

import static dev.loca.it.ops.OrtOps.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.loca.graph.artifacts.ArtifactBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.it.ops.Nd;
import dev.loca.it.ops.OrtOps;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The optimizer's gradient clipping gives the same bits whatever the order of the gradients sequence. ONNX
 * Runtime's training API fills that sequence from a hash map, in an order that changes between sessions; its
 * {@code InplaceClipGradNorm} adds the squared norms in sequence order, so one set of gradients could be
 * clipped by coefficients a bit apart and a resumed run drifted from the uninterrupted one. The numbers are
 * chosen so that float addition order matters: 4096² = 2²⁴, where adding 1 is lost to rounding but adding
 * the four 1s first (2²⁴ + 4) is exact.
 */
class GradientClipOrderTest {
  private static final float MAX_NORM = 1f;
  private static final Nd BIG = Nd.floats(new long[] {1}, 4096);
  private static final Nd ONE = Nd.floats(new long[] {1}, 1);

  @Test
  void ourClippingIsTheSameInEitherOrder() {
    BiFunction<OrtOps.Ctx, Value, Value> clip = (c, seq) -> ArtifactBuilder.clipToNorm(c.b(), seq, 5, MAX_NORM);
    double bigFirst = clippedBig(clip, false);
    double bigLast = clippedBig(clip, true);
    assertEquals(Float.floatToRawIntBits((float) bigFirst), Float.floatToRawIntBits((float) bigLast));
    double exact = 4096 * MAX_NORM / (Math.sqrt(4096.0 * 4096 + 4) + 1e-6);
    assertEquals(exact, bigFirst, 1e-7 * exact, "the norm of all five tensors, added exactly");
  }

  /** What the workaround is for: should this start failing, ORT's kernel no longer depends on the order. */
  @Test
  void ortsClipGradNormDependsOnTheOrder() {
    BiFunction<OrtOps.Ctx, Value, Value> clip = (c, seq) -> c.b().node(OpsetId.MICROSOFT, "InplaceClipGradNorm")
        .inputs(seq).attr("max_norm", MAX_NORM).build();
    assertNotEquals(Float.floatToRawIntBits((float) clippedBig(clip, false)),
        Float.floatToRawIntBits((float) clippedBig(clip, true)));
  }

  /** The clipped 4096 of a sequence of it and four 1s, with the 4096 first or last. */
  private static double clippedBig(BiFunction<OrtOps.Ctx, Value, Value> clip, boolean bigLast) {
    List<Nd> out = OrtOps.run(c -> {
      List<Value> tensors = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tensors.add(c.in("one" + i));
      }
      tensors.add(bigLast ? 4 : 0, c.in("big"));
      Value clipped = clip.apply(c, c.b().node("SequenceConstruct").inputs(tensors).build());
      long at = bigLast ? 4 : 0;
      return List.of(c.b().node("SequenceAt").inputs(clipped, c.b().constant(TensorData.scalar(at))).build());
    }, feed("big", BIG), feed("one0", ONE), feed("one1", ONE), feed("one2", ONE), feed("one3", ONE));
    assertEquals(DataType.FLOAT, out.get(0).dtype);
    return out.get(0).data[0];
  }
}
