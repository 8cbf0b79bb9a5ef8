package dev.loca.graph.ops;

import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The little constant propagation the builder and validator do so that shape inference can see through it:
 * Constant nodes, Shape of a static shape, and Identity of a known constant. The nodes stay in the graph.
 */
public final class ConstantFolding {
  private ConstantFolding() {}

  /** The value of the node's single output when it follows from its constant inputs. */
  public static Optional<TensorData> fold(Node node, InferenceContext ctx, List<TensorData> constants) {
    if (!node.domain().equals(OpsetId.ONNX) || node.outputs().size() != 1) {
      return Optional.empty();
    }
    switch (node.opType()) {
      case "Constant":
        return Optional.of(ShapeOps.constantValue(ctx));
      case "Identity":
        return Optional.ofNullable(constants.get(0));
      case "Shape": {
        Shape s = ctx.shape(0);
        if (!s.isStatic()) {
          return Optional.empty();
        }
        int[] r = ShapeOps.shapeRange(ctx, s.rank());
        return Optional.of(TensorData.vector(Arrays.copyOfRange(s.sizes(), r[0], r[1])));
      }
      default:
        return Optional.empty();
    }
  }
}
