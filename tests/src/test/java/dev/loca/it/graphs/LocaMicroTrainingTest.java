package dev.loca.it.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.artifacts.ArtifactValidator;
import dev.loca.graph.artifacts.CheckpointReader;
import dev.loca.graph.artifacts.NamedTensor;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.graphs.loca.LocaGraphs;
import dev.loca.graphs.vit.DropPath;
import dev.loca.runtime.loop.MaskedWeightDecay;
import dev.loca.runtime.ort.CheckpointState;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.runtime.ort.TrainingSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The micro preset end to end through ONNX Runtime: the teacher model gives targets and keys/values from
 * the initial weights; the student's training artifacts memorise a fixed synthetic batch.
 */
class LocaMicroTrainingTest {
  static final int B = 2;
  static final SessionConfig SESSION = SessionConfig.defaults().withIntraOpThreads(1);

  @Test
  void teacherFeedsTheStudentAndTheStudentMemorisesAFixedBatch() {
    LocaConfig c = LocaConfig.preset("micro");
    LocaArtifacts a = LocaArtifacts.build(c, 11, B);
    assertEquals(List.of(), ArtifactValidator.validate(a.student()).problems());
    List<String> trainable = a.student().trainable();
    assertTrue(trainable.stream().noneMatch(n -> n.startsWith(LocaGraphs.MEMORY) || n.startsWith(LocaGraphs.TARGETS)));
    // no gradient reaches the teacher's outputs: they are plain inputs of the student
    assertTrue(a.student().training().graph().find(LocaGraphs.MEMORY + "_grad").isEmpty());
    SplittableRandom rng = new SplittableRandom(5);
    Map<String, OrtTensor> feeds = new HashMap<>();
    try (Closer closer = new Closer()) {
      Map<String, OrtTensor> teacherOut = runTeacher(c, a, rng, closer);
      feeds.put(LocaGraphs.MEMORY, teacherOut.get(LocaGraphs.MEMORY));
      feeds.put(LocaGraphs.TARGETS, teacherOut.get(LocaGraphs.TARGETS));
      int nRef = c.referencePositions();
      feeds.put(LocaGraphs.QUERY0, closer.add(OrtTensor.fromFloats(random(rng, B * 3 * c.query0Size() * c.query0Size()),
          B, 3, c.query0Size(), c.query0Size())));
      long[] keep = new long[B * c.queryMaxSeqlen()];
      for (int i = 0; i < keep.length; i++) {
        keep[i] = (i * 5L) % c.query0Tokens();
      }
      feeds.put(LocaGraphs.QUERY0_KEEP, closer.add(OrtTensor.fromLongs(keep, B, c.queryMaxSeqlen())));
      feeds.put(LocaGraphs.QUERY0_LABELS, closer.add(OrtTensor.fromLongs(labels(rng, B * c.query0Tokens(), nRef),
          B, c.query0Tokens())));
      int fb = B * c.focalQueries();
      feeds.put(LocaGraphs.FOCAL, closer.add(OrtTensor.fromFloats(random(rng, fb * 3 * c.focalSize() * c.focalSize()),
          fb, 3, c.focalSize(), c.focalSize())));
      feeds.put(LocaGraphs.FOCAL_LABELS, closer.add(OrtTensor.fromLongs(labels(rng, fb * c.focalTokens(), nRef), fb,
          c.focalTokens())));
      feeds.put(LocaGraphs.QUERY0_DROP_PATH, closer.add(OrtTensor.fromFloats(DropPath.keepAll(c.vit(), B), B,
          DropPath.columns(c.vit()))));
      feeds.put(LocaGraphs.FOCAL_DROP_PATH, closer.add(OrtTensor.fromFloats(DropPath.keepAll(c.vit(), fb), fb,
          DropPath.columns(c.vit()))));
      List<Float> position = new ArrayList<>();
      try (CheckpointState state = OrtEnvironment.shared().loadCheckpoint(a.student().checkpoint());
          TrainingSession s = OrtEnvironment.shared().openTrainingSession(state, a.student().trainingBytes(),
              a.student().evalBytes(), a.student().optimizerBytes(), SESSION)) {
        s.setLearningRate(3e-3f);
        MaskedWeightDecay mask = new MaskedWeightDecay(a.student().rankOne(), 0.1f);
        for (int step = 0; step < 100; step++) {
          try (RunResult r = s.trainStep(feeds)) {
            position.add(r.get(LocaGraphs.LOSS_POSITION).toFloatArray()[0]);
            assertTrue(Float.isFinite(r.get(LocaGraphs.LOSS).toFloatArray()[0]), "loss at step " + step);
          }
          mask.optimizerStep(s);
          s.lazyResetGrad();
        }
      }
      float first = position.get(0);
      float last = position.get(position.size() - 1);
      System.out.printf(Locale.ROOT, "LOCA micro: position loss %.4f -> %.4f after 100 steps (ln nRef = %.4f)%n",
          first, last, Math.log(nRef));
      assertTrue(last < 0.1 * first, "position loss should fall by 90 %: " + first + " -> " + last);
    }
  }

