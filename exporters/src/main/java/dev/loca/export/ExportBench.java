package dev.loca.export;

import dev.loca.graph.ir.Model;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.Sample;
import dev.loca.runtime.data.ops.CropBox;
import dev.loca.runtime.data.ops.Resize;
import dev.loca.runtime.data.synthetic.SyntheticScenes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * For each precision: file size, median single-image latency in our ONNX Runtime (after warm-up), and the change
 * against fp32 on held-out synthetic scenes: max |output − output_fp32|, the share of pixels whose class agrees
 * with fp32 and, given a scorer, the mIoU against the scenes' labels (segmenters only).
 */
public final class ExportBench {
  private ExportBench() {}

  /**
   * Held-out synthetic scenes (seed 9999, never trained on) resized to S×S: normalised images and their labels
   * (nearest), row-major per image.
   */
  public record HeldOut(int count, int size, float[] images, int[] labels) {}

  /** Scores a batch of class maps against the held-out labels (the CLI passes eval's mIoU). */
  public interface Scorer {
    double meanIou(long[] classes, HeldOut heldOut);
  }

  public static HeldOut heldOut(int n, int size, float[] mean, float[] std) {
    SyntheticScenes scenes = new SyntheticScenes(n, 9999, 500, 375);
    float[] x = new float[n * 3 * size * size];
    int[] labels = new int[n * size * size];
    int plane = size * size;
    for (int i = 0; i < n; i++) {
      Sample sample = scenes.get(i);
      RgbImage img = sample.image();
      Resize.bilinearToChw(img, CropBox.whole(img.height(), img.width()), size, size, false, x, i * 3 * plane);
      int[] l = Resize.nearest(sample.labels().orElseThrow(), img.height(), img.width(), size, size);
      System.arraycopy(l, 0, labels, i * plane, plane);
      for (int c = 0; c < 3; c++) {
        for (int p = 0; p < plane; p++) {
          int at = (i * 3 + c) * plane + p;
          x[at] = (x[at] / 255f - mean[c]) / std[c];
        }
      }
    }
    return new HeldOut(n, size, x, labels);
  }

  /** Runs the benchmark; {@code scorer} may be null (no mIoU column). */
  public static void run(Model source, ExportSpec spec, int images, int repeats, int threads, Path dir,
      Scorer scorer, PrintWriter out) throws IOException {
    int s = spec.imageSize();
    HeldOut held = heldOut(images, s, spec.mean(), spec.std());
    float[] x = held.images();
    float[] one = Arrays.copyOf(x, 3 * s * s);
    ExportedModelRunner.Outputs reference = null;
    out.printf(Locale.ROOT, "%s, input %dx%d, %d synthetic scenes, %d timed runs, %d thread(s)%n", spec.kind().label(),
        s, s, images, repeats, threads);
    boolean scored = scorer != null && spec.kind() == ModelKind.SEGMENTER;
    out.printf(Locale.ROOT, "%-9s %12s %14s %18s %18s%s%n", "precision", "size KiB", "latency ms", "max |Δ| vs fp32",
        "class agreement", scored ? "       mIoU" : "");
    for (Precision p : Precision.values()) {
      Model m = PortableExport.export(source, spec, ExportOptions.defaults().withPrecision(p));
      Path file = dir.resolve(spec.kind().label() + "-" + p.label() + ".onnx");
      ModelWriter.write(m, file);
      try (ExportedModelRunner r = ExportedModelRunner.open(file, threads)) {
        ExportedModelRunner.Outputs o = r.run(x, images, s);
        for (int i = 0; i < 3; i++) {
          r.run(one, 1, s);
        }
        long[] ns = new long[repeats];
        for (int i = 0; i < repeats; i++) {
          long t0 = System.nanoTime();
          r.run(one, 1, s);
          ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        if (reference == null) {
          reference = o;
        }
        float diff = 0;
        for (int i = 0; i < o.values().length; i++) {
          diff = Math.max(diff, Math.abs(o.values()[i] - reference.values()[i]));
        }
        String agreement = "-";
        if (o.classes() != null) {
          long same = 0;
          for (int i = 0; i < o.classes().length; i++) {
            same += o.classes()[i] == reference.classes()[i] ? 1 : 0;
          }
          agreement = String.format(Locale.ROOT, "%.4f", same / (double) o.classes().length);
        }
        String miou = scored ? String.format(Locale.ROOT, " %10.4f", scorer.meanIou(o.classes(), held)) : "";
        out.printf(Locale.ROOT, "%-9s %12.1f %14.3f %18.5f %18s%s%n", p.label(), Files.size(file) / 1024.0,
            ns[repeats / 2] / 1e6, diff, agreement, miou);
        out.flush();
      }
    }
  }
}
