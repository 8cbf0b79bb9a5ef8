package dev.loca.train.pretrain;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableSet;
import dev.loca.graph.artifacts.CheckpointReader;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.loca.LocaArtifacts;
import dev.loca.graphs.loca.LocaConfig;
import dev.loca.graphs.loca.LocaGraphs;
import dev.loca.graphs.vit.DropPath;
import dev.loca.runtime.loop.JavaHeap;
import dev.loca.runtime.loop.MaskedWeightDecay;
import dev.loca.runtime.ort.CheckpointState;
import dev.loca.runtime.ort.ElementType;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.runtime.ort.TrainingSession;
import dev.loca.train.views.LocaBatch;
import dev.loca.train.views.LocaBatch.Part;
import dev.loca.train.views.ViewsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One LOCA update (spec §3.7, §5): the EMA teacher encodes the reference (targets and memory), the student's
 * TrainStep takes the queries and the teacher's outputs, then AdamW with the exact weight-decay mask,
 * LazyResetGrad and the EMA update of the teacher. Owns the teacher's inference session, the student's training
 * session and checkpoint state, and the teacher's weights. Not thread-safe.
 */
public final class LocaStep implements AutoCloseable {
  private static final Set<String> TEACHER_DATA_INPUTS = ImmutableSet.of(LocaGraphs.REFERENCE,
      LocaGraphs.REFERENCE_DROP_PATH, LocaGraphs.REFERENCE_OFFSET);

  private final LocaConfig config;
  private final CheckpointState state;
  private final TrainingSession student;
  private final InferenceSession teacher;
  private final TeacherBuffer teacherWeights;
  private final StudentParameters studentCopy;
  private final MaskedWeightDecay decay;

  private LocaStep(LocaConfig config, CheckpointState state, TrainingSession student, InferenceSession teacher,
      TeacherBuffer teacherWeights, StudentParameters studentCopy, MaskedWeightDecay decay) {
    this.config = config;
    this.state = state;
    this.student = student;
    this.teacher = teacher;
    this.teacherWeights = teacherWeights;
    this.studentCopy = studentCopy;
    this.decay = decay;
  }

  /** A fresh run: the student from the artifacts' checkpoint, the teacher a copy of it. */
  public static LocaStep open(LocaConfig c, LocaArtifacts a, SessionConfig s) {
    checkArtifacts(c, a);
    List<String> names = teacherParameterNames(a);
    TeacherBuffer weights = TeacherBuffer.fromCheckpoint(CheckpointReader.fromBytes(a.student().checkpoint()), names);
    return assemble(c, a, () -> OrtEnvironment.shared().loadCheckpoint(a.student().checkpoint()), weights, s);
  }

  /** Continues a run from what {@link #save} wrote. */
  public static LocaStep resume(LocaConfig c, LocaArtifacts a, Path ortCheckpoint, Path teacherFile,
      SessionConfig s) {
    checkArtifacts(c, a);
    TeacherBuffer weights = TeacherBuffer.load(teacherFile, teacherParameterNames(a));
    return assemble(c, a, () -> OrtEnvironment.shared().loadCheckpoint(ortCheckpoint), weights, s);
  }

  private static LocaStep assemble(LocaConfig c, LocaArtifacts a, Supplier<CheckpointState> loadState,
      TeacherBuffer weights, SessionConfig s) {
    CheckpointState state = null;
    TrainingSession student = null;
    InferenceSession teacher = null;
    try {
      JavaHeap.releaseGarbage();
      state = loadState.get();
      ParameterLayout expected = ParameterLayout.of(weights.layout().names(), state::parameterShape);
      Preconditions.checkArgument(weights.layout().sameAs(expected), "the teacher weights do not fit the student "
          + "checkpoint %s: %s", state.source(), weights.layout().difference(expected));
      OrtEnvironment env = OrtEnvironment.shared();
      student = env.openTrainingSession(state, a.student().trainingBytes(), a.student().evalBytes(),
          a.student().optimizerBytes(), s);
      teacher = env.openSession(ModelWriter.toBytes(a.teacher()), s);
      StudentParameters copy = StudentParameters.of(student, a.student().trainable());
      MaskedWeightDecay decay = new MaskedWeightDecay(a.student().rankOne(),
          LocaArtifacts.optimizer().weightDecay());
      return new LocaStep(c, state, student, teacher, weights, copy, decay);
    } catch (RuntimeException e) {
      if (teacher != null) {
        teacher.close();
      }
      if (student != null) {
        student.close();
      }
      if (state != null) {
        state.close();
      }
      weights.close();
      throw e;
    }
  }

