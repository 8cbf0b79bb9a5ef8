package dev.loca.graphs.seg;

import com.google.common.base.Preconditions;
import dev.loca.graph.artifacts.ArtifactBuilder;
import dev.loca.graph.artifacts.OptimizerSettings;
import dev.loca.graph.artifacts.TrainingArtifacts;
import dev.loca.graph.autodiff.Flavour;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graphs.heads.SegmenterHead;
import dev.loca.graphs.vit.DropPath;
import dev.loca.graphs.vit.VitConfig;
import dev.loca.graphs.vit.VitEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The segmenter of spec §6.2: the ViT encoder (its position table at the fine-tuning grid, {@code imageSize /
 * patch}) and the Segmenter linear decoder ({@link SegmenterHead} in scope {@value #DECODER}), as a training
 * graph packaged as ORT training artifacts and as the plain opset-17 inference model of {@link SegmenterCard}.
 * Parameter names are the pretraining encoder's ({@code encoder.…}) and {@code decoder.head.weight|bias}.
 */
public final class SegmenterGraphs {
  public static final String DECODER = "decoder";
  /** Training graph inputs and outputs: the contract with the fine-tuning loop. */
  public static final String IMAGES = SegmenterCard.INPUT;
  public static final String LABELS = "labels";
  public static final String DROP_PATH = "drop_path";
  public static final String LOSS = "loss";
  public static final String PIXEL_ACCURACY = "pixel_accuracy";

  private SegmenterGraphs() {}

  /**
   * The training forward graph with its loss.
   *
   * @param parameters all parameters, encoder first, in declaration order
   * @param encoder the encoder's parameters (frozen in a linear probe)
   */
  public record Training(Graph graph, Value loss, List<Value> parameters, List<Value> encoder) {
    public List<Value> decoder() {
      return parameters.stream().filter(p -> !encoder.contains(p)).toList();
    }
  }

  /**
   * The training graph: {@value #IMAGES} float [batch, 3, S, S], {@value #LABELS} int64 [batch, S, S] (the
   * card's ignore label marks unlabelled pixels), {@value #DROP_PATH} float [batch, 2·depth] (the
   * stochastic-depth multipliers of {@link DropPath}); outputs {@value #LOSS} (mean per-pixel cross-entropy
   * over labelled pixels) and {@value #PIXEL_ACCURACY} (over the same pixels). Parameters are drawn from
   * {@code seed}; {@link #withWeights} replaces them.
   */
  public static Training training(SegmenterCard card, long seed) {
    checkGrid(card);
    GraphBuilder b = new GraphBuilder("segmenter_train", seed).ortKernels(); // ORT only; see LocaGraphs.builder
    int s = card.imageSize();
    Value images = b.input(IMAGES, DataType.FLOAT, Shape.symbolic("batch", 3L, (long) s, (long) s));
    Value labels = b.input(LABELS, DataType.INT64, Shape.symbolic("batch", (long) s, (long) s));
    Value dropPath = b.input(DROP_PATH, DataType.FLOAT, Shape.symbolic("batch", (long) DropPath.columns(
        card.encoder())));
    Value tokens = new VitEncoder(card.encoder()).apply(b, images, null, dropPath);
    int encoderCount = b.parameters().size();
    Value logits = decoder(b, card, tokens);
    Value loss = b.output(LOSS, SegmenterHead.loss(b, logits, labels, card.ignoreLabel()));
    b.output(PIXEL_ACCURACY, pixelAccuracy(b, logits, labels, card.ignoreLabel()));
    List<Value> params = b.parameters();
    return new Training(b.build(), loss, params, params.subList(0, encoderCount));
  }

  /**
   * The training artifacts: every parameter trainable, or with {@code frozenEncoder} only the decoder (the
   * encoder's weights are then fed from the checkpoint and never change: a linear probe).
   */
  public static TrainingArtifacts artifacts(Training t, boolean frozenEncoder, Flavour flavour,
      OptimizerSettings optimizer) {
    List<Value> trainable = frozenEncoder ? t.decoder() : t.parameters();
    List<Value> frozen = frozenEncoder ? t.encoder() : List.of();
    return ArtifactBuilder.build(t.graph(), t.loss(), trainable, frozen, flavour, optimizer);
  }

  /**
   * {@value SegmenterCard#MODEL_FILE}: {@value SegmenterCard#INPUT} float [N, 3, S, S] → {@value
   * SegmenterCard#LOGITS} float [N, classes, S, S], plain ai.onnx opset {@value GraphBuilder#DEFAULT_ONNX_OPSET},
   * no stochastic depth, {@code weights} (every parameter by name, nothing else) as initializers.
   */
  public static Model inference(SegmenterCard card, Map<String, TensorData> weights) {
    checkGrid(card);
    GraphBuilder b = new GraphBuilder("segmenter", 0).structureOnly();
    int s = card.imageSize();
    Value images = b.input(IMAGES, DataType.FLOAT, Shape.symbolic("N", 3L, (long) s, (long) s));
    Value tokens = new VitEncoder(card.encoder()).apply(b, images, null, null);
    b.output(SegmenterCard.LOGITS, decoder(b, card, tokens));
    Graph g = withWeights(b.build(), b.parameters(), weights, true);
    return Model.of(g, GraphBuilder.DEFAULT_ONNX_OPSET).withMetadata(Map.of("loca.segmenter", card.toJson()));
  }

  /** The parameter names and shapes of a card's segmenter, in declaration order (no values are drawn). */
  public static Map<String, Shape> parameterShapes(SegmenterCard card) {
    GraphBuilder b = new GraphBuilder("segmenter", 0).structureOnly();
    int s = card.imageSize();
    Value images = b.input(IMAGES, DataType.FLOAT, Shape.of(1, 3, s, s));
    decoder(b, card, new VitEncoder(card.encoder()).apply(b, images, null, null));
    Map<String, Shape> shapes = new LinkedHashMap<>();
    b.parameters().forEach(p -> shapes.put(p.name(), p.shape()));
    return shapes;
  }

  /**
   * {@code g} with the parameters named in {@code weights} set to those values: an initializer is replaced in
   * place (keeping the initializer order, which is ORT's parameter order); a parameter declared as an input
   * (structure only) becomes an initializer. With {@code complete}, every parameter must be given.
   *
   * @throws IllegalArgumentException naming a weight of the wrong shape or type, a name that is not a
   *     parameter, or (complete) a missing parameter
   */
  public static Graph withWeights(Graph g, List<Value> params, Map<String, TensorData> weights, boolean complete) {
    Map<String, Value> byName = new LinkedHashMap<>();
    params.forEach(p -> byName.put(p.name(), p));
    TreeSet<String> unknown = new TreeSet<>(weights.keySet());
    unknown.removeAll(byName.keySet());
    Preconditions.checkArgument(unknown.isEmpty(), "weights %s are not parameters of the segmenter", unknown);
    if (complete) {
      TreeSet<String> missing = new TreeSet<>(byName.keySet());
      missing.removeAll(weights.keySet());
      Preconditions.checkArgument(missing.isEmpty(), "no weights given for parameters %s", missing);
    }
    weights.forEach((name, data) -> {
      Value p = byName.get(name);
      Preconditions.checkArgument(data.dtype() == p.dtype() && data.shape().equals(p.shape()),
          "weight %s is %s%s, the segmenter expects %s%s", name, data.dtype(), data.shape(), p.dtype(), p.shape());
    });
    Map<Value, TensorData> inits = new LinkedHashMap<>();
    g.initializers().forEach((v, d) -> inits.put(v, weights.getOrDefault(v.name(), d)));
    List<Value> inputs = new ArrayList<>();
    for (Value in : g.inputs()) {
      if (byName.containsKey(in.name()) && weights.containsKey(in.name())) {
        inits.put(in, weights.get(in.name()));
      } else {
        inputs.add(in);
      }
    }
    return new Graph(g.name(), inputs, inits, g.nodes(), g.outputs(), g.docString());
  }

  private static Value decoder(GraphBuilder b, SegmenterCard card, Value tokens) {
    return SegmenterHead.apply(b, DECODER, tokens, card.grid(), card.encoder().width(), card.classes(),
        card.imageSize());
  }

  /** Share of labelled pixels whose arg-max class is the label. */
  private static Value pixelAccuracy(GraphBuilder b, Value logits, Value labels, int ignoreLabel) {
    Value predicted = b.node("ArgMax").inputs(logits).attr("axis", 1L).attr("keepdims", 0L).build();
    Value labelled = b.op("Not", b.op("Equal", labels, b.constant(TensorData.scalar((long) ignoreLabel))));
    Value hit = b.op("And", labelled, b.op("Equal", predicted, labels));
    Value hits = b.node("ReduceSum").inputs(castFloat(b, hit)).attr("keepdims", 0L).build();
    return b.op("Div", hits, b.op("Max", b.node("ReduceSum").inputs(castFloat(b, labelled)).attr("keepdims", 0L)
        .build(), b.scalar(1f)));
  }

  private static Value castFloat(GraphBuilder b, Value v) {
    return b.node("Cast").inputs(v).attr("to", (long) DataType.FLOAT.onnxCode()).build();
  }

  private static void checkGrid(SegmenterCard card) {
    Preconditions.checkArgument(card.encoder().posGrid() == card.grid(),
        "the encoder's position grid %s must be the fine-tuning grid %s (image size %s / patch %s); resize the "
            + "table first", card.encoder().posGrid(), card.grid(), card.imageSize(), card.encoder().patch());
  }
}
