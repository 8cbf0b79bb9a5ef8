package dev.loca.train.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graphs.loca.LocaConfig;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderPosition;
import dev.loca.train.views.LocaBatch;
import dev.loca.train.views.LocaSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocaStepTest {
  private static final StepRandomness RANDOMNESS = StepRandomness.seeded(7);
  private static final double LR = 3e-3;
  private static final double MOMENTUM = 0.99;

  /** Runs steps {@code from..to-1} with batches from the loader. */
  private static List<StepResult> run(LocaStep step, Loader<LocaSample, LocaBatch> loader, int from, int to) {
    List<StepResult> out = new ArrayList<>();
    for (int t = from; t < to; t++) {
      try (LocaBatch batch = loader.next()) {
        out.add(step.step(batch, t, LR, MOMENTUM, RANDOMNESS));
      }
    }
    return out;
  }

  @Test
  void twentyStepsOnTheGeneratorLowerTheLoss() {
    List<StepResult> results;
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START)) {
      results = run(step, loader, 0, 20);
    }
    results.forEach(r -> assertTrue(r.isFinite(), r.toString()));
    double first = results.subList(0, 3).stream().mapToDouble(StepResult::loss).average().orElseThrow();
    double last = results.subList(17, 20).stream().mapToDouble(StepResult::loss).average().orElseThrow();
    System.out.printf(Locale.ROOT, "LOCA micro on synthetic scenes: loss %.4f (steps 0-2) -> %.4f (steps 17-19)%n",
        first, last);
    assertTrue(last < first, "loss should fall: " + first + " -> " + last);
    StepResult.Timings t = results.get(19).timings();
    assertTrue(t.teacherMs() > 0 && t.trainMs() > 0 && t.optimizerMs() > 0 && t.emaMs() > 0, t.toString());
  }

  @Test
  void resumingRestoresStudentOptimizerAndTeacherExactly(@TempDir Path dir) {
    Path ort = dir.resolve("student.ckpt");
    Path teacher = dir.resolve("teacher.bin");
    float[] student;
    float[] teacherWeights;
    List<StepResult> next = new ArrayList<>();
    List<StepResult> resumedNext = new ArrayList<>();
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START)) {
      run(step, loader, 0, 3);
      step.save(ort, teacher);
      student = studentParameters(step);
      teacherWeights = step.teacherWeights().toArray();
      try (LocaStep resumed = LocaStep.resume(Micro.CONFIG, Micro.ARTIFACTS, ort, teacher, Micro.SESSION)) {
        assertArrayEquals(student, studentParameters(resumed));
        assertArrayEquals(teacherWeights, resumed.teacherWeights().toArray());
        // the optimizer's moments and step count came back too: both take the same update from one batch
        try (LocaBatch batch = loader.next()) {
          next.add(step.step(batch, 3, LR, MOMENTUM, RANDOMNESS));
          resumedNext.add(resumed.step(batch, 3, LR, MOMENTUM, RANDOMNESS));
        }
        assertSameMetrics(next, resumedNext, 3, 1e-5);
        float[] a = studentParameters(step);
        float[] b = studentParameters(resumed);
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], b[i], 1e-6 + 1e-5 * Math.abs(a[i]), "parameter float " + i);
        }
      }
    }
  }

  /**
   * Steps 10..14 of a run saved after step 9 and resumed, against the run that never stopped. ONNX Runtime's
   * CPU training step is not bit-reproducible from one session to the next in one process (the same inputs give
   * updates that differ in the last bits, more often when a query's labels are all −1), so the metrics are
   * compared to 1e-4 here; {@link #aResumedRunRepeatsTheUninterruptedOneBitForBit} is the exact check.
   */
  @Test
  void aResumedRunRepeatsTheUninterruptedOne(@TempDir Path dir) {
    compareResumed(dir, 1e-4);
  }

  @Disabled("ORT's CPU TrainStep is not bit-reproducible across sessions yet (see aResumedRunRepeatsTheUninterruptedOne)")
  @Test
  void aResumedRunRepeatsTheUninterruptedOneBitForBit(@TempDir Path dir) {
    compareResumed(dir, 0);
  }

  private static void compareResumed(Path dir, double tolerance) {
    List<StepResult> straight;
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START)) {
      straight = run(step, loader, 0, 15);
    }
    Path ort = dir.resolve("student.ckpt");
    Path teacher = dir.resolve("teacher.bin");
    LoaderPosition position;
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START)) {
      List<StepResult> firstPart = run(step, loader, 0, 10);
      assertSameMetrics(straight.subList(0, 10), firstPart, 0, tolerance);
      step.save(ort, teacher);
      position = loader.position();
    }
    List<StepResult> resumed;
    try (LocaStep step = LocaStep.resume(Micro.CONFIG, Micro.ARTIFACTS, ort, teacher, Micro.SESSION);
        Loader<LocaSample, LocaBatch> loader = Micro.loader(position)) {
      resumed = run(step, loader, 10, 15);
    }
    assertSameMetrics(straight.subList(10, 15), resumed, 10, tolerance);
  }

  /** Equal metrics: bit for bit when {@code tolerance} is 0, else to that relative tolerance. */
  private static void assertSameMetrics(List<StepResult> expected, List<StepResult> actual, int firstStep,
      double tolerance) {
    for (int i = 0; i < expected.size(); i++) {
      double[] e = expected.get(i).metrics();
      double[] a = actual.get(i).metrics();
      for (int k = 0; k < e.length; k++) {
        String where = "step " + (firstStep + i) + " metric " + k + ": " + e[k] + " vs " + a[k];
        if (tolerance == 0) {
          assertEquals(Double.doubleToRawLongBits(e[k]), Double.doubleToRawLongBits(a[k]), where);
        } else {
          assertEquals(e[k], a[k], tolerance * Math.max(1, Math.abs(e[k])), where);
        }
      }
    }
  }

  private static float[] studentParameters(LocaStep step) {
    StudentParameters p = StudentParameters.of(step.student(), Micro.ARTIFACTS.student().trainable());
    p.refresh(step.student());
    float[] all = new float[p.layout().size()];
    p.values().get(0, all);
    return all;
  }

  @Test
  void withMomentumOneTheTeacherDoesNotMove() {
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START)) {
      run(step, loader, 0, 2);
      float[] before = step.teacherWeights().toArray();
      try (LocaBatch batch = loader.next()) {
        step.step(batch, 2, LR, 1.0, RANDOMNESS);
      }
      float[] after = step.teacherWeights().toArray();
      for (int i = 0; i < before.length; i++) {
        assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(after[i]), "weight " + i);
      }
      try (LocaBatch batch = loader.next()) {
        step.step(batch, 3, LR, MOMENTUM, RANDOMNESS);
      }
      assertFalse(Arrays.equals(after, step.teacherWeights().toArray()), "momentum < 1 moves the teacher");
    }
  }

  @Test
  void accumulatingTwoBatchesReportsTheirMeanAndUpdatesOnce() {
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START);
        LocaBatch a = loader.next(); LocaBatch b = loader.next()) {
      StepResult r = step.step(List.of(a, b), 0, LR, MOMENTUM, RANDOMNESS);
      assertTrue(r.isFinite(), r.toString());
    }
  }

  @Test
  void drawsAreSeededByStepAndInRange() {
    LocaConfig c = Micro.CONFIG;
    StepRandomness.Draws d = RANDOMNESS.draw(c, 4, 5, 0);
    StepRandomness.Draws again = RANDOMNESS.draw(c, 4, 5, 0);
    StepRandomness.Draws next = RANDOMNESS.draw(c, 4, 6, 0);
    assertArrayEquals(d.query0Keep(), again.query0Keep());
    assertArrayEquals(d.teacherDropPath(), again.teacherDropPath());
    assertFalse(Arrays.equals(d.query0Keep(), next.query0Keep()));
    int max = c.referencePositions() - c.referenceSeqlen();
    assertTrue(Arrays.stream(d.referenceOffsets()).allMatch(o -> o >= 0 && o <= max));
    assertEquals(4 * c.queryMaxSeqlen(), d.query0Keep().length);
    for (int i = 0; i < 4; i++) {
      long[] row = Arrays.copyOfRange(d.query0Keep(), i * c.queryMaxSeqlen(), (i + 1) * c.queryMaxSeqlen());
      assertEquals(row.length, Arrays.stream(row).distinct().count(), "kept tokens are distinct");
      assertTrue(Arrays.stream(row).allMatch(k -> k >= 0 && k < c.query0Tokens()));
    }
    assertEquals(4 * c.focalQueries() * 2 * c.vit().depth(), d.focalDropPath().length);
  }

  @Test
  void everyOffsetAndEveryTokenIsDrawn() {
    SplittableRandom rng = new SplittableRandom(1);
    int[] seen = new int[16];
    for (int i = 0; i < 200; i++) {
      for (long k : StepRandomness.firstOfPermutation(16, 6, rng)) {
        seen[(int) k]++;
      }
    }
    assertTrue(Arrays.stream(seen).allMatch(n -> n > 40), Arrays.toString(seen));
  }
}
