package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DivergenceGuardTest {
  private final DivergenceGuard guard = new DivergenceGuard();

  @Test
  void finiteLossPasses() {
    guard.check(1, 3.5);
    guard.check(2, -1e300);
  }

  @Test
  void nanAndInfinityStopTheRunNamingTheStep() {
    DivergenceException nan = assertThrows(DivergenceException.class, () -> guard.check(123, Double.NaN));
    assertEquals("loss is NaN at step 123; stopping; the last good checkpoint is kept", nan.getMessage());
    assertEquals(123, nan.step());
    assertEquals("loss is Infinity at step 7; stopping; the last good checkpoint is kept",
        assertThrows(DivergenceException.class, () -> guard.check(7, Double.POSITIVE_INFINITY)).getMessage());
    assertEquals("loss is -Infinity at step 8; stopping; the last good checkpoint is kept",
        assertThrows(DivergenceException.class, () -> guard.check(8, Double.NEGATIVE_INFINITY)).getMessage());
  }
}
