package dev.loca.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loca.graph.ops.OpCatalog;
import dev.loca.graph.ops.OpSchema;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every op of the catalog has an ONNX Runtime parity test marked with {@link OpTest}. */
class CatalogCoverageTest {

  @Test
  void everyCatalogOpHasAParityTest() throws IOException, URISyntaxException, ClassNotFoundException {
    Set<String> tested = new TreeSet<>();
    Path dir = Path.of(CatalogCoverageTest.class.getResource("").toURI());
    List<Path> classes;
    try (Stream<Path> files = Files.list(dir)) {
      classes = files.filter(p -> p.getFileName().toString().endsWith("Test.class")).toList();
    }
    for (Path p : classes) {
      String name = p.getFileName().toString().replace(".class", "");
      Class<?> c = Class.forName(CatalogCoverageTest.class.getPackageName() + "." + name);
      for (Method m : c.getDeclaredMethods()) {
        OpTest t = m.getAnnotation(OpTest.class);
        if (t != null) {
          tested.addAll(List.of(t.value()));
        }
      }
    }
    Set<String> missing = new TreeSet<>();
    for (OpSchema s : OpCatalog.standard().all()) {
      if (!tested.contains(s.qualifiedName())) {
        missing.add(s.qualifiedName());
      }
    }
    assertEquals(Set.of(), missing, "ops of the catalog without an ORT parity test");
  }
}
