package dev.loca.graphs.loca;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sizes and costs of a LOCA configuration.
 *
 * @param preset preset name
 * @param studentParameters parameter counts of the student per module
 * @param teacherParameters parameter counts of the teacher per module
 * @param batch batch size at which FLOPs are counted
 * @param studentForwardFlops analytic forward FLOPs of one student step at that batch
 * @param teacherForwardFlops analytic forward FLOPs of one teacher pass at that batch
 * @param ops ops used by the training and teacher models
 * @param opsets opset imports of the training model
 */
public record Summary(String preset, Map<String, Long> studentParameters, Map<String, Long> teacherParameters,
    int batch, long studentForwardFlops, long teacherForwardFlops, List<String> ops, List<String> opsets) {

  public long studentParameterCount() {
    return studentParameters.values().stream().mapToLong(Long::longValue).sum();
  }

  public long teacherParameterCount() {
    return teacherParameters.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Locale-independent JSON. */
  public String toJson() {
    return "{\n"
        + "  \"preset\": " + quote(preset) + ",\n"
        + "  \"student_parameters\": " + counts(studentParameters) + ",\n"
        + "  \"student_parameter_count\": " + studentParameterCount() + ",\n"
        + "  \"teacher_parameters\": " + counts(teacherParameters) + ",\n"
        + "  \"teacher_parameter_count\": " + teacherParameterCount() + ",\n"
        + "  \"flops_batch\": " + batch + ",\n"
        + "  \"student_forward_flops_per_step\": " + studentForwardFlops + ",\n"
        + "  \"teacher_forward_flops_per_step\": " + teacherForwardFlops + ",\n"
        + "  \"ops\": [" + ops.stream().map(Summary::quote).collect(Collectors.joining(", ")) + "],\n"
        + "  \"opsets\": [" + opsets.stream().map(Summary::quote).collect(Collectors.joining(", ")) + "]\n"
        + "}\n";
  }

  /** A few lines for people. */
  public String toText() {
    return String.format(Locale.ROOT, "preset %s%n  student parameters %,d %s%n  teacher parameters %,d%n"
            + "  forward GFLOPs per step at batch %d: student %.2f, teacher %.2f (%.3f per image)%n"
            + "  %d ops; opsets %s%n", preset, studentParameterCount(), studentParameters, teacherParameterCount(),
        batch, studentForwardFlops / 1e9, teacherForwardFlops / 1e9,
        (studentForwardFlops + teacherForwardFlops) / 1e9 / batch, ops.size(), opsets);
  }

  private static String counts(Map<String, Long> m) {
    return m.entrySet().stream().map(e -> quote(e.getKey()) + ": " + e.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
