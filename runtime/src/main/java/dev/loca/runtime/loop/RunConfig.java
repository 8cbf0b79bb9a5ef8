package dev.loca.runtime.loop;

import java.util.Map;

/**
 * A run configuration record (see {@link ConfigRecords}): its fields, one field set from text and its JSON,
 * for the record {@code R} that implements it.
 */
public interface RunConfig<R extends Record & RunConfig<R>> {
  /** This config with field {@code name} set from its text {@code value}. */
  @SuppressWarnings("unchecked")
  default R with(String name, String value) {
    return ConfigRecords.with((R) this, name, value);
  }

  /** Field name → value, in declaration order. */
  default Map<String, Object> fields() {
    return ConfigRecords.fields((Record) this);
  }

  /** Flat JSON, locale-independent. */
  default String toJson() {
    return ConfigRecords.toJson((Record) this);
  }

  /** Fails with {@code message} when a constructor check does not hold. */
  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
