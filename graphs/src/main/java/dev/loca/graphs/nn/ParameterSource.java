package dev.loca.graphs.nn;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;

/**
 * Where a layer gets its parameters: {@link #DECLARE} declares each one on the builder, a
 * {@link SharedParameters} hands out the parameter of the same dotted name again when a module is applied a
 * second time (the student's encoder runs on query0 and on the focal queries with one set of weights).
 */
@FunctionalInterface
public interface ParameterSource {
  /** Declares every parameter anew; declaring a name twice fails, as on the builder. */
  ParameterSource DECLARE = GraphBuilder::parameter;

  /** The float32 parameter {@code local} in the builder's current scope, of this shape and initialiser. */
  Value get(GraphBuilder b, String local, Shape shape, Init init);
}
