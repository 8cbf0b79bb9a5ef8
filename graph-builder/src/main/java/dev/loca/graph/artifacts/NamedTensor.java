package dev.loca.graph.artifacts;

import dev.loca.graph.ir.TensorData;
import java.util.Objects;

/**
 * A tensor of a checkpoint under its parameter name (dotted, e.g. {@code encoder.blocks.3.attn.q.weight}).
 *
 * @param name the parameter name; the training graph's input of the same name reads it
 * @param data the contents
 */
public record NamedTensor(String name, TensorData data) {

  /** Checks that the name is non-empty and the data present. */
  public NamedTensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("checkpoint tensor name is empty");
    }
  }
}
