package dev.loca.runtime.loop;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One-line JSON objects whose values are all numbers; {@code null} stands for NaN and ±infinity. */
final class FlatJson {
  private final String text;
  private int at;

  private FlatJson(String text) {
    this.text = text;
  }

  /** {@code {"a":1,"b":2.5}} in the order of the map; floats and doubles round-trip exactly. */
  static String write(Map<String, ? extends Number> values) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
      if (out.length() > 1) {
        out.append(',');
      }
      quote(e.getKey(), out);
      out.append(':').append(number(e.getValue()));
    }
    return out.append('}').toString();
  }

  static String number(Number n) {
    if (n instanceof Float f) {
      return Float.isFinite(f) ? Float.toString(f) : "null";
    }
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
        || n instanceof BigInteger || n instanceof BigDecimal) {
      return n.toString();
    }
    double d = n.doubleValue();
    return Double.isFinite(d) ? Double.toString(d) : "null";
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** Parses what {@link #write} writes; null values come back as NaN. */
  static Map<String, Double> read(String line) {
    FlatJson p = new FlatJson(line.strip());
    Map<String, Double> values = new LinkedHashMap<>();
    p.expect('{');
    if (!p.tryConsume('}')) {
      do {
        String key = p.string();
        p.expect(':');
        values.put(key, p.value());
      } while (p.tryConsume(','));
      p.expect('}');
    }
    if (p.at != p.text.length()) {
      throw p.error("end of line");
    }
    return values;
  }

  private double value() {
    skipSpaces();
    if (text.startsWith("null", at)) {
      at += 4;
      return Double.NaN;
    }
    int start = at;
    while (at < text.length() && "+-.0123456789eE".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
    try {
      return Double.parseDouble(text.substring(start, at));
    } catch (NumberFormatException e) {
      at = start;
      throw error("a number or null");
    }
  }

  private String string() {
    expect('"');
    StringBuilder s = new StringBuilder();
    while (at < text.length() && text.charAt(at) != '"') {
      char c = text.charAt(at++);
      if (c == '\\' && at < text.length()) {
        char e = text.charAt(at++);
        if (e == 'u' && at + 4 <= text.length()) {
          s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        } else {
          s.append(switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'b' -> '\b';
            case 'f' -> '\f';
            default -> e;
          });
        }
      } else {
        s.append(c);
      }
    }
    expect('"');
    return s.toString();
  }

  private void expect(char c) {
    if (!tryConsume(c)) {
      throw error("'" + c + "'");
    }
  }

  private boolean tryConsume(char c) {
    skipSpaces();
    if (at < text.length() && text.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  private void skipSpaces() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("expected " + expected + " at column " + (at + 1));
  }
}
