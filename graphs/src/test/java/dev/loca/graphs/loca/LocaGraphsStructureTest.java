package dev.loca.graphs.loca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Shapes, names and sizes of the LOCA graphs for every preset, built structure-only (no values drawn). */
class LocaGraphsStructureTest {

  static List<String> presets() {
    return LocaConfig.presetNames();
  }

  private static Value output(Graph g, String name) {
    return g.outputs().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @MethodSource("presets")
  void outputShapesWithASymbolicBatch(String preset) {
    LocaConfig c = LocaConfig.preset(preset);
    Graph student = LocaGraphs.student(c, 0, 0, true).graph();
    for (String scalar : List.of(LocaGraphs.LOSS, LocaGraphs.LOSS_POSITION, LocaGraphs.LOSS_FEATURE,
        LocaGraphs.LOSS_MEMAX, LocaGraphs.POSITION_ACCURACY)) {
      assertEquals(Shape.scalar(), output(student, scalar).shape(), preset + " " + scalar);
    }
    Graph teacher = LocaGraphs.teacher(c, 0, 0, true).graph();
    assertEquals(Shape.symbolic("?", c.prototypes()).dims().get(1),
        output(teacher, LocaGraphs.TARGETS).shape().dims().get(1));
    assertEquals(Shape.symbolic("batch", c.referenceSeqlen(), c.vit().width()),
        output(teacher, LocaGraphs.MEMORY).shape());
    Value q0 = student.inputs().stream().filter(v -> v.name().equals(LocaGraphs.QUERY0)).findFirst().orElseThrow();
    assertEquals(Shape.symbolic("batch", 3, c.query0Size(), c.query0Size()), q0.shape());
  }

  @ParameterizedTest
  @MethodSource("presets")
  void staticBatchFixesEveryInput(String preset) {
    LocaConfig c = LocaConfig.preset(preset);
    Graph g = LocaGraphs.student(c, 0, 2, true).graph();
    assertTrue(g.inputs().stream().allMatch(v -> v.shape().isStatic()), preset);
    Value focal = g.inputs().stream().filter(v -> v.name().equals(LocaGraphs.FOCAL)).findFirst().orElseThrow();
    assertArrayEquals(new long[] {2L * c.focalQueries(), 3, c.focalSize(), c.focalSize()}, focal.shape().sizes());
  }

  @Test
  void studentAndTeacherShareParameterNames() {
    LocaConfig c = LocaConfig.preset("micro");
    Set<String> student = names(LocaGraphs.student(c, 0, 0, true).parameters());
    Set<String> teacher = names(LocaGraphs.teacher(c, 0, 0, true).parameters());
    assertTrue(student.containsAll(teacher), "teacher parameters must be named as the student's");
    assertTrue(teacher.stream().allMatch(n -> n.startsWith("encoder.") || n.startsWith("head.")
        || n.startsWith("prototypes.")), teacher.toString());
    assertTrue(student.stream().anyMatch(n -> n.startsWith("cross_attention.")));
    assertTrue(student.stream().anyMatch(n -> n.startsWith("position.")));
  }

  private static Set<String> names(List<Value> vs) {
    return vs.stream().map(Value::name).collect(Collectors.toSet());
  }

  @Test
  void sameSeedSameBytes() {
    LocaConfig c = LocaConfig.preset("micro");
    LocaArtifacts a = LocaArtifacts.build(c, 7, 2);
    LocaArtifacts b = LocaArtifacts.build(c, 7, 2);
    assertArrayEquals(a.student().trainingBytes(), b.student().trainingBytes());
    assertArrayEquals(a.student().checkpoint(), b.student().checkpoint());
    assertArrayEquals(ModelWriter.toBytes(a.teacher()), ModelWriter.toBytes(b.teacher()));
    assertTrue(!java.util.Arrays.equals(a.student().checkpoint(), LocaArtifacts.build(c, 8, 2).student().checkpoint()));
  }

  /** FastGelu forward in both flavours (its backward keeps only its input); the flavour picks the backward. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"portable", "fused"})
  void forwardUsesFastGeluAndTheFlavourPicksTheBackward(String flavour) {
    LocaConfig c = LocaConfig.preset("micro").withFields(java.util.Map.of("flavour", flavour));
    Graph training = LocaArtifacts.build(c, 1, 2).student().training().graph();
    Set<String> forward = training.nodes().stream().filter(n -> !n.name().startsWith("grad/"))
        .map(n -> n.qualifiedOp()).collect(Collectors.toSet());
    Set<String> backward = training.nodes().stream().filter(n -> n.name().startsWith("grad/"))
        .map(n -> n.qualifiedOp()).collect(Collectors.toSet());
    assertTrue(forward.contains("com.microsoft::FastGelu"), forward.toString());
    assertTrue(!backward.isEmpty());
    assertEquals(flavour.equals("fused"), backward.contains("com.microsoft::BiasFastGeluGrad_dX"), backward.toString());
    if (flavour.equals("portable")) {
      assertTrue(backward.stream().noneMatch(op -> op.startsWith("com.microsoft::")), backward.toString());
    }
  }

  @Test
  void summaryCountsMatchTheEncoderAndPricesTheFlops() {
    LocaConfig c = LocaConfig.preset("Ti/16");
    Summary s = LocaArtifacts.summarize(c, 1, List.of(), List.of());
    assertEquals(new dev.loca.graphs.vit.VitEncoder(c.vit()).parameterCount(), (long) s.studentParameters().get("encoder"));
    assertEquals(s.studentParameters().get("encoder"), s.teacherParameters().get("encoder"));
    assertTrue(s.teacherForwardFlops() > 0 && s.studentForwardFlops() > s.teacherForwardFlops());
    assertTrue(s.toJson().contains("\"student_forward_flops_per_step\": " + s.studentForwardFlops()));
  }

  @Test
  void locationOnlyAblationEncodesTheReferenceInTheStudent() {
    LocaConfig c = LocaConfig.preset("micro").withClusterLoss(false);
    LocaGraphs.Student s = LocaGraphs.student(c, 0, 0, true);
    List<String> inputs = s.graph().inputs().stream().map(Value::name).toList();
    assertTrue(inputs.contains(LocaGraphs.REFERENCE) && inputs.contains(LocaGraphs.REFERENCE_OFFSET), inputs.toString());
    assertTrue(!inputs.contains(LocaGraphs.MEMORY) && !inputs.contains(LocaGraphs.TARGETS), inputs.toString());
    assertTrue(s.parameters().stream().noneMatch(p -> p.name().startsWith("head.") || p.name().startsWith("prototypes.")));
    assertEquals(Shape.scalar(), output(s.graph(), LocaGraphs.LOSS).shape());
    assertThrows(IllegalArgumentException.class, () -> LocaGraphs.teacher(c, 0));
    LocaArtifacts a = LocaArtifacts.build(c, 1, 2);
    assertEquals(null, a.teacher());
    assertEquals(0, a.summary().teacherForwardFlops());
  }

  @Test
  void unknownPresetIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocaConfig.preset("Z/99"));
    assertTrue(e.getMessage().contains("unknown preset 'Z/99'") && e.getMessage().contains("micro"), e.getMessage());
  }
}
