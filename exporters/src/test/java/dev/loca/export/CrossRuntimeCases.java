package dev.loca.export;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exported models and our ONNX Runtime's outputs for them, as files that other runtimes read:
 * {@code target/cross-runtime/cases.json} lists each model, its input and the expected outputs, all raw
 * little-endian files beside it. Written by {@link CrossRuntimeFixtureTest} in the ordinary test run; read by the
 * Node.js, Microsoft-jar and browser checks.
 */
final class CrossRuntimeCases {
  static final Path DIR = Path.of("target", "cross-runtime");
  static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /** One output: its file, shape and element type (float32 or int64). */
  record Output(String name, String file, long[] shape, String dtype) {}

  /** One model run. */
  record Case(String name, String model, String input, long[] inputShape, List<Output> outputs) {}

  private CrossRuntimeCases() {}

  static List<Case> read() throws IOException {
    Path file = DIR.resolve("cases.json");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file.toAbsolutePath() + " is missing: CrossRuntimeFixtureTest writes it in the"
          + " default surefire execution, which runs first");
    }
    return List.of(GSON.fromJson(Files.readString(file), Case[].class));
  }

  static void write(List<Case> cases) throws IOException {
    Files.writeString(DIR.resolve("cases.json"), GSON.toJson(cases));
  }

  static byte[] floats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static byte[] longs(long[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(v);
    return b.array();
  }

  static float[] readFloats(Path p) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  static long[] readLongs(Path p) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    long[] l = new long[b.remaining() / 8];
    b.asLongBuffer().get(l);
    return l;
  }

  /**
   * Compares the outputs another runtime wrote as {@code <case>.<output>.<suffix>.bin} with ours: float outputs
   * within {@code tolerance}, the class map exactly. Returns the largest float difference.
   */
  static Map<String, Float> compare(List<Case> cases, String suffix, float tolerance) throws IOException {
    Map<String, Float> worst = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Case c : cases) {
      for (Output o : c.outputs()) {
        Path theirs = DIR.resolve(c.name() + "." + o.name() + "." + suffix + ".bin");
        if (o.dtype().equals("int64")) {
          long[] a = readLongs(DIR.resolve(o.file()));
          long[] b = readLongs(theirs);
          long differ = java.util.stream.IntStream.range(0, Math.min(a.length, b.length)).filter(i -> a[i] != b[i])
              .count();
          if (a.length != b.length || differ > 0) {
            problems.add(c.name() + "." + o.name() + ": " + differ + " of " + a.length + " classes differ");
          }
        } else {
          float[] a = readFloats(DIR.resolve(o.file()));
          float[] b = readFloats(theirs);
          float d = a.length == b.length ? PortableExportTest.maxDiff(a, b) : Float.POSITIVE_INFINITY;
          worst.put(c.name() + "." + o.name(), d);
          if (!(d <= tolerance)) {
            problems.add(c.name() + "." + o.name() + ": max difference " + d + " > " + tolerance);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(suffix + " differs from our ONNX Runtime: " + problems);
    }
    return worst;
  }

  /** Whether a missing tool fails the build: in CI ({@code LOCA_CI=1}) it does, elsewhere the check is skipped. */
  static boolean required() {
    return "1".equals(System.getenv("LOCA_CI"));
  }
}
