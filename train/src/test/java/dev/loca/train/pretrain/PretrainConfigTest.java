package dev.loca.train.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PretrainConfigTest {

  @Test
  void setParsesEveryKindOfField() {
    PretrainConfig c = PretrainConfig.defaults("cpu").with("steps", "50").with("baseLr", "0.5")
        .with("batch", "8").with("data", "synthetic:images=10");
    assertEquals(50, c.steps());
    assertEquals(0.5, c.baseLr());
    assertEquals(8, c.batch());
    assertEquals("synthetic:images=10", c.data());
    assertEquals(8, c.warmupSteps());
  }

  @Test
  void jsonRoundTrip() {
    PretrainConfig c = PretrainConfig.defaults("micro").with("seed", "7").with("data", "/x/\"y\"");
    assertEquals(c, PretrainConfig.fromJson(c.toJson()));
  }

  @Test
  void badValuesAreNamed() {
    PretrainConfig c = PretrainConfig.defaults("cpu");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.with("stepz", "3"));
    assertTrue(e.getMessage().startsWith("unknown config field 'stepz'; fields are [preset, data, steps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.with("batch", "many"));
    assertEquals("config field 'batch' expects a number, got 'many'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.with("batch", "0"));
    assertEquals("batch must be positive, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.with("device", "tpu"));
    assertEquals("device must be cpu or cuda, got 'tpu'", e.getMessage());
  }
}
