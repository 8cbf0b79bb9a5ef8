package dev.loca.graph.ops;

import com.google.common.collect.ImmutableMap;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every operator the project can emit, with its schema. {@link #standard()} is the catalog used
 * everywhere; the families register themselves in one place, here.
 */
public final class OpCatalog {
  private static final OpCatalog STANDARD = build();

  private final Map<String, OpSchema> schemas;

  private OpCatalog(Map<String, OpSchema> schemas) {
    this.schemas = ImmutableMap.copyOf(schemas);
  }

  /** The catalog of all ops the graph builder knows. */
  public static OpCatalog standard() {
    return STANDARD;
  }

  private static OpCatalog build() {
    Registry r = new Registry();
    ElementwiseOps.register(r);
    LinearAlgebraOps.register(r);
    ReductionOps.register(r);
    ShapeOps.register(r);
    IndexingOps.register(r);
    NeuralNetOps.register(r);
    QuantizationOps.register(r);
    TrainingOps.register(r);
    GradientKernelOps.register(r);
    return new OpCatalog(r.schemas);
  }

  /** The schema of {@code domain::op}, if the catalog has it. */
  public Optional<OpSchema> find(String domain, String op) {
    return Optional.ofNullable(schemas.get(key(domain, op)));
  }

  /** The schema of {@code domain::op}; fails with the known ops of that domain named. */
  public OpSchema get(String domain, String op) {
    return find(domain, op).orElseThrow(() -> new IllegalArgumentException("unknown op '"
        + (domain.isEmpty() ? "" : domain + "::") + op + "'; the catalog has " + schemas.keySet().stream()
        .filter(k -> k.startsWith(domain + "::")).map(k -> k.substring(domain.length() + 2)).toList()));
  }

  /** All schemas in registration order. */
  public Collection<OpSchema> all() {
    return schemas.values();
  }

  private static String key(String domain, String op) {
    return domain + "::" + op;
  }

  /** Collects schemas from the families; a duplicate registration is a programming error. */
  static final class Registry {
    private final Map<String, OpSchema> schemas = new LinkedHashMap<>();

    void add(OpSchema s) {
      if (schemas.putIfAbsent(key(s.domain(), s.name()), s) != null) {
        throw new IllegalStateException("op registered twice: " + s.qualifiedName());
      }
    }
  }
}