  /** Runs the teacher on a random reference with the student's initial weights (the EMA buffer at step 0). */
  private static Map<String, OrtTensor> runTeacher(LocaConfig c, LocaArtifacts a, SplittableRandom rng, Closer closer) {
    Map<String, OrtTensor> in = new HashMap<>();
    in.put(LocaGraphs.REFERENCE, closer.add(OrtTensor.fromFloats(random(rng, B * 3 * c.referenceSize()
        * c.referenceSize()), B, 3, c.referenceSize(), c.referenceSize())));
    in.put(LocaGraphs.REFERENCE_DROP_PATH, closer.add(OrtTensor.fromFloats(DropPath.keepAll(c.vit(), B), B,
        DropPath.columns(c.vit()))));
    in.put(LocaGraphs.REFERENCE_OFFSET, closer.add(OrtTensor.fromLongs(new long[] {0,
        c.referencePositions() - c.referenceSeqlen()}, B)));
    Map<String, NamedTensor> weights = new HashMap<>();
    CheckpointReader.fromBytes(a.student().checkpoint()).trainable().forEach(t -> weights.put(t.name(), t));
    for (Value v : a.teacher().graph().inputs()) {
      NamedTensor t = weights.get(v.name());
      if (t != null) {
        in.put(v.name(), closer.add(OrtTensor.fromFloats(t.data().toFloats(), t.data().dims())));
      }
    }
    Map<String, OrtTensor> out = new HashMap<>();
    try (InferenceSession s = OrtEnvironment.shared().openSession(ModelWriter.toBytes(a.teacher()), SESSION);
        RunResult r = s.run(in)) {
      OrtTensor targets = r.get(LocaGraphs.TARGETS);
      float[] t = targets.toFloatArray();
      int k = c.prototypes();
      for (int row = 0; row < t.length / k; row++) {
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += t[row * k + j];
        }
        assertEquals(1.0, sum, 1e-4, "Sinkhorn target rows sum to 1");
      }
      assertEquals(B * c.referencePositions() * (long) k, t.length);
      out.put(LocaGraphs.TARGETS, closer.add(OrtTensor.fromFloats(t, targets.shape())));
      OrtTensor memory = r.get(LocaGraphs.MEMORY);
      out.put(LocaGraphs.MEMORY, closer.add(OrtTensor.fromFloats(memory.toFloatArray(), memory.shape())));
    }
    return out;
  }

  private static float[] random(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    return v;
  }

  /** Labels in [0, nRef) with about 20 % set to −1, as in the peer's synthetic batch. */
  private static long[] labels(SplittableRandom rng, int n, int nRef) {
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] = rng.nextDouble() < 0.2 ? -1 : rng.nextInt(nRef);
    }
    return l;
  }

  /** Closes every tensor it was given. */
  private static final class Closer implements AutoCloseable {
    private final List<OrtTensor> tensors = new ArrayList<>();

    OrtTensor add(OrtTensor t) {
      tensors.add(t);
      return t;
    }

    @Override
    public void close() {
      tensors.forEach(OrtTensor::close);
    }
  }
}