  private static void checkArtifacts(LocaConfig c, LocaArtifacts a) {
    Preconditions.checkArgument(c.equals(a.config()), "the artifacts were built for preset %s, not for %s",
        a.config().name(), c.name());
    Preconditions.checkArgument(c.applyClusterLoss() && a.teacher() != null,
        "LocaStep needs the EMA teacher; the location-only ablation (%s) is not supported", c.name());
  }

  /** The teacher model's parameter inputs, in graph order. */
  public static List<String> teacherParameterNames(LocaArtifacts a) {
    return a.teacher().graph().inputs().stream().map(Value::name).filter(n -> !TEACHER_DATA_INPUTS.contains(n))
        .toList();
  }

  /** One update on one batch. */
  public StepResult step(LocaBatch batch, long t, double lr, double momentum, StepRandomness r) {
    return step(List.of(batch), t, lr, momentum, r);
  }

  /**
   * One update on the gradients of several batches: a teacher pass and a TrainStep per batch (ORT sums the
   * gradients; the clip at norm 1 then applies to the sum), then one optimizer step and one EMA update. The
   * reported metrics are the batches' means.
   */
  public StepResult step(List<LocaBatch> batches, long t, double lr, double momentum, StepRandomness r) {
    Preconditions.checkArgument(!batches.isEmpty(), "a step needs at least one batch");
    Preconditions.checkArgument(momentum >= 0 && momentum <= 1, "EMA momentum must be in [0, 1], got %s", momentum);
    double[] sums = new double[5];
    long teacherNs = 0;
    long trainNs = 0;
    for (int micro = 0; micro < batches.size(); micro++) {
      LocaBatch batch = batches.get(micro);
      checkViews(batch.config());
      StepRandomness.Draws d = r.draw(config, batch.size(), t, micro);
      try (Feeds feeds = new Feeds()) {
        long t0 = System.nanoTime();
        try (RunResult targets = runTeacher(batch, d, feeds)) {
          long t1 = System.nanoTime();
          addStudentFeeds(batch, d, feeds);
          feeds.put(LocaGraphs.TARGETS, targets.get(LocaGraphs.TARGETS));
          feeds.put(LocaGraphs.MEMORY, targets.get(LocaGraphs.MEMORY));
          try (RunResult out = student.trainStep(feeds.map)) {
            String[] names = {LocaGraphs.LOSS, LocaGraphs.LOSS_POSITION, LocaGraphs.LOSS_FEATURE, LocaGraphs.LOSS_MEMAX,
                LocaGraphs.POSITION_ACCURACY};
            for (int i = 0; i < names.length; i++) {
              sums[i] += out.get(names[i]).toFloatArray()[0];
            }
          }
          teacherNs += t1 - t0;
          trainNs += System.nanoTime() - t1;
        }
      }
    }
    long t2 = System.nanoTime();
    student.setLearningRate((float) lr);
    decay.optimizerStep(student);
    student.lazyResetGrad();
    long t3 = System.nanoTime();
    studentCopy.refresh(student);
    teacherWeights.emaUpdate(studentCopy, momentum);
    long t4 = System.nanoTime();
    int k = batches.size();
    return new StepResult(sums[0] / k, sums[1] / k, sums[2] / k, sums[3] / k, sums[4] / k,
        new StepResult.Timings(ms(teacherNs), ms(trainNs), ms(t3 - t2), ms(t4 - t3)));
  }

  /**
   * The student's losses and position accuracy on a batch without changing any weight: the teacher pass
   * and an EvalStep of the student (the eval model is the forward graph of the training model).
   */
  public StepResult evaluate(LocaBatch batch, long t, StepRandomness r) {
    checkViews(batch.config());
    StepRandomness.Draws d = r.draw(config, batch.size(), t, 0);
    try (Feeds feeds = new Feeds(); RunResult targets = runTeacher(batch, d, feeds)) {
      addStudentFeeds(batch, d, feeds);
      feeds.put(LocaGraphs.TARGETS, targets.get(LocaGraphs.TARGETS));
      feeds.put(LocaGraphs.MEMORY, targets.get(LocaGraphs.MEMORY));
      try (RunResult out = student.evalStep(feeds.map)) {
        return new StepResult(scalar(out, LocaGraphs.LOSS), scalar(out, LocaGraphs.LOSS_POSITION),
            scalar(out, LocaGraphs.LOSS_FEATURE), scalar(out, LocaGraphs.LOSS_MEMAX),
            scalar(out, LocaGraphs.POSITION_ACCURACY), new StepResult.Timings(0, 0, 0, 0));
      }
    }
  }

