package dev.loca.graph.artifacts;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a checkpoint holds, as {@link CheckpointReader} returns it: tensors in file order (sorted by name
 * in files that ORT or {@link CheckpointWriter} wrote), the optimizer group {@code group0} if present, and
 * the properties.
 *
 * @param trainable parameters that the optimizer updates ({@code requires_grad_params})
 * @param frozen parameters that are fed but never updated ({@code frozen_params})
 * @param optimizer the state of optimizer group {@code group0}; empty when the file has none
 * @param properties the property bag
 */
public record CheckpointContents(
    List<NamedTensor> trainable,
    List<NamedTensor> frozen,
    Optional<OptimizerState> optimizer,
    Properties properties) {

  /** Freezes the lists. */
  public CheckpointContents {
    trainable = List.copyOf(trainable);
    frozen = List.copyOf(frozen);
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(properties, "properties");
  }

  /** The trainable or frozen tensor called {@code name}. */
  public Optional<NamedTensor> tensor(String name) {
    return Stream.concat(trainable.stream(), frozen.stream())
        .filter(t -> t.name().equals(name))
        .findFirst();
  }
}
