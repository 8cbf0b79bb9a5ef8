package dev.loca.it.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of ARCHITECTURE.md that Maven's module graph cannot express: which packages may
 * import protobuf, ONNX Runtime and JavaCPP, and that every package says what it is for.
 */
class ImportRulesTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final List<String> MODULES = List.of("graph-builder", "graphs", "runtime", "train", "eval",
      "exporters");

  private static List<Path> mainSources() {
    List<Path> all = new ArrayList<>();
    for (String m : MODULES) {
      Path src = ROOT.resolve(m).resolve("src/main/java");
      if (Files.isDirectory(src)) {
        try (Stream<Path> s = Files.walk(src)) {
          s.filter(p -> p.toString().endsWith(".java")).forEach(all::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return all;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String packageOf(String source) {
    return source.lines().filter(l -> l.startsWith("package ")).findFirst().orElse("package ;")
        .substring(8).replace(";", "").trim();
  }

  private static List<String> violations(String importPrefix, String allowedPackagePrefix) {
    List<String> bad = new ArrayList<>();
    for (Path p : mainSources()) {
      String src = read(p);
      String pkg = packageOf(src);
      boolean imports = src.lines().map(String::strip)
          .filter(l -> !l.startsWith("*") && !l.startsWith("/*") && !l.startsWith("//"))
          .anyMatch(l -> l.startsWith("import " + importPrefix) || l.startsWith("import static " + importPrefix)
              || l.contains(" " + importPrefix + ".") || l.contains("(" + importPrefix + "."));
      if (imports && !pkg.startsWith(allowedPackagePrefix)) {
        bad.add(ROOT.relativize(p).toString());
      }
    }
    return bad;
  }

  @Test
  void onlySerdeTouchesTheOnnxProtobufClasses() {
    assertEquals(List.of(), violations("dev.loca.graph.serde.proto", "dev.loca.graph.serde"));
    assertEquals(List.of(), violations("com.google.protobuf", "dev.loca.graph.serde"));
  }

  @Test
  void onlyRuntimeOrtTouchesOnnxRuntimeAndJavaCpp() {
    assertEquals(List.of(), violations("org.bytedeco", "dev.loca.runtime.ort"));
    assertEquals(List.of(), violations("ai.onnxruntime", "nothing may use the stub classes"));
  }

  @Test
  void theIrImportsOnlyTheJdkAndGuava() {
    for (Path p : mainSources()) {
      String src = read(p);
      if (packageOf(src).equals("dev.loca.graph.ir")) {
        src.lines().filter(l -> l.startsWith("import ")).forEach(l -> assertTrue(
            l.startsWith("import java.") || l.startsWith("import com.google.common."), p + ": " + l));
      }
    }
  }

  @Test
  void everyPackageHasAPackageInfo() {
    List<String> missing = new ArrayList<>();
    for (Path p : mainSources()) {
      if (!Files.exists(p.resolveSibling("package-info.java"))) {
        missing.add(ROOT.relativize(p.getParent()).toString());
      }
    }
    assertEquals(List.of(), missing.stream().distinct().toList());
  }
}
