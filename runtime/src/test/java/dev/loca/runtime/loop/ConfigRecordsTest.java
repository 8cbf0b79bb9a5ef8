package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConfigRecordsTest {
  record Sample(String name, long steps, int batch, double lr, boolean frozen) {
    Sample {
      if (batch <= 0) {
        throw new IllegalArgumentException("batch must be positive, got " + batch);
      }
    }
  }

  private static final Sample DEFAULTS = new Sample("a \"b\"", 10, 2, 1e-3, false);

  @Test
  void setsEachKindOfFieldFromText() {
    Sample s = ConfigRecords.with(ConfigRecords.with(ConfigRecords.with(DEFAULTS, "steps", "7"), "lr", "0.5"),
        "frozen", "true");
    assertEquals(new Sample("a \"b\"", 7, 2, 0.5, true), s);
  }

  @Test
  void jsonRoundTrips() {
    Sample s = new Sample("x\\y", 123456789012L, 3, 2.5e-5, true);
    assertEquals(s, ConfigRecords.fromJson(DEFAULTS, ConfigRecords.toJson(s)));
  }

  @Test
  void badValuesAreOneLine() {
    assertEquals("config field 'steps' expects a number, got 'x'",
        assertThrows(IllegalArgumentException.class, () -> ConfigRecords.with(DEFAULTS, "steps", "x")).getMessage());
    assertEquals("config field 'frozen' expects true or false, got 'yes'",
        assertThrows(IllegalArgumentException.class, () -> ConfigRecords.with(DEFAULTS, "frozen", "yes")).getMessage());
    assertEquals("unknown config field 'nope'; fields are [name, steps, batch, lr, frozen]",
        assertThrows(IllegalArgumentException.class, () -> ConfigRecords.with(DEFAULTS, "nope", "1")).getMessage());
    assertEquals("batch must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> ConfigRecords.with(DEFAULTS, "batch", "0")).getMessage());
  }
}
