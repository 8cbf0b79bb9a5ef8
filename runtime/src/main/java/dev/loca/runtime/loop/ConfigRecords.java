package dev.loca.runtime.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's configuration as a record of strings, numbers and booleans: its fields by name, one field set from
 * its text ({@code --set name=value}), a flat locale-independent JSON written into the run folder and read back
 * on resume, and a table for the console. The record's constructor validates; its
 * {@link IllegalArgumentException} reaches the caller unchanged.
 */
public final class ConfigRecords {
  /** The file a run folder keeps its configuration in. */
  public static final String FILE_NAME = "config.json";
  private ConfigRecords() {}

  /** Field name → value, in declaration order. */
  public static Map<String, Object> fields(Record config) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RecordComponent c : config.getClass().getRecordComponents()) {
      try {
        m.put(c.getName(), c.getAccessor().invoke(config));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }

  /** {@code config} with field {@code name} set from its text {@code value}. */
  public static <R extends Record> R with(R config, String name, String value) {
    Map<String, Object> fields = fields(config);
    if (!fields.containsKey(name)) {
      throw new IllegalArgumentException("unknown config field '" + name + "'; fields are " + fields.keySet());
    }
    fields.put(name, parse(name, fields.get(name), value));
    return create(config, fields);
  }

  private static Object parse(String name, Object old, String value) {
    try {
      if (old instanceof Long) {
        return Long.parseLong(value);
      } else if (old instanceof Integer) {
        return Integer.parseInt(value);
      } else if (old instanceof Double) {
        return Double.parseDouble(value);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config field '" + name + "' expects a number, got '" + value + "'");
    }
    if (old instanceof Boolean) {
      if (!value.equals("true") && !value.equals("false")) {
        throw new IllegalArgumentException("config field '" + name + "' expects true or false, got '" + value + "'");
      }
      return Boolean.parseBoolean(value);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static <R extends Record> R create(R like, Map<String, Object> m) {
    RecordComponent[] cs = like.getClass().getRecordComponents();
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    for (int i = 0; i < cs.length; i++) {
      args[i] = m.get(cs[i].getName());
      types[i] = cs[i].getType();
    }
    try {
      return (R) like.getClass().getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Flat JSON, one field a line, locale-independent. */
  public static String toJson(Record config) {
    List<String> lines = new ArrayList<>();
    fields(config).forEach((k, v) -> lines.add("  \"" + k + "\": " + (v instanceof String s ? "\"" + s.replace("\\",
        "\\\\").replace("\"", "\\\"") + "\"" : v instanceof Double d ? Double.toString(d) : v.toString())));
    return "{\n" + String.join(",\n", lines) + "\n}\n";
  }

  /** Reads what {@link #toJson} wrote, starting from {@code defaults} (fields it lacks keep their default). */
  public static <R extends Record> R fromJson(R defaults, String json) {
    R c = defaults;
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
      c = with(c, key, value);
    }
    return c;
  }

  /**
   * The configuration a run folder was started with, read from its {@value #FILE_NAME} over {@code defaults}.
   *
   * @param what what the folder was expected to be, for the message when it has no {@value #FILE_NAME}
   */
  public static <R extends Record> R read(Path folder, R defaults, String what) {
    Path file = folder.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--resume " + folder + ": no " + FILE_NAME + " (not a " + what + ")");
    }
    try {
      return fromJson(defaults, Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** One {@code name value} line per field, for the console. */
  public static String table(Record config) {
    StringBuilder b = new StringBuilder();
    fields(config).forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-16s %s%n", k, v)));
    return b.toString();
  }
}
