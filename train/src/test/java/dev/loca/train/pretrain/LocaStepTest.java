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
        assertSameMetrics(next, resumedNext, 3);
        assertArrayEquals(studentParameters(step), studentParameters(resumed));
        assertArrayEquals(step.teacherWeights().toArray(), resumed.teacherWeights().toArray());
      }
    }
  }

  /**
   * Steps 10..14 of a run saved after step 9 and resumed repeat the run that never stopped bit for bit, metrics
   * and final weights (as do steps 0..9 of the two runs): the same inputs give the same update in every session.
   */
  @Test
  void aResumedRunRepeatsTheUninterruptedOneBitForBit(@TempDir Path dir) {
    List<StepResult> straight;
    float[] student;
    float[] teacherWeights;
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START)) {
      straight = run(step, loader, 0, 15);
      student = studentParameters(step);
      teacherWeights = step.teacherWeights().toArray();
    }
    Path ort = dir.resolve("student.ckpt");
    Path teacher = dir.resolve("teacher.bin");
    LoaderPosition position;
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START)) {
      List<StepResult> firstPart = run(step, loader, 0, 10);
      assertSameMetrics(straight.subList(0, 10), firstPart, 0);
      step.save(ort, teacher);
      position = loader.position();
    }
    List<StepResult> resumed;
    float[] resumedStudent;
    float[] resumedTeacher;
    try (LocaStep step = LocaStep.resume(Micro.CONFIG, Micro.ARTIFACTS, ort, teacher, Micro.SESSION);
        Loader<LocaSample, LocaBatch> loader = Micro.loader(position)) {
      resumed = run(step, loader, 10, 15);
      resumedStudent = studentParameters(step);
      resumedTeacher = step.teacherWeights().toArray();
    }
    assertSameMetrics(straight.subList(10, 15), resumed, 10);
    assertArrayEquals(student, resumedStudent);
    assertArrayEquals(teacherWeights, resumedTeacher);
  }

  /** Equal metrics, bit for bit. */
  private static void assertSameMetrics(List<StepResult> expected, List<StepResult> actual, int firstStep) {
    for (int i = 0; i < expected.size(); i++) {
      double[] e = expected.get(i).metrics();
      double[] a = actual.get(i).metrics();
      for (int k = 0; k < e.length; k++) {
        assertEquals(Double.doubleToRawLongBits(e[k]), Double.doubleToRawLongBits(a[k]),
            "step " + (firstStep + i) + " metric " + k + ": " + e[k] + " vs " + a[k]);
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
