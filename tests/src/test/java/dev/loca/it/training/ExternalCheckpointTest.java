package dev.loca.it.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.artifacts.ArtifactBuilder;
import dev.loca.graph.artifacts.CheckpointContents;
import dev.loca.graph.artifacts.CheckpointException;
import dev.loca.graph.artifacts.CheckpointReader;
import dev.loca.graph.artifacts.CheckpointWriter;
import dev.loca.graph.artifacts.CheckpointWriter.ExternalData;
import dev.loca.graph.artifacts.NamedTensor;
import dev.loca.graph.artifacts.OptimizerState;
import dev.loca.graph.artifacts.Properties;
import dev.loca.graph.artifacts.TrainingArtifacts;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.ir.TensorData;
import dev.loca.it.training.MlpTrainingTest.Mlp;
import dev.loca.runtime.ort.CheckpointState;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtFailure;
import dev.loca.runtime.ort.TrainingSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints with external data (ORT's layout for states over 2 GiB, forced here on the small MLP of
 * {@link MlpTrainingTest}): CheckpointWriter writes {@code checkpoint} plus {@code checkpoint.data}, ONNX
 * Runtime 1.24.1 loads the pair from its path and trains from it exactly as from the single-file
 * checkpoint of the same state (parameters, AdamW moments and step), and what ORT itself saves from such a
 * state CheckpointReader reads back.
 */
class ExternalCheckpointTest {
  private static final int STEPS = 3;

  /** The MLP's initial parameters plus AdamW state at step 7 with non-zero moments. */
  private record State(TrainingArtifacts artifacts, List<NamedTensor> params, OptimizerState adam) {}

