package dev.loca.graph.ir;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An ONNX model: IR version, opset imports, producer, the main graph and string metadata.
 *
 * @param irVersion ONNX IR version (8 unless a feature needs newer)
 * @param opsets operator-set imports, one per domain
 * @param producerName producer name
 * @param producerVersion producer version
 * @param graph the main graph
 * @param metadata {@code metadata_props}, in order
 */
public record Model(long irVersion, List<OpsetId> opsets, String producerName, String producerVersion,
    Graph graph, Map<String, String> metadata) {

  public static final long DEFAULT_IR_VERSION = 8;
  public static final String PRODUCER = "loca-jvm";

  public Model {
    Objects.requireNonNull(graph, "graph");
    opsets = ImmutableList.copyOf(opsets);
    metadata = ImmutableMap.copyOf(metadata);
    producerName = producerName == null ? "" : producerName;
    producerVersion = producerVersion == null ? "" : producerVersion;
    Preconditions.checkArgument(
        opsets.stream().map(OpsetId::domain).distinct().count() == opsets.size(),
        "each domain may be imported once, got %s", opsets);
  }

  /** A model with the default IR version and producer. */
  public static Model of(Graph graph, List<OpsetId> opsets) {
    return new Model(DEFAULT_IR_VERSION, opsets, PRODUCER, ProducerVersion.get(), graph, Map.of());
  }

  /**
   * A model importing ai.onnx at {@code onnxOpset} and, when any node uses it, com.microsoft version 1
   * (the only version ONNX Runtime has).
   */
  public static Model of(Graph graph, int onnxOpset) {
    List<OpsetId> opsets = new java.util.ArrayList<>(List.of(OpsetId.onnx(onnxOpset)));
    if (graph.nodes().stream().anyMatch(n -> n.domain().equals(OpsetId.MICROSOFT))) {
      opsets.add(OpsetId.microsoft(1));
    }
    return of(graph, opsets);
  }

  /** The imported version of a domain, if imported. */
  public Optional<Long> opsetVersion(String domain) {
    return opsets.stream().filter(o -> o.domain().equals(domain)).map(OpsetId::version).findFirst();
  }

  public Model withMetadata(Map<String, String> newMetadata) {
    return new Model(irVersion, opsets, producerName, producerVersion, graph, newMetadata);
  }

  public Model withGraph(Graph newGraph) {
    return new Model(irVersion, opsets, producerName, producerVersion, newGraph, metadata);
  }
}
