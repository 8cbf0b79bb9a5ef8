package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtEnvironmentTest {
  private final OrtEnvironment env = OrtEnvironment.shared();

  @Test
  void sharedIsSingletonAndCloseIsNoOp() {
    assertSame(env, OrtEnvironment.shared());
    env.close();
    assertDoesNotThrow(env::buildInfo);
  }

  @Test
  void buildInfoAndVersion() {
    assertTrue(env.buildInfo().contains("git-commit-id"), env.buildInfo());
    assertEquals("1.24.1", env.version());
  }

  @Test
  void availableProvidersContainsCpu() {
    List<String> providers = env.availableProviders();
    assertTrue(providers.contains("CPUExecutionProvider"), providers.toString());
    assertEquals(providers, env.availableProviders(), "stable across calls");
  }

  @Test
  void missingModelFileIsNamedBeforeOrtIsCalled(@TempDir Path dir) {
    Path missing = dir.resolve("y.onnx");
    OrtFailure e =
        assertThrows(OrtFailure.class, () -> env.openSession(missing, SessionConfig.defaults()));
    assertEquals("model file not found: " + missing.toAbsolutePath(), e.getMessage());
    assertEquals(OrtErrorCode.JAVA, e.code());
    OrtFailure directory =
        assertThrows(OrtFailure.class, () -> env.openSession(dir, SessionConfig.defaults()));
    assertTrue(directory.getMessage().contains(dir.toString()), directory.getMessage());
  }

  @Test
  void garbageModelBytesCarryOrtCodeAndMessage() {
    byte[] garbage = "this is not an onnx model".getBytes(StandardCharsets.UTF_8);
    OrtFailure e =
        assertThrows(OrtFailure.class, () -> env.openSession(garbage, SessionConfig.defaults()));
    assertEquals(OrtErrorCode.INVALID_PROTOBUF, e.code());
    assertTrue(e.ortMessage().toLowerCase().contains("protobuf"), e.ortMessage());
    assertTrue(e.context().startsWith("CreateSessionFromArray"), e.context());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void garbageModelFileCarryOrtCode(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("bad.onnx"), new byte[] {1, 2, 3, 4, 5});
    OrtFailure e = assertThrows(OrtFailure.class, () -> env.openSession(file, SessionConfig.defaults()));
    assertEquals(OrtErrorCode.INVALID_PROTOBUF, e.code());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void cudaOnCpuBuildFailsWithOneClearLine() {
    assumeFalse(env.availableProviders().contains("CUDAExecutionProvider"), "GPU build of ORT");
    SessionConfig cuda = SessionConfig.defaults().withDevice(SessionConfig.Device.cuda(0));
    OrtFailure e = assertThrows(OrtFailure.class, () -> env.openSession(TinyOnnx.addModel(), cuda));
    assertEquals(CudaDiagnosis.gpuBuildMissing(env.availableProviders()), e.getMessage());
    assertTrue(e.getMessage().startsWith("GPU build not installed: "), e.getMessage());
    assertTrue(e.getMessage().contains("-Pcuda"), e.getMessage());
    assertEquals(OrtErrorCode.JAVA, e.code());
    assertEquals(java.util.Optional.of(e.getMessage()), env.deviceProblem(SessionConfig.Device.cuda(0)));
    assertEquals(java.util.Optional.empty(), env.deviceProblem(SessionConfig.Device.cpu()));
  }

  @Test
  void ownEnvironmentClosesItsSessionsFirst() {
    OrtEnvironment own = OrtEnvironment.create("test-env");
    InferenceSession session = own.openSession(TinyOnnx.addModel(), SessionConfig.defaults());
    own.close();
    assertDoesNotThrow(own::close);
    IllegalStateException e = assertThrows(IllegalStateException.class, session::inputNames);
    assertEquals("InferenceSession is closed", e.getMessage());
    IllegalStateException envClosed = assertThrows(IllegalStateException.class, own::availableProviders);
    assertEquals("OrtEnvironment is closed", envClosed.getMessage());
  }
}