  private static State state() {
    Mlp m = MlpTrainingTest.mlp("mean");
    TrainingArtifacts a =
        ArtifactBuilder.build(m.graph(), m.loss(), m.params(), List.of(), Flavour.FUSED, MlpTrainingTest.ADAMW);
    List<NamedTensor> params = a.checkpointData().contents().trainable();
    Map<String, TensorData> first = new HashMap<>();
    Map<String, TensorData> second = new HashMap<>();
    for (NamedTensor p : params) {
      float[] v = p.data().toFloats();
      float[] m1 = new float[v.length];
      float[] m2 = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        m1[i] = 0.01f * (i % 5 - 2);
        m2[i] = 1e-4f * (1 + i % 3);
      }
      first.put(p.name(), TensorData.ofFloats(p.data().dims(), m1));
      second.put(p.name(), TensorData.ofFloats(p.data().dims(), m2));
    }
    return new State(a, params, new OptimizerState(7, 1e-3f, first, second));
  }

  private static Properties props() {
    return new Properties(Map.of("epoch", 2L), Map.of(), Map.of("run", "external"));
  }

  /**
   * Opens a training session on the state, checks that it starts from {@code initial} (when given), trains
   * {@link #STEPS} steps and returns the parameters after them (read while the session is open: ORT copies
   * parameters through it).
   */
  private static Map<String, float[]> trainFrom(
      CheckpointState state, TrainingArtifacts a, List<NamedTensor> initial) {
    try (TrainingSession s = MlpTrainingTest.open(state, a)) {
      Map<String, float[]> loaded = MlpTrainingTest.parameters(state, a.trainable());
      for (NamedTensor p : initial) {
        assertArrayEquals(p.data().toFloats(), loaded.get(p.name()), p.name() + " as ORT loaded it");
      }
      for (int step = 0; step < STEPS; step++) {
        MlpTrainingTest.trainStep(s, MlpTrainingTest.batch(step, MlpTrainingTest.BATCH));
        s.optimizerStep();
        s.lazyResetGrad();
      }
      return MlpTrainingTest.parameters(state, a.trainable());
    }
  }

  @Test
  void javaRoundTripOfAForcedExternalCheckpoint(@TempDir Path dir) throws IOException {
    State st = state();
    Path file = dir.resolve("checkpoint");
    CheckpointWriter.write(st.params(), List.of(), Optional.of(st.adam()), props(), file, ExternalData.ALWAYS);
    Path data = CheckpointWriter.externalDataPath(file);
    assertEquals(dir.resolve("checkpoint.data"), data);
    // every tensor goes out, parameters (128 + 32 + 96 + 12 bytes) and both moments of each, back to back
    // (float32 needs no padding at 4-byte alignment)
    assertEquals(3 * (128 + 32 + 96 + 12), Files.size(data));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file, data), files.sorted().toList(), "no temporary file is left behind");
    }
    CheckpointContents back = CheckpointReader.read(file);
    assertEquals(CheckpointReader.fromBytes(
        CheckpointWriter.toBytes(st.params(), List.of(), Optional.of(st.adam()), props())), back);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> CheckpointReader.fromBytes(Files.readAllBytes(file)));
    assertTrue(e.getMessage().contains("external data file"), e.getMessage());
  }

  @Test
  void ortTrainsFromTheExternalPairAsFromTheSingleFile(@TempDir Path dir) {
    State st = state();
    TrainingArtifacts a = st.artifacts();
    Path external = dir.resolve("ext/checkpoint");
    CheckpointWriter.write(st.params(), List.of(), Optional.of(st.adam()), props(), external, ExternalData.ALWAYS);
    Path single = dir.resolve("single/checkpoint");
    CheckpointWriter.write(st.params(), List.of(), Optional.of(st.adam()), props(), single, ExternalData.NEVER);
    assertFalse(Files.exists(CheckpointWriter.externalDataPath(single)));

    Map<String, float[]> fromExternal;
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(external)) {
      assertEquals(2L, state.longProperty("epoch"));
      assertEquals("external", state.stringProperty("run"));
      fromExternal = trainFrom(state, a, st.params());
    }
    Map<String, float[]> fromSingle;
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(single)) {
      fromSingle = trainFrom(state, a, st.params());
    }
    Map<String, float[]> fromFreshAdam;
    Path fresh = dir.resolve("fresh/checkpoint");
    CheckpointWriter.write(st.params(), List.of(), Optional.empty(), props(), fresh, ExternalData.ALWAYS);
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(fresh)) {
      fromFreshAdam = trainFrom(state, a, st.params());
    }
    for (String name : a.trainable()) {
      // equal up to float rounding: ORT's kernels may take other vector paths on differently aligned buffers
      assertTrue(maxDiff(fromSingle.get(name), fromExternal.get(name)) < 1e-6,
          name + ": same training from either layout");
      assertTrue(maxDiff(fromFreshAdam.get(name), fromExternal.get(name)) > 1e-4,
          name + ": the stored moments and step were used, not fresh ones");
    }
  }

  @Test
  void ortCannotLoadTheExternalLayoutFromBytesAndSaysSo(@TempDir Path dir) throws IOException {
    State st = state();
    Path file = dir.resolve("checkpoint");
    CheckpointWriter.write(st.params(), List.of(), Optional.empty(), Properties.none(), file, ExternalData.ALWAYS);
    byte[] bytes = Files.readAllBytes(file);
    OrtFailure e = assertThrows(OrtFailure.class, () -> OrtEnvironment.shared().loadCheckpoint(bytes).close());
    assertTrue(e.getMessage().contains("External data"), e.getMessage());
    Files.delete(CheckpointWriter.externalDataPath(file));
    OrtFailure missing = assertThrows(OrtFailure.class, () -> OrtEnvironment.shared().loadCheckpoint(file).close());
    assertTrue(missing.getMessage().contains("external data file"), missing.getMessage());
  }

  @Test
  void whatOrtSavesFromAnExternalStateIsReadBack(@TempDir Path dir) throws IOException {
    State st = state();
    TrainingArtifacts a = st.artifacts();
    Path file = dir.resolve("in/checkpoint");
    CheckpointWriter.write(st.params(), List.of(), Optional.of(st.adam()), props(), file, ExternalData.ALWAYS);
    Path saved = dir.resolve("out/checkpoint");
    Map<String, float[]> trained;
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(file)) {
      trained = trainFrom(state, a, st.params());
      state.save(saved, true);
    }
    Path savedData = CheckpointWriter.externalDataPath(saved);
    try (Stream<Path> files = Files.list(saved.getParent())) {
      assertEquals(List.of(saved, savedData), files.sorted().toList(), "ORT wrote a pair; nothing else is left");
    }
    // ORT's SaveCheckpoint of such a state moves every parameter out (268 bytes here) and keeps the moments
    // in the flatbuffer
    long paramBytes = st.params().stream().mapToLong(p -> p.data().byteSize()).sum();
    assertEquals(paramBytes, Files.size(savedData));
    CheckpointContents back = CheckpointReader.read(saved);
    for (String name : a.trainable()) {
      assertArrayEquals(trained.get(name), back.tensor(name).orElseThrow().data().toFloats(), name);
    }
    OptimizerState adam = back.optimizer().orElseThrow();
    assertEquals(7 + STEPS, adam.step());
    assertEquals(a.trainable().size(), adam.firstMoments().size());
    assertEquals(props(), back.properties());
    // and ORT loads its own pair again
    try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(saved);
        TrainingSession s = MlpTrainingTest.open(state, a)) {
      Map<String, float[]> reloaded = MlpTrainingTest.parameters(state, a.trainable());
      for (String name : a.trainable()) {
        assertArrayEquals(trained.get(name), reloaded.get(name), name + " as ORT reloaded its own save");
      }
    }
  }

  private static double maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
