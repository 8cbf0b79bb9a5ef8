package dev.loca.eval.segment;

import dev.loca.graphs.seg.SegmenterCard;
import dev.loca.runtime.ort.ElementType;
import dev.loca.runtime.ort.InferenceSession;
import dev.loca.runtime.ort.OrtEnvironment;
import dev.loca.runtime.ort.OrtErrorCode;
import dev.loca.runtime.ort.OrtFailure;
import dev.loca.runtime.ort.OrtTensor;
import dev.loca.runtime.ort.RunResult;
import dev.loca.runtime.ort.SessionConfig;
import dev.loca.runtime.ort.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fine-tuned segmenter folder opened for inference: its card and an ORT session on its model, checked against
 * each other when opened (one input {@value SegmenterCard#INPUT} float [N, 3, S, S], one output
 * {@value SegmenterCard#LOGITS} float [N, classes, S, S], N free or any fixed batch).
 */
public final class Segmenter implements AutoCloseable {
  private static final Set<OrtErrorCode> NOT_A_MODEL =
      Set.of(OrtErrorCode.INVALID_PROTOBUF, OrtErrorCode.NO_MODEL, OrtErrorCode.INVALID_GRAPH);

  private final Path folder;
  private final SegmenterCard card;
  private final InferenceSession session;
  private final long fixedBatch;

  private Segmenter(Path folder, SegmenterCard card, InferenceSession session, long fixedBatch) {
    this.folder = folder;
    this.card = card;
    this.session = session;
    this.fixedBatch = fixedBatch;
  }

  /**
   * Opens {@code folder}.
   *
   * @throws EvaluationException (one line) when the folder, card or model is missing or unreadable, the model
   *     is not ONNX, or its inputs and outputs disagree with the card
   */
  public static Segmenter open(Path folder, SessionConfig config) {
    if (!Files.isDirectory(folder)) {
      throw new EvaluationException(folder + " is not a folder (expected a fine-tuned segmenter folder with "
          + SegmenterCard.FILE_NAME + " and " + SegmenterCard.MODEL_FILE + ")");
    }
    SegmenterCard card;
    Path model;
    try {
      card = SegmenterCard.read(folder);
      model = SegmenterCard.modelFile(folder);
    } catch (IOException e) {
      throw new EvaluationException(e.getMessage(), e);
    }
    InferenceSession session;
    try {
      session = OrtEnvironment.shared().openSession(model, config);
    } catch (OrtFailure e) {
      String why = NOT_A_MODEL.contains(e.code()) ? "not an ONNX model that ONNX Runtime can load ("
          + firstLine(e.ortMessage()) + ")" : firstLine(e.getMessage());
      throw new EvaluationException(model + ": " + why, e);
    }
    try {
      long batch = check(model, card, session);
      return new Segmenter(folder, card, session, batch);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** Checks the model's signature against the card; returns its fixed batch size, or -1 when it is free. */
  private static long check(Path model, SegmenterCard card, InferenceSession session) {
    int s = card.imageSize();
    TensorInfo in = only(model, "input", session.inputInfo(), SegmenterCard.INPUT, new long[] {-1, 3, s, s});
    TensorInfo out = only(model, "output", session.outputInfo(), SegmenterCard.LOGITS,
        new long[] {-1, card.classes(), s, s});
    long inBatch = in.shape()[0];
    long outBatch = out.shape()[0];
    if (inBatch >= 0 && outBatch >= 0 && inBatch != outBatch) {
      throw new EvaluationException(model + ": input batch " + inBatch + " but output batch " + outBatch);
    }
    return inBatch;
  }

  private static TensorInfo only(Path model, String kind, Map<String, TensorInfo> declared, String name,
      long[] expected) {
    String want = "float" + Arrays.toString(expected).replace("-1", "N");
    if (declared.size() != 1 || !declared.containsKey(name)) {
      throw new EvaluationException(model + ": " + kind + "s " + declared.keySet() + " disagree with "
          + SegmenterCard.FILE_NAME + " (expected one " + kind + " '" + name + "' " + want + ")");
    }
    TensorInfo info = declared.get(name);
    long[] shape = info.shape();
    boolean ok = info.type() == ElementType.FLOAT && shape.length == expected.length;
    for (int i = 1; ok && i < shape.length; i++) {
      ok = shape[i] == expected[i];
    }
    if (!ok) {
      throw new EvaluationException(model + ": " + kind + " '" + name + "' is " + info + " but "
          + SegmenterCard.FILE_NAME + " asks for " + want);
    }
    return info;
  }

  private static String firstLine(String s) {
    String line = s.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  public Path folder() {
    return folder;
  }

  public Path modelFile() {
    return folder.resolve(SegmenterCard.MODEL_FILE);
  }

  public SegmenterCard card() {
    return card;
  }

  /** The batch size the model was exported with, or -1 when any batch size runs. */
  public long fixedBatch() {
    return fixedBatch;
  }

  /**
   * Runs {@code n} preprocessed windows ([n, 3, S, S], row-major) and returns their logits [n, classes, S, S].
   */
  public float[] logits(float[] windows, int n) {
    int s = card.imageSize();
    try (OrtTensor images = OrtTensor.fromFloats(windows, n, 3, s, s);
        RunResult r = session.run(Map.of(SegmenterCard.INPUT, images), List.of(SegmenterCard.LOGITS))) {
      OrtTensor logits = r.get(SegmenterCard.LOGITS);
      long[] shape = logits.shape();
      if (!Arrays.equals(shape, new long[] {n, card.classes(), s, s})) {
        throw new EvaluationException(modelFile() + ": logits of shape " + Arrays.toString(shape) + " for a batch of "
            + n + " (expected [" + n + ", " + card.classes() + ", " + s + ", " + s + "])");
      }
      return logits.toFloatArray();
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
