package dev.loca.export;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loca.graph.build.GraphBuilder;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns an inference model of ours (one float input {@value #INPUT} [N, 3, S, S]) into the portable model that
 * leaves the project: optional normalisation in front, the class map behind a segmenter, the precision
 * rewrite, IR {@value Model#DEFAULT_IR_VERSION} with ai.onnx opset {@value #OPSET} only, and
 * {@code metadata_props}; then {@link PortabilityCheck} must pass.
 */
public final class PortableExport {
  public static final int OPSET = 17;
  public static final String INPUT = "images";
  public static final String TOKENS = "tokens";
  public static final String LOGITS = "logits";
  public static final String CLASSES = "classes";
  /** Metadata keys. */
  public static final String META_KIND = "loca.kind";
  public static final String META_PREPROCESSING = "loca.preprocessing";
  public static final String META_CLASSES = "loca.class_names";
  public static final String META_CONFIG = "loca.config";
  public static final String META_PRECISION = "loca.precision";
  public static final String META_SOURCE = "loca.source";
  public static final String META_PRODUCER = "loca.producer_version";

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private PortableExport() {}

  /** The portable model of {@code source}, which must have one float input and one output ([tokens] or [logits]). */
  public static Model export(Model source, ExportSpec spec, ExportOptions options) {
    Graph g = source.graph();
    if (g.inputs().size() != 1 || g.outputs().size() != 1) {
      throw new IllegalArgumentException("expected a model with one input and one output, got inputs "
          + names(g.inputs()) + " and outputs " + names(g.outputs()));
    }
    Value in = g.inputs().get(0);
    GraphCopy copy = new GraphCopy(spec.kind().label());
    GraphBuilder b = copy.builder();
    Value images = b.input(INPUT, in.type());
    copy.bind(in, options.normalizeInside() ? normalize(b, images, spec) : images);
    Value out = g.outputs().get(0);
    String outName = spec.kind() == ModelKind.ENCODER ? TOKENS : LOGITS;
    Value result;
    switch (options.precision()) {
      case FP16:
        result = HalfPrecision.emit(copy, g, out);
        break;
      case INT8:
        result = DynamicQuantization.emit(copy, g, out);
        break;
      default:
        copy.copyNodes(g);
        result = copy.get(out);
        break;
    }
    Value named = b.output(outName, result);
    if (spec.kind() == ModelKind.SEGMENTER) {
      b.output(b.node("ArgMax").inputs(named).attr("axis", 1L).attr("keepdims", 0L).outputNames(CLASSES).build());
    }
    Graph graph = b.build();
    Model plain = Model.of(graph, List.of(OpsetId.onnx(OPSET)));
    Model model = plain.withMetadata(metadata(spec, options, plain.producerVersion()));
    PortabilityCheck.check(model);
    return model;
  }

  /** (images − mean) / std with per-channel [1, 3, 1, 1] constants. */
  private static Value normalize(GraphBuilder b, Value images, ExportSpec spec) {
    long[] dims = {1, 3, 1, 1};
    Value mean = b.initializer("preprocess.mean", TensorData.ofFloats(dims, spec.mean()));
    Value std = b.initializer("preprocess.std", TensorData.ofFloats(dims, spec.std()));
    return b.node("Div").inputs(b.op("Sub", images, mean), std).outputNames("images_normalized").build();
  }

  static Map<String, String> metadata(ExportSpec spec, ExportOptions options, String producerVersion) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(META_KIND, spec.kind().label());
    JsonObject pre = new JsonObject();
    pre.addProperty("input", INPUT);
    pre.addProperty("layout", "NCHW");
    pre.addProperty("channels", "RGB");
    pre.addProperty("input_size", spec.imageSize());
    pre.addProperty("patch_size", spec.patch());
    pre.add("mean", GSON.toJsonTree(spec.mean()));
    pre.add("std", GSON.toJsonTree(spec.std()));
    pre.addProperty("normalize_inside", options.normalizeInside());
    pre.addProperty("expects", options.normalizeInside()
        ? "float32 RGB in [0, 1], resized to input_size x input_size; the graph normalises"
        : "float32 RGB in [0, 1], resized to input_size x input_size, then (x - mean) / std per channel");
    m.put(META_PREPROCESSING, GSON.toJson(pre));
    if (!spec.classNames().isEmpty()) {
      m.put(META_CLASSES, GSON.toJson(spec.classNames()));
    }
    m.put(META_CONFIG, spec.config().isEmpty() ? "{}" : compact(spec.config()));
    m.put(META_PRECISION, options.precision().label());
    m.put(META_SOURCE, spec.source());
    m.put(META_PRODUCER, Model.PRODUCER + " " + producerVersion);
    return m;
  }

  private static String compact(String json) {
    try {
      return GSON.toJson(JsonParser.parseString(json));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the config to embed is not JSON: " + e.getMessage(), e);
    }
  }

  private static String names(List<Value> vs) {
    return vs.stream().map(Value::name).collect(Collectors.joining(", ", "[", "]"));
  }
}
