package dev.loca.graph.build;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Hands out unique names. An explicit name is kept as given and must be unused; generated node names are
 * {@code scope/Op_N} with one counter per graph, so the same building code gives the same names.
 */
final class NameAuthority {
  private final Set<String> valueNames = new HashSet<>();
  private final Set<String> nodeNames = new HashSet<>();
  private final Map<String, Integer> counters = new HashMap<>();

  /** Claims a value name; fails if it is taken. */
  void claimValue(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("value names must not be empty");
    }
    if (!valueNames.add(name)) {
      throw new IllegalArgumentException("value name '" + name + "' is already used in this graph");
    }
  }

  boolean isValueNameTaken(String name) {
    return valueNames.contains(name);
  }

  /** Claims a node name; fails if it is taken. */
  void claimNode(String name) {
    if (!nodeNames.add(name)) {
      throw new IllegalArgumentException("node name '" + name + "' is already used in this graph");
    }
  }

  /** A fresh name {@code prefix + base + "_" + n} that no node or value uses yet. */
  String fresh(String prefix, String base) {
    while (true) {
      int n = counters.merge(base, 1, Integer::sum) - 1;
      String candidate = prefix + base + "_" + n;
      if (!nodeNames.contains(candidate) && !valueNames.contains(candidate)) {
        return candidate;
      }
    }
  }
}
