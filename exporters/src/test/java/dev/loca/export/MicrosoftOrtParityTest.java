package dev.loca.export;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Microsoft's official ONNX Runtime jar runs the exported models and gives our outputs within 1e-4. Runs in the
 * surefire execution {@code microsoft-onnxruntime}, whose class path has no bytedeco jar (and the default one has
 * no Microsoft jar).
 */
class MicrosoftOrtParityTest {

  @Test
  void theRuntimeIsMicrosoftsJarAndBytedecoIsNotOnTheClassPath() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.bytedeco.onnxruntime.OrtApi"));
    String jar = OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toString();
    assertTrue(jar.contains("com/microsoft/onnxruntime/onnxruntime/"), jar);
  }

  @Test
  void microsoftJarGivesOurOutputs() throws Exception {
    List<CrossRuntimeCases.Case> cases = CrossRuntimeCases.read();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (CrossRuntimeCases.Case c : cases) {
      float[] x = CrossRuntimeCases.readFloats(CrossRuntimeCases.DIR.resolve(c.input()));
      try (OrtSession s = env.createSession(CrossRuntimeCases.DIR.resolve(c.model()).toString());
          OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), c.inputShape());
          OrtSession.Result r = s.run(Map.of(PortableExport.INPUT, in))) {
        for (CrossRuntimeCases.Output o : c.outputs()) {
          OnnxValue v = r.get(o.name()).orElseThrow();
          OnnxTensor t = (OnnxTensor) v;
          byte[] bytes = o.dtype().equals("int64") ? CrossRuntimeCases.longs(toArray(t.getLongBuffer()))
              : CrossRuntimeCases.floats(toArray(t.getFloatBuffer()));
          Files.write(CrossRuntimeCases.DIR.resolve(c.name() + "." + o.name() + ".msjar.bin"), bytes);
        }
      }
    }
    Map<String, Float> worst = CrossRuntimeCases.compare(cases, "msjar", 1e-4f);
    System.out.println("Microsoft ORT jar " + env.getVersion() + " vs ours, max |difference|: " + worst);
    assertFalse(worst.isEmpty());
  }

  private static float[] toArray(FloatBuffer b) {
    float[] f = new float[b.remaining()];
    b.get(f);
    return f;
  }

  private static long[] toArray(java.nio.LongBuffer b) {
    long[] l = new long[b.remaining()];
    b.get(l);
    return l;
  }
}
