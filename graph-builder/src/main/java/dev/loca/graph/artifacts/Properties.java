package dev.loca.graph.artifacts;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The property bag of a checkpoint: named int64, float32 and string values (epoch, data position, run
 * id, ...). A name may appear in one of the three maps only: ORT keeps one value per name.
 *
 * @param ints int64 properties
 * @param floats float32 properties
 * @param strings string properties
 */
public record Properties(Map<String, Long> ints, Map<String, Float> floats, Map<String, String> strings) {

  private static final Properties NONE = new Properties(Map.of(), Map.of(), Map.of());

  /** Freezes the maps and checks that names are non-empty and unique across the three kinds. */
  public Properties {
    ints = Map.copyOf(Objects.requireNonNull(ints, "ints"));
    floats = Map.copyOf(Objects.requireNonNull(floats, "floats"));
    strings = Map.copyOf(Objects.requireNonNull(strings, "strings"));
    Set<String> seen = new HashSet<>();
    for (Map<String, ?> kind : List.of(ints, floats, strings)) {
      for (String name : kind.keySet()) {
        if (name.isEmpty()) {
          throw new IllegalArgumentException("checkpoint property name is empty");
        }
        if (!seen.add(name)) {
          throw new IllegalArgumentException(
              "checkpoint property '" + name + "' is given with two types; a name holds one value");
        }
      }
    }
  }

  /** No properties. */
  public static Properties none() {
    return NONE;
  }

  /** True when there are no properties at all. */
  public boolean isEmpty() {
    return ints.isEmpty() && floats.isEmpty() && strings.isEmpty();
  }
}
