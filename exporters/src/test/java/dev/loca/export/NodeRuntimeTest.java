package dev.loca.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Node.js with the npm package onnxruntime-node (installed by {@code .ci/run} into {@code exporters/js}) runs the
 * exported models and gives our outputs within 1e-4. Without Node or the package the test is skipped with a
 * message, except under {@code LOCA_CI=1}, where it fails.
 */
class NodeRuntimeTest {
  static final Path JS = Path.of("js");

  /** Skips (locally) or fails (LOCA_CI=1) with {@code why}. */
  static void unavailable(String why) {
    if (CrossRuntimeCases.required()) {
      fail(why + " (LOCA_CI=1: the cross-runtime checks must run)");
    }
    Assumptions.abort(why + "; skipped (set LOCA_CI=1 to make this a failure)");
  }

  static String runProcess(long timeoutSeconds, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
    }
    return out;
  }

  @Test
  void onnxruntimeNodeGivesOurOutputs() throws Exception {
    try {
      runProcess(30, "node", "--version");
    } catch (IOException e) {
      unavailable("node is not on the PATH");
    }
    if (!Files.isDirectory(JS.resolve("node_modules/onnxruntime-node"))) {
      unavailable("exporters/js/node_modules has no onnxruntime-node (run ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci"
          + " in exporters/js)");
    }
    new CrossRuntimeFixtureTest().writesTheModelsAndOurOutputs();
    String out = runProcess(120, "node", JS.resolve("run-cases.mjs").toString(), CrossRuntimeCases.DIR.toString());
    Map<String, Float> worst = CrossRuntimeCases.compare(CrossRuntimeCases.read(), "node", 1e-4f);
    System.out.println(out.strip() + "; max |difference| vs ours: " + worst);
    assertFalse(worst.isEmpty());
    assertEquals(3, CrossRuntimeCases.read().size());
  }
}
