package dev.loca.export;

import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import java.nio.file.Path;
import java.util.Map;

/** Runs an exported model in our ONNX Runtime: the Java reference of the cross-runtime checks, and the benchmark. */
public final class ExportedModelRunner implements AutoCloseable {
  /** What one run gives: the float output and, for a segmenter, the class map. */
  public record Outputs(float[] values, long[] shape, long[] classes) {}

  private final InferenceSession session;

  private ExportedModelRunner(InferenceSession session) {
    this.session = session;
  }

  public static ExportedModelRunner open(Path model, int threads) {
    return new ExportedModelRunner(OrtEnvironment.shared().openSession(model,
        SessionConfig.defaults().withIntraOpThreads(threads)));
  }

  public static ExportedModelRunner open(byte[] model, int threads) {
    return new ExportedModelRunner(OrtEnvironment.shared().openSession(model,
        SessionConfig.defaults().withIntraOpThreads(threads)));
  }

  /** Runs {@code images} [n, 3, size, size]. */
  public Outputs run(float[] images, int n, int size) {
    try (OrtTensor in = OrtTensor.fromFloats(images, n, 3, size, size);
        RunResult r = session.run(Map.of(PortableExport.INPUT, in))) {
      String main = session.outputNames().get(0);
      OrtTensor out = r.get(main);
      long[] classes = r.names().contains(PortableExport.CLASSES) ? r.get(PortableExport.CLASSES).toLongArray() : null;
      return new Outputs(out.toFloatArray(), out.shape(), classes);
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
