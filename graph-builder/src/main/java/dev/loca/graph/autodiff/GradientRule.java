package dev.loca.graph.autodiff;

import dev.loca.graph.ir.Value;
import java.util.List;

/**
 * The local derivative of one op: given the gradients of the node's outputs, emit the gradients of its
 * inputs. Returns one entry per forward input, {@code null} where an input gets no gradient (integer
 * inputs, inputs not asked for). The engine does traversal, accumulation, broadcast reduction and naming.
 */
@FunctionalInterface
public interface GradientRule {
  List<Value> apply(GradContext ctx);
}
