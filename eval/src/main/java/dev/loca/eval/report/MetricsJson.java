package dev.loca.eval.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.loca.eval.metrics.SegmentationScores;
import dev.loca.eval.segment.Evaluation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.json}: numbers as JSON numbers, NaN (an absent class, an empty set) as {@code null}.
 */
public final class MetricsJson {
  public static final String FILE_NAME = "metrics.json";

  private MetricsJson() {}

  /** The metrics of a segmentation evaluation, with the model and data they came from. */
  public static JsonObject of(Evaluation e, Path model, String data) {
    SegmentationScores s = e.confusion().scores();
    JsonObject o = new JsonObject();
    o.addProperty("task", "segmentation");
    o.addProperty("model", model.toAbsolutePath().normalize().toString());
    o.addProperty("data", data);
    o.addProperty("mode", e.mode().label());
    o.addProperty("images", e.images());
    o.addProperty("skipped", e.skipped());
    o.addProperty("pixels", s.pixels());
    o.add("mIoU", number(s.meanIou()));
    o.addProperty("classesInMean", s.classesInMean());
    o.add("pixelAccuracy", number(s.pixelAccuracy()));
    o.add("meanAccuracy", number(s.meanAccuracy()));
    JsonObject perClass = new JsonObject();
    List<String> names = e.classNames();
    for (int c = 0; c < names.size(); c++) {
      JsonObject row = new JsonObject();
      row.add("iou", number(s.iou()[c]));
      row.add("accuracy", number(s.accuracy()[c]));
      row.addProperty("pixels", e.confusion().labelled(c));
      perClass.add(names.get(c), row);
    }
    o.add("perClass", perClass);
    o.add("seconds", number(e.seconds()));
    return o;
  }

  /** An object of the given entries in order (numbers, strings, booleans). */
  public static JsonObject of(Map<String, ?> entries) {
    JsonObject o = new JsonObject();
    for (Map.Entry<String, ?> e : entries.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Number n) {
        o.add(e.getKey(), number(n.doubleValue()).isJsonNull() ? JsonNull.INSTANCE : new JsonPrimitive(n));
      } else if (v instanceof Boolean b) {
        o.addProperty(e.getKey(), b);
      } else {
        o.add(e.getKey(), v == null ? JsonNull.INSTANCE : new JsonPrimitive(v.toString()));
      }
    }
    return o;
  }

  /** Writes {@code json} (pretty-printed) to {@code file} atomically. */
  public static void write(Path file, JsonObject json) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    String text = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(json);
    Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static JsonElement number(double v) {
    return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
  }
}
