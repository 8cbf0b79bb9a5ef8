package dev.loca.train.pretrain;

import dev.loca.runtime.ort.SessionConfig;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a pretraining run is made of; written to {@code RUN/config.json} and read back on resume.
 * Every field can be set from the command line with {@code --set name=value}.
 *
 * @param preset LOCA preset (graphs)
 * @param data dataset spec: a path or {@code synthetic[:...]}
 * @param steps optimizer steps in total
 * @param batch images per step
 * @param baseLr learning rate at batch 1024 (scaled by batch/1024, spec §5.1)
 * @param warmupFraction fraction of the steps spent warming up (15 of 100 epochs in the spec)
 * @param finalLrFraction cosine decay ends at this fraction of the peak lr
 * @param momentumBase EMA momentum at step 0 (cosine to 1)
 * @param accumulate batches whose gradients are summed into one optimizer step
 * @param threads ONNX Runtime intra-op threads (0: ORT's default)
 * @param workers data-loader worker threads
 * @param seed seed of parameters, data order, views and masks
 * @param checkpointEvery steps between checkpoints
 * @param keep checkpoints kept
 * @param device cpu or cuda
 */
public record PretrainConfig(String preset, String data, long steps, int batch, double baseLr, double warmupFraction,
    double finalLrFraction, double momentumBase, int accumulate, int threads, int workers, long seed,
    int checkpointEvery, int keep, String device) {

  public PretrainConfig {
    require(steps > 0, "steps must be positive, got " + steps);
    require(batch > 0, "batch must be positive, got " + batch);
    require(baseLr > 0, "baseLr must be positive, got " + baseLr);
    require(warmupFraction >= 0 && warmupFraction < 1, "warmupFraction must be in [0, 1), got " + warmupFraction);
    require(finalLrFraction >= 0 && finalLrFraction <= 1, "finalLrFraction must be in [0, 1], got " + finalLrFraction);
    require(momentumBase >= 0 && momentumBase <= 1, "momentumBase must be in [0, 1], got " + momentumBase);
    require(accumulate >= 1, "accumulate must be >= 1, got " + accumulate);
    require(threads >= 0, "threads must be >= 0, got " + threads);
    require(workers >= 1, "workers must be >= 1, got " + workers);
    require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
    require(keep >= 1, "keep must be >= 1, got " + keep);
    require(device.equals("cpu") || device.equals("cuda"), "device must be cpu or cuda, got '" + device + "'");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The defaults for a preset (spec §5.1 where it applies). */
  public static PretrainConfig defaults(String preset) {
    return new PretrainConfig(preset, "synthetic", 1000, 16, 1e-3, 0.15, 0.01, 0.996, 1, 0, 2, 42, 200, 3, "cpu");
  }

  /** The ORT session settings of this config: its intra-op threads, on CUDA device 0 for {@code cuda}. */
  public SessionConfig sessionConfig() {
    SessionConfig session = SessionConfig.defaults().withIntraOpThreads(threads);
    return device.equals("cuda") ? session.withDevice(SessionConfig.Device.cuda(0)) : session;
  }

  /** Warm-up steps. */
  public long warmupSteps() {
    return Math.round(warmupFraction * steps);
  }

  /** This config with field {@code name} set from its text {@code value}. */
  public PretrainConfig with(String name, String value) {
    Map<String, Object> fields = fields();
    if (!fields.containsKey(name)) {
      throw new IllegalArgumentException("unknown config field '" + name + "'; fields are " + fields.keySet());
    }
    Object old = fields.get(name);
    try {
      Object parsed = value;
      if (old instanceof Long) {
        parsed = Long.parseLong(value);
      } else if (old instanceof Integer) {
        parsed = Integer.parseInt(value);
      } else if (old instanceof Double) {
        parsed = Double.parseDouble(value);
      }
      fields.put(name, parsed);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config field '" + name + "' expects a number, got '" + value + "'");
    }
    return fromFields(fields);
  }

  /** Field name → value, in declaration order. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RecordComponent c : PretrainConfig.class.getRecordComponents()) {
      try {
        m.put(c.getName(), c.getAccessor().invoke(this));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }

  private static PretrainConfig fromFields(Map<String, Object> m) {
    RecordComponent[] cs = PretrainConfig.class.getRecordComponents();
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    for (int i = 0; i < cs.length; i++) {
      args[i] = m.get(cs[i].getName());
      types[i] = cs[i].getType();
    }
    try {
      return PretrainConfig.class.getDeclaredConstructor(types).newInstance(args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Flat JSON, locale-independent. */
  public String toJson() {
    List<String> lines = new ArrayList<>();
    fields().forEach((k, v) -> lines.add("  \"" + k + "\": " + (v instanceof String s ? "\"" + s.replace("\\", "\\\\")
        .replace("\"", "\\\"") + "\"" : v instanceof Double d ? Double.toString(d) : v.toString())));
    return "{\n" + String.join(",\n", lines) + "\n}\n";
  }

  /** Reads what {@link #toJson()} wrote. */
  public static PretrainConfig fromJson(String json) {
    PretrainConfig c = defaults("cpu");
    String body = json.strip();
    if (!body.startsWith("{") || !body.endsWith("}")) {
      throw new IllegalArgumentException("config.json is not a JSON object");
    }
    for (String line : body.substring(1, body.length() - 1).split(",\n")) {
      String l = line.strip();
      if (l.isEmpty()) {
        continue;
      }
      int colon = l.indexOf(':');
      if (colon < 0 || !l.startsWith("\"")) {
        throw new IllegalArgumentException("config.json: cannot read '" + l + "'");
      }
      String key = l.substring(1, l.indexOf('"', 1));
      String value = l.substring(colon + 1).strip();
      if (value.startsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      c = c.with(key, value);
    }
    return c;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    fields().forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-16s %s%n", k, v)));
    return b.toString();
  }
}
