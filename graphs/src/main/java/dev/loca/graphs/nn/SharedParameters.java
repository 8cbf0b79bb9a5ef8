package dev.loca.graphs.nn;

import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.build.Init;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import java.util.HashMap;
import java.util.Map;

/**
 * Parameters of one builder keyed by their dotted name: the first request declares a parameter, later
 * requests for the same name get the same value (with the same shape, or they fail).
 */
public final class SharedParameters implements ParameterSource {
  private final GraphBuilder builder;
  private final Map<String, Value> byName = new HashMap<>();

  public SharedParameters(GraphBuilder builder) {
    this.builder = builder;
  }

  @Override
  public Value get(GraphBuilder b, String local, Shape shape, Init init) {
    if (b != builder) {
      throw new IllegalArgumentException("these shared parameters belong to another graph builder");
    }
    String name = b.qualify(local);
    Value existing = byName.get(name);
    if (existing == null) {
      Value v = b.parameter(local, shape, init);
      byName.put(name, v);
      return v;
    }
    if (!existing.shape().equals(shape)) {
      throw new IllegalArgumentException("parameter " + name + " is shared with shape " + existing.shape()
          + " but requested again with shape " + shape);
    }
    return existing;
  }
}
