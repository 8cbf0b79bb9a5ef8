package dev.loca.it.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loca.graph.autodiff.GradientRules;
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

/** The registry lists every catalog op, and every rule has a finite-difference check. */
class GradientRegistryTest {

  @Test
  void everyCatalogOpIsInTheRegistry() {
    Set<String> missing = new TreeSet<>();
    for (OpSchema s : OpCatalog.standard().all()) {
      if (GradientRules.find(s.domain(), s.name()).isEmpty()) {
        missing.add(s.qualifiedName());
      }
    }
    assertEquals(Set.of(), missing, "catalog ops without a gradient registry entry");
  }

  @Test
  void everyRuleHasAGradientCheck() throws IOException, URISyntaxException, ClassNotFoundException {
    Set<String> checked = new TreeSet<>();
    Path dir = Path.of(GradientRegistryTest.class.getResource("").toURI());
    List<Path> classes;
    try (Stream<Path> files = Files.list(dir)) {
      classes = files.filter(p -> p.getFileName().toString().endsWith("Test.class")).toList();
    }
    for (Path p : classes) {
      Class<?> c = Class.forName(GradientRegistryTest.class.getPackageName() + "."
          + p.getFileName().toString().replace(".class", ""));
      for (Method m : c.getDeclaredMethods()) {
        GradTest t = m.getAnnotation(GradTest.class);
        if (t != null) {
          checked.addAll(List.of(t.value()));
        }
      }
    }
    Set<String> missing = new TreeSet<>();
    for (OpSchema s : OpCatalog.standard().all()) {
      if (GradientRules.entry(s.domain(), s.name()) instanceof GradientRules.Rule && !checked.contains(s.qualifiedName())) {
        missing.add(s.qualifiedName());
      }
    }
    assertEquals(Set.of(), missing, "gradient rules without a finite-difference check");
  }
}
