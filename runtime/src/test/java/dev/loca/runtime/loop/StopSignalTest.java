package dev.loca.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StopSignalTest {
  @Test
  void stopsOnRequestOrAtTheGivenStep() {
    StopSignal s = new StopSignal();
    assertFalse(s.stopsAt(1_000_000));
    s.stopAfter(3);
    assertFalse(s.stopsAt(2));
    assertTrue(s.stopsAt(3));
    StopSignal r = new StopSignal();
    r.request();
    assertTrue(r.stopsAt(0));
  }
}
