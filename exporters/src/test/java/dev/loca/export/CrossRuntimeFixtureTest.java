package dev.loca.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loca.graph.ir.Model;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.seg.SegmenterCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writes the cross-runtime cases: exported fp32 models of the tiny segmenter, inputs and our ORT's outputs. */
class CrossRuntimeFixtureTest {
  static final int N = 2;

  @Test
  void writesTheModelsAndOurOutputs() throws Exception {
    Path dir = Files.createDirectories(CrossRuntimeCases.DIR);
    SegmenterFolder ft = SegmenterFolder.read(TinySegmenter.write(dir.resolve("ft"), 11));
    SegmenterCard c = ft.card();
    ExportSpec seg = ExportSpec.of(c, ModelKind.SEGMENTER, c.imageSize(), "tiny");
    ExportSpec encSpec = ExportSpec.of(c, ModelKind.ENCODER, c.imageSize(), "tiny");
    float[] raw = TinySegmenter.images(N, 5);
    float[] normalized = TinySegmenter.normalize(raw, N);
    Files.write(dir.resolve("raw.bin"), CrossRuntimeCases.floats(raw));
    Files.write(dir.resolve("normalized.bin"), CrossRuntimeCases.floats(normalized));
    List<CrossRuntimeCases.Case> cases = new ArrayList<>();
    cases.add(write(dir, "segmenter", PortableExport.export(ft.model(), seg, ExportOptions.defaults()),
        "normalized.bin", normalized));
    cases.add(write(dir, "segmenter-inside", PortableExport.export(ft.model(), seg,
        new ExportOptions(Precision.FP32, true)), "raw.bin", raw));
    cases.add(write(dir, "encoder", PortableExport.export(EncoderModel.build(c.encoder(), c.imageSize(), ft.encoderWeights()),
        encSpec, ExportOptions.defaults()), "normalized.bin", normalized));
    CrossRuntimeCases.write(cases);
    assertEquals(3, CrossRuntimeCases.read().size());
  }

  private static CrossRuntimeCases.Case write(Path dir, String name, Model m, String input, float[] x)
      throws Exception {
    int s = TinySegmenter.SIZE;
    ModelWriter.write(m, dir.resolve(name + ".onnx"));
    List<CrossRuntimeCases.Output> outs = new ArrayList<>();
    try (ExportedModelRunner r = ExportedModelRunner.open(dir.resolve(name + ".onnx"), 1)) {
      ExportedModelRunner.Outputs o = r.run(x, N, s);
      String main = m.graph().outputs().get(0).name();
      Files.write(dir.resolve(name + "." + main + ".bin"), CrossRuntimeCases.floats(o.values()));
      outs.add(new CrossRuntimeCases.Output(main, name + "." + main + ".bin", o.shape(), "float32"));
      if (o.classes() != null) {
        Files.write(dir.resolve(name + ".classes.bin"), CrossRuntimeCases.longs(o.classes()));
        outs.add(new CrossRuntimeCases.Output("classes", name + ".classes.bin", new long[] {N, s, s}, "int64"));
      }
    }
    return new CrossRuntimeCases.Case(name, name + ".onnx", input, new long[] {N, 3, s, s}, outs);
  }
}
