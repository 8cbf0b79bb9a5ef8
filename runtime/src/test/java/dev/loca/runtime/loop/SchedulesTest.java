package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SchedulesTest {
  private static final long TOTAL = 125_100;
  private static final long WARMUP = 18_765;

  /** Spec §5.2 test vectors, compared at the precision the spec prints them. */
  @ParameterizedTest
  @CsvSource({
      "0, 0, 0.996000",
      "1, 5.329e-08, 0.996000",
      "1000, 5.329e-05, 0.996001",
      "18765, 1.000e-03, 0.996218",
      "71932, 5.050e-04, 0.998467",
      "125099, 1.000e-05, 1.000000"})
  void specTestVectors(long t, String lr, String momentum) {
    double rate = Schedules.learningRate(t, TOTAL, WARMUP, 1e-3, 0.01);
    if (t == 0) {
      assertEquals(0.0, rate);
    } else {
      assertEquals(lr, String.format(Locale.ROOT, "%.3e", rate));
    }
    assertEquals(momentum, String.format(Locale.ROOT, "%.6f", Schedules.momentum(t, TOTAL, 0.996)));
  }

  @Test
  void noWarmupStartsAtBaseAndEndsAtFinalFraction() {
    assertEquals(2e-3, Schedules.learningRate(0, 100, 0, 2e-3, 0.1), 1e-15);
    assertEquals(2e-4, Schedules.learningRate(100, 100, 0, 2e-3, 0.1), 1e-15);
  }

  @Test
  void warmupAsLongAsTheRunNeverDecays() {
    assertEquals(0.5, Schedules.learningRate(5, 10, 10, 1, 0.01), 1e-15);
    assertEquals(0.01, Schedules.learningRate(10, 10, 10, 1, 0.01), 1e-15);
  }

  @Test
  void pastTheEndHoldsTheFinalValues() {
    assertEquals(1e-5, Schedules.learningRate(TOTAL + 500, TOTAL, WARMUP, 1e-3, 0.01), 1e-15);
    assertEquals(1.0, Schedules.momentum(TOTAL + 500, TOTAL, 0.996), 1e-15);
  }

  @Test
  void scaledLearningRateFollowsTheLinearRule() {
    assertEquals(1e-3, Schedules.scaledLearningRate(1e-3, 1024), 1e-18);
    assertEquals(2.5e-4, Schedules.scaledLearningRate(1e-3, 256), 1e-18);
  }

  @Test
  void badArgumentsNameTheValue() {
    assertEquals("warm-up steps must be in [0, total steps 10], got 11",
        assertThrows(IllegalArgumentException.class,
            () -> Schedules.learningRate(0, 10, 11, 1, 0.01)).getMessage());
    assertEquals("batch must be > 0, got 0",
        assertThrows(IllegalArgumentException.class, () -> Schedules.scaledLearningRate(1, 0)).getMessage());
  }

  /** mmseg's poly: (base − floor)·(1 − t/T)^0.9 + floor; 0.5^0.9 = 0.535886731. */
  @Test
  void polyDecayValues() {
    assertEquals(1e-3, Schedules.poly(0, 100, 0, 1e-3, 0.9, 0), 1e-15);
    assertEquals(5.35886731e-4, Schedules.poly(50, 100, 0, 1e-3, 0.9, 0), 1e-12);
    assertEquals(0, Schedules.poly(100, 100, 0, 1e-3, 0.9, 0), 1e-15);
    assertEquals(0, Schedules.poly(150, 100, 0, 1e-3, 0.9, 0), 1e-15);
    assertEquals(9e-4 * 0.535886731 + 1e-4, Schedules.poly(50, 100, 0, 1e-3, 0.9, 1e-4), 1e-12);
    assertEquals(1e-4, Schedules.poly(100, 100, 0, 1e-3, 0.9, 1e-4), 1e-15);
    // linear warm-up over 10 steps, then the decay over the remaining 90
    assertEquals(0, Schedules.poly(0, 100, 10, 1e-3, 0.9, 0), 1e-15);
    assertEquals(5e-4, Schedules.poly(5, 100, 10, 1e-3, 0.9, 0), 1e-15);
    assertEquals(1e-3, Schedules.poly(10, 100, 10, 1e-3, 0.9, 0), 1e-15);
    assertEquals(5.35886731e-4, Schedules.poly(55, 100, 10, 1e-3, 0.9, 0), 1e-12);
    assertEquals("poly power must be > 0, got 0.0", assertThrows(IllegalArgumentException.class,
        () -> Schedules.poly(0, 10, 0, 1, 0, 0)).getMessage());
  }
}
