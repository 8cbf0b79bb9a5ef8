package dev.loca.train.cli;

import java.util.List;
import java.util.Map;

/** Applies a command's flags, then its {@code --set key=value} pairs, to a run configuration. */
final class ConfigFlags {
  /** Sets one field of a configuration from its text; fails with a one-line IllegalArgumentException. */
  @FunctionalInterface
  interface Setter<C> {
    C with(C config, String field, String value);
  }

  private ConfigFlags() {}

  /**
   * @param flags config field → flag value, null where the flag was not given
   * @param sets {@code key=value} pairs, applied after the flags
   */
  static <C> C apply(C config, Map<String, Object> flags, List<String> sets, Setter<C> setter) {
    C c = config;
    for (Map.Entry<String, Object> f : flags.entrySet()) {
      if (f.getValue() != null) {
        c = setter.with(c, f.getKey(), f.getValue().toString());
      }
    }
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects key=value, got '" + s + "'");
      }
      c = setter.with(c, s.substring(0, eq), s.substring(eq + 1));
    }
    return c;
  }
}
