package dev.loca.graph.ops;

import dev.loca.graph.ir.ValueType;
import java.util.List;

/** Computes the output types of a node from its input types, attributes and constant inputs. */
@FunctionalInterface
public interface TypeInference {
  /**
   * The type of each output the node declares ({@link InferenceContext#outputCount()} of them).
   *
   * @throws ShapeInferenceException when the inputs do not fit the op, via {@link InferenceContext#fail}
   */
  List<ValueType> infer(InferenceContext ctx);
}
