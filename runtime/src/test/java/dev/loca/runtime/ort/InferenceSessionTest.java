package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceSessionTest {
  private final OrtEnvironment env = OrtEnvironment.shared();
  private InferenceSession session;
  private OrtTensor x;
  private OrtTensor y;

  @BeforeEach
  void open() {
    session = env.openSession(TinyOnnx.addModel(), SessionConfig.defaults().withIntraOpThreads(1));
    x = OrtTensor.fromFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    y = OrtTensor.fromFloats(new float[] {10, 20, 30}, 3);
  }

  @AfterEach
  void close() {
    x.close();
    y.close();
    session.close();
  }

  private Map<String, OrtTensor> inputs(OrtTensor xs, OrtTensor ys) {
    Map<String, OrtTensor> m = new LinkedHashMap<>();
    m.put("x", xs);
    m.put("y", ys);
    return m;
  }

  @Test
  void namesAndInfoWithSymbolicDim() {
    assertEquals("add_graph", session.modelName());
    assertEquals(List.of("x", "y"), session.inputNames());
    assertEquals(List.of("z"), session.outputNames());
    TensorInfo xi = session.inputInfo().get("x");
    assertEquals(ElementType.FLOAT, xi.type());
    assertArrayEquals(new long[] {-1, 3}, xi.shape());
    assertEquals(List.of("batch", ""), xi.symbolicDims());
    assertEquals("[batch, 3]", xi.shapeString());
    assertEquals(new TensorInfo(ElementType.FLOAT, new long[] {3}, List.of("")), session.inputInfo().get("y"));
    assertEquals(List.of("x", "y"), new ArrayList<>(session.inputInfo().keySet()));
    assertArrayEquals(new long[] {-1, 3}, session.outputInfo().get("z").shape());
  }

  @Test
  void runAddsBroadcast() {
    try (RunResult r = session.run(Map.of("y", y, "x", x))) {
      assertEquals(List.of("z"), r.names());
      OrtTensor z = r.get("z");
      assertArrayEquals(new long[] {2, 3}, z.shape());
      assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, z.toFloatArray());
    }
  }

  @Test
  void runFromFileAndOutputSubsetInRequestedOrder(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("add_mul.onnx"), TinyOnnx.addMulModel());
    try (InferenceSession s = env.openSession(file, SessionConfig.defaults())) {
      assertEquals("add_mul.onnx", s.modelName());
      assertEquals(List.of("z", "w"), s.outputNames());
      try (RunResult r = s.run(inputs(x, y), List.of("w"))) {
        assertEquals(List.of("w"), r.names());
        assertArrayEquals(new float[] {10, 40, 90, 40, 100, 180}, r.get("w").toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.get("z"));
        assertEquals("unknown output 'z'; this result has [w]", e.getMessage());
      }
      try (RunResult r = s.run(inputs(x, y), List.of("w", "z"))) {
        List<String> order = new ArrayList<>();
        r.forEach(e -> order.add(e.getKey()));
        assertEquals(List.of("w", "z"), order);
      }
      IllegalArgumentException unknown =
          assertThrows(IllegalArgumentException.class, () -> s.run(inputs(x, y), List.of("q")));
      assertEquals("unknown output 'q' for model add_mul.onnx; expected one of [z, w]", unknown.getMessage());
    }
  }

  @Test
  void unknownInputIsNamedWithExpectedOnes() {
    Map<String, OrtTensor> in = inputs(x, y);
    in.put("foo", y);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.run(in));
    assertEquals("unknown input 'foo' for model add_graph; expected one of [x, y]", e.getMessage());
  }

  @Test
  void missingInputIsNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> session.run(Map.of("x", x)));
    assertEquals("missing input 'y' for model add_graph; expected [x, y], got [x]", e.getMessage());
  }

  @Test
  void wrongElementType() {
    try (OrtTensor longs = OrtTensor.fromLongs(new long[6], 2, 3)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> session.run(inputs(longs, y)));
      assertEquals("input 'x' expects FLOAT, got INT64", e.getMessage());
    }
  }

  @Test
  void wrongShape() {
    try (OrtTensor wide = OrtTensor.fromFloats(new float[8], 2, 4);
        OrtTensor flat = OrtTensor.fromFloats(new float[6], 6)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> session.run(inputs(wide, y)));
      assertEquals("input 'x' expects shape [batch, 3], got [2, 4]", e.getMessage());
      IllegalArgumentException rank =
          assertThrows(IllegalArgumentException.class, () -> session.run(inputs(flat, y)));
      assertEquals("input 'x' expects shape [batch, 3], got [6]", rank.getMessage());
    }
    try (OrtTensor batch5 = OrtTensor.fromFloats(new float[15], 5, 3);
        RunResult r = session.run(inputs(batch5, y))) {
      assertArrayEquals(new long[] {5, 3}, r.get("z").shape(), "dynamic batch dim accepts any size");
    }
  }

  @Test
  void closedInputTensorIsRejected() {
    OrtTensor gone = OrtTensor.fromFloats(new float[3], 3);
    gone.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> session.run(inputs(x, gone)));
    assertEquals("input 'y': OrtTensor is closed", e.getMessage());
  }

  @Test
  void zeroCopyWrapFeedsTheBufferAsItIsAtRunTime() {
    FloatBuffer buffer = ByteBuffer.allocateDirect(6 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffer.put(new float[] {1, 1, 1, 2, 2, 2}).flip();
    try (OrtTensor wrapped = OrtTensor.wrap(buffer, 2, 3)) {
      try (RunResult r = session.run(inputs(wrapped, y))) {
        assertArrayEquals(new float[] {11, 21, 31, 12, 22, 32}, r.get("z").toFloatArray());
      }
      buffer.put(0, 100f);
      try (RunResult r = session.run(inputs(wrapped, y))) {
        assertEquals(110f, r.get("z").toFloatArray()[0]);
      }
    }
  }

  @Test
  void resultOwnershipTakeAndClose() {
    OrtTensor taken;
    OrtTensor held;
    try (RunResult r = session.run(inputs(x, y))) {
      held = r.get("z");
      taken = r.take("z");
      assertEquals(held, taken);
      assertEquals(List.of(), r.names());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.get("z"));
      assertEquals("output 'z' was already taken out of this RunResult", e.getMessage());
    }
    try (taken) {
      assertFalse(taken.isClosed(), "taken tensors survive the result");
      assertEquals(11f, taken.toFloatArray()[0]);
    }
    RunResult r = session.run(inputs(x, y));
    OrtTensor z = r.get("z");
    r.close();
    assertDoesNotThrow(r::close);
    assertTrue(z.isClosed(), "closing the result closes its tensors");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.get("z"));
    assertEquals("RunResult is closed", e.getMessage());
  }

  @Test
  void sessionDoubleCloseAndUseAfterClose() {
    InferenceSession s = env.openSession(TinyOnnx.addModel(), SessionConfig.defaults());
    s.close();
    assertDoesNotThrow(s::close);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.run(inputs(x, y)));
    assertEquals("InferenceSession is closed", e.getMessage());
    assertThrows(IllegalStateException.class, s::outputInfo);
  }

  @Test
  void runsConcurrentlyFromSeveralThreads() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 200; i++) {
                    try (OrtTensor xs = OrtTensor.fromFloats(new float[] {i, i, i}, 1, 3);
                        RunResult r = session.run(inputs(xs, y))) {
                      assertArrayEquals(new float[] {i + 10, i + 20, i + 30}, r.get("z").toFloatArray());
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(List.of(), errors);
  }

  @Test
  void modelBytesKeptWhenOrtUsesThemDirectly() {
    SessionConfig direct = SessionConfig.defaults().withConfigEntry("session.use_ort_model_bytes_directly", "1");
    try (InferenceSession s = env.openSession(TinyOnnx.addModel(), direct)) {
      System.gc();
      try (RunResult r = s.run(inputs(x, y))) {
        assertEquals(11f, r.get("z").toFloatArray()[0]);
      }
    }
  }
}
