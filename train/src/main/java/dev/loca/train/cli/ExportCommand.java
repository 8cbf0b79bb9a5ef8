package dev.loca.train.cli;

import dev.loca.eval.metrics.ConfusionMatrix;
import dev.loca.export.EncoderModel;
import dev.loca.export.ExportBench;
import dev.loca.export.ExportOptions;
import dev.loca.export.ExportSpec;
import dev.loca.export.ModelKind;
import dev.loca.export.PortableExport;
import dev.loca.export.Precision;
import dev.loca.export.SegmenterFolder;
import dev.loca.graph.artifacts.CheckpointException;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelWriter;
import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.runtime.data.ops.ColorOps;
import dev.loca.train.pretrain.Pretrainer;
import dev.loca.train.pretrain.RunEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loca export}: a portable ONNX model of a run's encoder or a fine-tuned segmenter. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export a portable inference model: plain ai.onnx opset 17, IR 8, no com.microsoft ops, "
        + "dynamic batch, fixed input size, preprocessing, classes and config in metadata_props.",
        "Input 'images' float32 [N, 3, S, S] RGB in [0, 1], normalised with the metadata's mean/std unless "
        + "--normalize-inside. Encoder output 'tokens' [N, (S/patch)^2, width]; segmenter outputs 'logits' "
        + "[N, C, S, S] and 'classes' int64 [N, S, S]."})
final class ExportCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, description = "A pretraining run folder (RUN) or a fine-tuned segmenter folder (segmenter.json + segmenter.onnx).")
  Path from;

  @Option(names = "--what", required = true, description = "encoder or segmenter.")
  String what;

  @Option(names = "--out", required = true, description = "The .onnx file to write.")
  Path out;

  @Option(names = "--precision", defaultValue = "fp32", description = "fp32, fp16 or int8 (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--normalize-inside", description = "Normalise inside the graph: the input is then RGB in [0, 1].")
  boolean normalizeInside;

  @Option(names = "--weights", defaultValue = "teacher", description = "From a run: teacher (the EMA encoder, default) or student.")
  String weights;

  @Option(names = "--size", description = "Input side S for an encoder (a multiple of the patch; default: the run's reference size, or the segmenter's size).")
  Integer size;

  @Option(names = "--bench", description = "Instead of one export: every precision into the folder --out, with file size, "
      + "single-image latency in ONNX Runtime Java and the change against fp32 on held-out synthetic scenes.")
  boolean bench;

  @Option(names = "--threads", defaultValue = "1", description = "With --bench: ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--images", defaultValue = "8", description = "With --bench: held-out synthetic scenes for the accuracy change (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(names = "--repeats", defaultValue = "50", description = "With --bench: timed single-image runs (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Override
  public void run() {
    ModelKind kind;
    Precision p;
    try {
      kind = ModelKind.parse(what);
      p = Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if (!Files.isDirectory(from)) {
      throw new UserError("--from " + from + ": no such folder (expected a pretraining run or a fine-tuned segmenter)");
    }
    Source source;
    try {
      source = kind == ModelKind.SEGMENTER ? segmenter() : encoder();
    } catch (IllegalArgumentException | UncheckedIOException | CheckpointException e) {
      String m = firstLine(e.getMessage());
      throw new UserError("--from " + (m.startsWith(from.toString()) ? m : from + ": " + m), e);
    }
    if (bench) {
      if (threads < 1 || repeats < 1 || images < 1) {
        throw new UserError("--threads, --repeats and --images must be positive");
      }
      try {
        Files.createDirectories(out);
        ExportBench.run(source.model(), source.spec(), images, repeats, threads, out, ExportCommand::meanIou,
            spec.commandLine().getOut());
      } catch (IOException e) {
        throw new UserError("--out " + out + ": " + e.getMessage(), e);
      }
      return;
    }
    Model model = PortableExport.export(source.model(), source.spec(), new ExportOptions(p, normalizeInside));
    write(model);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "wrote %s (%s, %s, %.1f KiB)%n", out.toAbsolutePath(), kind.label(), p.label(),
        size(out) / 1024.0);
    for (Value v : model.graph().inputs()) {
      w.println("  input  " + v.name() + " " + v.type());
    }
    for (Value v : model.graph().outputs()) {
      w.println("  output " + v.name() + " " + v.type());
    }
    model.metadata().forEach((k, v) -> {
      if (!k.equals(PortableExport.META_CONFIG)) {
        w.println("  " + k + " = " + v);
      }
    });
    w.flush();
  }

  private record Source(Model model, ExportSpec spec) {}

  /** eval's mIoU of class maps against the held-out labels (the synthetic scenes' 9 classes, nothing ignored). */
  private static double meanIou(long[] classes, ExportBench.HeldOut held) {
    int[] predicted = new int[classes.length];
    int classCount = 1;
    for (int i = 0; i < classes.length; i++) {
      predicted[i] = (int) classes[i];
      classCount = Math.max(classCount, Math.max(predicted[i], held.labels()[i]) + 1);
    }
    ConfusionMatrix m = new ConfusionMatrix(classCount, -1);
    m.add(held.labels(), predicted);
    return m.scores().meanIou();
  }

  private boolean isRun() {
    return Files.isRegularFile(from.resolve(Pretrainer.CONFIG_FILE));
  }

  private Source segmenter() {
    if (isRun() && !Files.exists(from.resolve(SegmenterCard.FILE_NAME))) {
      throw new IllegalArgumentException("is a pretraining run, which has no segmenter; fine-tune one first, or"
          + " export its encoder with --what encoder");
    }
    if (size != null) {
      throw new IllegalArgumentException("--size applies to encoders; a segmenter keeps its fine-tuning size");
    }
    SegmenterFolder f = SegmenterFolder.read(from);
    return new Source(f.model(), ExportSpec.of(f.card(), ModelKind.SEGMENTER, f.card().imageSize(),
        from.toAbsolutePath().toString()));
  }

  private Source encoder() {
    if (isRun()) {
      RunEncoder.Weights which;
      try {
        which = RunEncoder.Weights.valueOf(weights.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown --weights '" + weights + "': expected teacher or student");
      }
      RunEncoder r = RunEncoder.read(from, which);
      int s = size == null ? r.referenceSize() : size;
      return new Source(EncoderModel.build(r.vit(), s, r.weights()), new ExportSpec(ModelKind.ENCODER, s,
          r.vit().patch(), ColorOps.imagenetMean(), ColorOps.imagenetStd(), List.of(), r.config(),
          r.checkpoint().toAbsolutePath() + " (" + which.name().toLowerCase(Locale.ROOT) + ")"));
    }
    SegmenterFolder f = SegmenterFolder.read(from);
    int s = size == null ? f.card().imageSize() : size;
    return new Source(EncoderModel.build(f.card().encoder(), s, f.encoderWeights()), ExportSpec.of(f.card(),
        ModelKind.ENCODER, s, from.toAbsolutePath() + " (fine-tuned encoder)"));
  }

  /** Writes beside the target and renames, so that a failed export never leaves half a file. */
  private void write(Model model) {
    Path target = out.toAbsolutePath();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Files.createDirectories(target.getParent());
      ModelWriter.write(model, tmp);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UserError("--out " + out + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }
}