  private static double scalar(RunResult r, String name) {
    return r.get(name).toFloatArray()[0];
  }

  private RunResult runTeacher(LocaBatch batch, StepRandomness.Draws d, Feeds feeds) {
    Map<String, OrtTensor> in = new HashMap<>(teacherWeights.feeds());
    int b = batch.size();
    in.put(LocaGraphs.REFERENCE, feeds.own(OrtTensor.wrap(batch.floats(Part.REFERENCE), batch.shape(Part.REFERENCE))));
    in.put(LocaGraphs.REFERENCE_DROP_PATH, feeds.own(OrtTensor.fromFloats(d.teacherDropPath(), b,
        DropPath.columns(config.vit()))));
    in.put(LocaGraphs.REFERENCE_OFFSET, feeds.own(OrtTensor.fromLongs(d.referenceOffsets(), b)));
    return teacher.run(in, List.of(LocaGraphs.TARGETS, LocaGraphs.MEMORY));
  }

  private void addStudentFeeds(LocaBatch batch, StepRandomness.Draws d, Feeds feeds) {
    int b = batch.size();
    int columns = DropPath.columns(config.vit());
    feeds.put(LocaGraphs.QUERY0, feeds.own(OrtTensor.wrap(batch.floats(Part.QUERY0), batch.shape(Part.QUERY0))));
    feeds.put(LocaGraphs.QUERY0_LABELS, feeds.own(OrtTensor.wrap(batch.bytes(Part.QUERY0_LABELS), ElementType.INT64,
        batch.shape(Part.QUERY0_LABELS))));
    feeds.put(LocaGraphs.QUERY0_KEEP, feeds.own(OrtTensor.fromLongs(d.query0Keep(), b, config.queryMaxSeqlen())));
    feeds.put(LocaGraphs.QUERY0_DROP_PATH, feeds.own(OrtTensor.fromFloats(d.query0DropPath(), b, columns)));
    feeds.put(LocaGraphs.FOCAL, feeds.own(OrtTensor.wrap(batch.floats(Part.FOCAL), batch.shape(Part.FOCAL))));
    feeds.put(LocaGraphs.FOCAL_LABELS, feeds.own(OrtTensor.wrap(batch.bytes(Part.FOCAL_LABELS), ElementType.INT64,
        batch.shape(Part.FOCAL_LABELS))));
    feeds.put(LocaGraphs.FOCAL_DROP_PATH, feeds.own(OrtTensor.fromFloats(d.focalDropPath(),
        (long) b * config.focalQueries(), columns)));
  }

  private void checkViews(ViewsConfig v) {
    boolean fits = v.referenceSize() == config.referenceSize() && v.query0Size() == config.query0Size()
        && v.focalSize() == config.focalSize() && v.focalCount() == config.focalQueries()
        && v.patchSize() == config.vit().patch();
    Preconditions.checkArgument(fits, "batch views (reference %s, query0 %s, %s focal of %s, patch %s) do not fit "
        + "preset %s (reference %s, query0 %s, %s focal of %s, patch %s)", v.referenceSize(), v.query0Size(),
        v.focalCount(), v.focalSize(), v.patchSize(), config.name(), config.referenceSize(), config.query0Size(),
        config.focalQueries(), config.focalSize(), config.vit().patch());
  }

  /** Writes the student's checkpoint with its optimizer state and the teacher's weights. */
  public void save(Path ortCheckpoint, Path teacherFile) {
    state.save(ortCheckpoint, true);
    teacherWeights.save(teacherFile);
  }

  public LocaConfig config() {
    return config;
  }

  /** The teacher's weights (read them; only {@link #step} changes them). */
  public TeacherBuffer teacherWeights() {
    return teacherWeights;
  }

  /** The student's session, for evaluation and export. */
  public TrainingSession student() {
    return student;
  }

  @Override
  public void close() {
    teacher.close();
    student.close();
    state.close();
    teacherWeights.close();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** A step's input map and the tensors it made (closed with it; the teacher's outputs are not its own). */
  private static final class Feeds implements AutoCloseable {
    final Map<String, OrtTensor> map = new HashMap<>();
    private final List<OrtTensor> owned = new ArrayList<>();

    OrtTensor own(OrtTensor t) {
      owned.add(t);
      return t;
    }

    void put(String name, OrtTensor t) {
      map.put(name, t);
    }

    @Override
    public void close() {
      owned.forEach(OrtTensor::close);
    }
  }
}
