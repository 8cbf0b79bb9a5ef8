package dev.loca.graphs.loca;

import dev.loca.graph.analysis.Flops;
import dev.loca.graph.artifacts.ArtifactBuilder;
import dev.loca.graph.artifacts.OptimizerSettings;
import dev.loca.graph.artifacts.TrainingArtifacts;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything a LOCA run executes: the student's training artifacts (training, eval and optimizer models
 * and checkpoint) and the teacher model, whose parameters are inputs fed from the EMA buffer.
 *
 * @param config the configuration they were built from
 * @param student the student's training artifacts
 * @param teacher the teacher's inference model; null in the location-only ablation
 * @param summary sizes and costs, as {@code summary.json} gives them
 */
public record LocaArtifacts(LocaConfig config, TrainingArtifacts student, Model teacher, Summary summary) {
  public static final String TEACHER_FILE = "teacher_model.onnx";
  /** The student's ORT checkpoint (parameters and optimizer state) inside a pretraining run's checkpoint folder. */
  public static final String STUDENT_CHECKPOINT = "student.ckpt";

  /** LOCA's optimizer (spec §5.1): AdamW β 0.9/0.999, ε 1e-8, decay 0.1 (1-D parameters exempted by the trainer), clip 1. */
  public static OptimizerSettings optimizer() {
    return OptimizerSettings.adamW().withWeightDecay(0.1f).withMaxGradNorm(1f);
  }

  /**
   * Builds the artifacts.
   *
   * @param flopBatch the batch at which the summary's per-step FLOPs are counted
   */
  public static LocaArtifacts build(LocaConfig c, long seed, int flopBatch) {
    LocaGraphs.Student s = LocaGraphs.student(c, seed);
    TrainingArtifacts student = ArtifactBuilder.build(s.graph(), s.loss(), s.parameters(), List.of(), c.flavour(),
        optimizer());
    Model teacher = null;
    if (c.applyClusterLoss()) {
      LocaGraphs.Teacher t = LocaGraphs.teacher(c, seed);
      teacher = Model.of(ArtifactBuilder.parametersAsInputs(t.graph(), t.parameters()), GraphBuilder.DEFAULT_ONNX_OPSET);
    }
    Summary summary = summarize(c, flopBatch, teacher == null ? opsUsed(student.training().graph())
            : opsUsed(student.training().graph(), teacher.graph()),
        student.training().opsets().stream().map(OpsetId::toString).toList());
    return new LocaArtifacts(c, student, teacher, summary);
  }

  /** Parameter counts and forward FLOPs, from structure-only graphs (no parameter values are drawn). */
  public static Summary summarize(LocaConfig c, int flopBatch, List<String> ops, List<String> opsets) {
    LocaGraphs.Student s = LocaGraphs.student(c, 0, flopBatch, true);
    if (!c.applyClusterLoss()) {
      return new Summary(c.name(), countByModule(s.parameters()), Map.of(), flopBatch, Flops.count(s.graph()), 0, ops,
          opsets);
    }
    LocaGraphs.Teacher t = LocaGraphs.teacher(c, 0, flopBatch, true);
    return new Summary(c.name(), countByModule(s.parameters()), countByModule(t.parameters()), flopBatch,
        Flops.count(s.graph()), Flops.count(t.graph()), ops, opsets);
  }

  /** Writes the student artifacts, {@value #TEACHER_FILE} and {@code summary.json} into {@code dir}. */
  public void write(Path dir) {
    student.write(dir);
    if (teacher != null) {
      ModelWriter.write(teacher, dir.resolve(TEACHER_FILE));
    }
    try {
      Files.writeString(dir.resolve("summary.json"), summary.toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("summary.json") + ": " + e.getMessage(), e);
    }
  }

  /** Parameter element counts per top-level scope ({@code encoder}, {@code head}, ...), in declaration order. */
  static Map<String, Long> countByModule(List<Value> params) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Value p : params) {
      String module = p.name().contains(".") ? p.name().substring(0, p.name().indexOf('.')) : p.name();
      out.merge(module, p.shape().elementCount(), Long::sum);
    }
    return out;
  }

  private static List<String> opsUsed(Graph... graphs) {
    TreeSet<String> ops = new TreeSet<>();
    for (Graph g : graphs) {
      for (Node n : g.nodes()) {
        ops.add(n.qualifiedOp());
      }
    }
    return List.copyOf(ops);
  }
}
