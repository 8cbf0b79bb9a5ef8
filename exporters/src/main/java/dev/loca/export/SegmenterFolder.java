package dev.loca.export;

import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.serde.ModelReader;
import dev.loca.graph.serde.SerdeException;
import dev.loca.graphs.seg.SegmenterCard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuned segmenter folder: {@link SegmenterCard#FILE_NAME} and the inference model
 * {@link SegmenterCard#MODEL_FILE}, checked against the card's contract.
 *
 * @param card the card
 * @param model the inference model
 */
public record SegmenterFolder(SegmenterCard card, Model model) {

  /** Reads and checks {@code folder}; every problem is an IllegalArgumentException naming the file. */
  public static SegmenterFolder read(Path folder) {
    SegmenterCard card;
    Path file;
    try {
      card = SegmenterCard.read(folder);
      file = SegmenterCard.modelFile(folder);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Model model;
    try {
      model = ModelReader.read(file);
    } catch (SerdeException | IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(file + " is not an ONNX model (" + e.getMessage() + ")", e);
    }
    checkContract(file, card, model);
    return new SegmenterFolder(card, model);
  }

  /** The fine-tuned encoder's weights: the model's {@code encoder.*} initializers by name. */
  public Map<String, TensorData> encoderWeights() {
    Map<String, TensorData> w = new LinkedHashMap<>();
    model.graph().initializers().forEach((v, t) -> {
      if (v.name().startsWith("encoder.")) {
        w.put(v.name(), t);
      }
    });
    return w;
  }

  private static void checkContract(Path file, SegmenterCard card, Model model) {
    List<Value> in = model.graph().inputs();
    List<Value> out = model.graph().outputs();
    if (model.graph().nodes().isEmpty() || in.size() != 1 || out.size() != 1
        || !in.get(0).name().equals(SegmenterCard.INPUT) || !out.get(0).name().equals(SegmenterCard.LOGITS)) {
      throw new IllegalArgumentException(file + " is not a segmenter inference model: expected one input '"
          + SegmenterCard.INPUT + "' and one output '" + SegmenterCard.LOGITS + "', got inputs "
          + in.stream().map(Value::name).toList() + " and outputs " + out.stream().map(Value::name).toList());
    }
    String expected = "[N, 3, " + card.imageSize() + ", " + card.imageSize() + "]";
    var s = in.get(0).shape();
    if (!s.rankKnown() || s.rank() != 4 || !s.dim(2).isFixed() || s.dim(2).size() != card.imageSize()
        || !s.dim(3).isFixed() || s.dim(3).size() != card.imageSize()) {
      throw new IllegalArgumentException(file + ": input '" + SegmenterCard.INPUT + "' is " + in.get(0).type()
          + ", the card says " + expected);
    }
  }
}
