package dev.loca.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Opt-in GPU check: needs {@code -Pcuda}, a CUDA GPU and CUDA 13 / cuDNN 9 on the library path. */
@Tag("gpu")
class CudaSessionTest {

  @Test
  void addRunsOnCuda() {
    SessionConfig config = SessionConfig.defaults().withDevice(SessionConfig.Device.cuda(0));
    try (InferenceSession session = OrtEnvironment.shared().openSession(TinyOnnx.addModel(), config);
        OrtTensor x = OrtTensor.fromFloats(new float[] {1, 2, 3}, 1, 3);
        OrtTensor y = OrtTensor.fromFloats(new float[] {10, 20, 30}, 3);
        RunResult r = session.run(Map.of("x", x, "y", y))) {
      assertArrayEquals(new float[] {11, 22, 33}, r.get("z").toFloatArray());
    }
  }
}
