package dev.loca.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ops.OpCatalog;
import dev.loca.graph.ops.OpSchema;
import org.junit.jupiter.api.Test;

class LocaMainTest extends CliTestSupport {

  @Test
  void opsListsEveryCatalogOp() {
    assertEquals(0, run("ops"));
    String text = out.toString();
    for (OpSchema s : OpCatalog.standard().all()) {
      String domain = s.domain().isEmpty() ? "ai.onnx" : s.domain();
      assertTrue(text.lines().anyMatch(l -> l.startsWith(domain) && l.contains(" " + s.name() + " ")),
          "missing " + s.qualifiedName());
    }
    assertTrue(text.contains(OpCatalog.standard().all().size() + " ops"), text);
    assertTrue(text.lines().anyMatch(l -> l.contains(" MatMul ") && l.endsWith("rule (portable)")), text);
    assertTrue(text.lines().anyMatch(l -> l.contains(" Softmax ") && l.endsWith("rule (portable, fused)")), text);
    assertTrue(text.lines().anyMatch(l -> l.contains(" Shape ") && l.endsWith("zero")), text);
    assertTrue(text.lines().anyMatch(l -> l.contains(" AdamWOptimizer ") && l.endsWith("none")), text);
  }

  @Test
  void opsFiltersByDomain() {
    assertEquals(0, run("ops", "--domain", "com.microsoft"));
    assertFalse(out.toString().contains(" MatMul "));
    assertTrue(out.toString().contains("AdamWOptimizer"));
  }

  @Test
  void unknownDomainIsOneLineAndExitOne() {
    assertEquals(1, run("ops", "--domain", "org.nowhere"));
    assertEquals("loca: no ops in domain 'org.nowhere'; domains are ai.onnx and com.microsoft",
        err.toString().strip());
  }

  @Test
  void unknownOptionIsBadUsage() {
    assertEquals(2, run("ops", "--frobnicate"));
    String e = err.toString().strip();
    assertEquals(1, e.lines().count(), e);
    assertTrue(e.startsWith("loca: Unknown option: '--frobnicate'"), e);
  }

  @Test
  void unknownCommandIsBadUsage() {
    assertEquals(2, run("pretrian"));
    assertTrue(err.toString().contains("pretrian"), err.toString());
  }

  @Test
  void runtimeSelfCheckPasses() {
    assertEquals(0, run("runtime"));
    assertTrue(out.toString().contains("CPUExecutionProvider"), out.toString());
    assertTrue(out.toString().contains("OK"), out.toString());
  }
}
