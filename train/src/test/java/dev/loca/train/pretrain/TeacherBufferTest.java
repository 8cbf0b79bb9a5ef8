package dev.loca.train.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.artifacts.CheckpointReader;
import dev.loca.runtime.data.Loader;
import dev.loca.runtime.data.LoaderPosition;
import dev.loca.runtime.ort.CheckpointState;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.train.views.LocaBatch;
import dev.loca.train.views.LocaSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherBufferTest {
  private static final List<String> NAMES = LocaStep.teacherParameterNames(Micro.ARTIFACTS);

  @Test
  void teacherNamesAreTheEncoderHeadAndPrototypes() {
    assertFalse(NAMES.isEmpty());
    assertTrue(NAMES.stream().allMatch(n -> n.startsWith("encoder.") || n.startsWith("head.")
        || n.startsWith("prototypes.")), NAMES.toString());
    assertTrue(Micro.ARTIFACTS.student().trainable().containsAll(NAMES));
  }

  @Test
  void emaMatchesAJavaComputationAndTheFeedsSeeIt() {
    try (LocaStep step = Micro.open(); Loader<LocaSample, LocaBatch> loader = Micro.loader(LoaderPosition.START);
        LocaBatch batch = loader.next()) {
      step.step(batch, 0, 1e-2, 0.5, StepRandomness.seeded(1)); // moves the student away from the teacher
      TeacherBuffer teacher = step.teacherWeights();
      float[] before = teacher.toArray();
      CheckpointState state = step.student().checkpointState();
      float[] expected = new float[before.length];
      double m = 0.9;
      for (ParameterLayout.Slot s : teacher.layout().slots()) {
        try (OrtTensor t = state.parameter(s.name())) {
          float[] student = t.toFloatArray();
          for (int i = 0; i < s.length(); i++) {
            expected[s.offset() + i] = before[s.offset() + i] * (float) m + student[i] * (float) (1 - m);
          }
        }
      }
      assertFalse(Arrays.equals(before, expected), "the student has moved");

      StudentParameters flat = StudentParameters.of(step.student(), Micro.ARTIFACTS.student().trainable());
      flat.refresh(step.student());
      teacher.emaUpdate(flat, m);
      assertArrayEquals(expected, teacher.toArray());

      try (TeacherBuffer perParameter = TeacherBuffer.fromCheckpoint(
          CheckpointReader.fromBytes(Micro.ARTIFACTS.student().checkpoint()), NAMES)) {
        perParameter.overwrite(before);
        perParameter.emaUpdate(step.student(), m);
        assertArrayEquals(expected, perParameter.toArray(), "GetParameter path = CopyParametersToBuffer path");
      }
      String name = NAMES.get(0);
      assertArrayEquals(teacher.get(name), teacher.feeds().get(name).toFloatArray(), "feeds are views");
    }
  }

  @Test
  void flatStudentCopyFollowsTheTrainableOrder() {
    try (LocaStep step = Micro.open()) {
      StudentParameters flat = StudentParameters.of(step.student(), Micro.ARTIFACTS.student().trainable());
      flat.refresh(step.student());
      for (ParameterLayout.Slot s : flat.layout().slots()) {
        float[] slice = new float[s.length()];
        flat.values().get(s.offset(), slice);
        try (OrtTensor t = step.student().checkpointState().parameter(s.name())) {
          assertArrayEquals(t.toFloatArray(), slice, s.name());
        }
      }
    }
  }

  @Test
  void saveAndLoadRoundTripExactly(@TempDir Path dir) {
    Path file = dir.resolve("teacher.bin");
    try (TeacherBuffer b = fromCheckpoint()) {
      float[] values = b.toArray();
      for (int i = 0; i < values.length; i++) {
        values[i] = Float.intBitsToFloat(Float.floatToRawIntBits(values[i]) ^ (i % 3)); // last bits matter
      }
      values[0] = -0f;
      values[1] = Float.MIN_VALUE;
      b.overwrite(values);
      b.save(file);
      try (TeacherBuffer back = TeacherBuffer.load(file, NAMES)) {
        assertTrue(back.layout().sameAs(b.layout()));
        assertArrayEquals(values, back.toArray());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.toArray()[0]));
      }
    }
  }

  @Test
  void badFilesGiveOneLineErrors(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("teacher.bin");
    try (TeacherBuffer b = fromCheckpoint()) {
      b.save(file);
    }
    String wrongNames = assertThrows(IllegalArgumentException.class,
        () -> TeacherBuffer.load(file, NAMES.subList(1, NAMES.size()))).getMessage();
    assertTrue(wrongNames.contains("not the " + (NAMES.size() - 1)), wrongNames);
    byte[] bytes = Files.readAllBytes(file);
    Path truncated = dir.resolve("truncated.bin");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 3));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TeacherBuffer.load(truncated, NAMES)).getMessage()
        .endsWith("is truncated"));
    Path other = dir.resolve("other.bin");
    Files.writeString(other, "not a teacher");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TeacherBuffer.load(other, NAMES)).getMessage()
        .contains("does not start with LOCAEMA1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TeacherBuffer.load(dir.resolve("none"), NAMES))
        .getMessage().endsWith("not found"));
  }

  private static TeacherBuffer fromCheckpoint() {
    return TeacherBuffer.fromCheckpoint(CheckpointReader.fromBytes(Micro.ARTIFACTS.student().checkpoint()), NAMES);
  }
}
