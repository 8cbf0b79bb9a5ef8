package dev.loca.graph.ops;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.loca.graph.ir.Attribute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an operator accepts and produces: its domain, name and since-version, formal inputs and outputs,
 * typed attributes with defaults, and the type inference run when a node is added.
 *
 * @param domain operator domain ({@code ""} for ai.onnx)
 * @param name operator name
 * @param sinceVersion the opset version this schema describes
 * @param inputs formal inputs, in order
 * @param outputs formal outputs, in order
 * @param attributes attribute specs by name
 * @param inference output-type inference
 */
public record OpSchema(String domain, String name, int sinceVersion, List<Param> inputs, List<Param> outputs,
    Map<String, AttrSpec> attributes, TypeInference inference) {

  /** Whether a formal parameter must be given, may be left out, or repeats. */
  public enum Presence {
    REQUIRED, OPTIONAL, VARIADIC
  }

  /** A formal input or output. */
  public record Param(String name, Presence presence) {}

  /**
   * An attribute the op accepts.
   *
   * @param name attribute name
   * @param kind attribute kind
   * @param required whether the node must set it
   * @param defaultValue value used when absent and not required; may be null
   */
  public record AttrSpec(String name, Attribute.Kind kind, boolean required, Attribute defaultValue) {
    public AttrSpec {
      Preconditions.checkArgument(defaultValue == null || defaultValue.kind() == kind,
          "default of attribute %s must be %s", name, kind);
    }
  }

  public OpSchema {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(name, "name");
    inputs = ImmutableList.copyOf(inputs);
    outputs = ImmutableList.copyOf(outputs);
    attributes = ImmutableMap.copyOf(attributes);
    Objects.requireNonNull(inference, "inference");
  }

  /** Fewest inputs a node may have. */
  public int minInputs() {
    int last = -1;
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).presence() == Presence.REQUIRED) {
        last = i;
      } else if (inputs.get(i).presence() == Presence.VARIADIC) {
        return i + 1;
      }
    }
    return last + 1;
  }

  /** Most inputs a node may have ({@link Integer#MAX_VALUE} for variadic ops). */
  public int maxInputs() {
    return isVariadic(inputs) ? Integer.MAX_VALUE : inputs.size();
  }

  public int minOutputs() {
    int last = 0;
    for (int i = 0; i < outputs.size(); i++) {
      if (outputs.get(i).presence() != Presence.OPTIONAL) {
        last = i + 1;
      }
    }
    return last;
  }

  public int maxOutputs() {
    return isVariadic(outputs) ? Integer.MAX_VALUE : outputs.size();
  }

  private static boolean isVariadic(List<Param> ps) {
    return !ps.isEmpty() && ps.get(ps.size() - 1).presence() == Presence.VARIADIC;
  }

  /** The name of formal input {@code i} (the variadic name for trailing inputs). */
  public String inputName(int i) {
    return inputs.get(Math.min(i, inputs.size() - 1)).name();
  }

  public String outputName(int i) {
    return outputs.get(Math.min(i, outputs.size() - 1)).name();
  }

  /**
   * What is wrong with a node of this op, given which inputs are present, how many outputs it declares
   * and its attributes; empty when it fits the schema.
   */
  public List<String> check(List<Boolean> inputPresent, int outputCount, Map<String, Attribute> attrs) {
    List<String> problems = new java.util.ArrayList<>();
    int n = inputPresent.size();
    if (n < minInputs() || n > maxInputs()) {
      problems.add("takes " + range(minInputs(), maxInputs()) + " inputs, got " + n);
    }
    for (int i = 0; i < n; i++) {
      if (!inputPresent.get(i) && inputs.get(Math.min(i, inputs.size() - 1)).presence() != Presence.OPTIONAL) {
        problems.add("input " + i + " (" + inputName(i) + ") is required");
      }
    }
    if (outputCount < Math.max(1, minOutputs()) || outputCount > maxOutputs()) {
      problems.add("has " + range(Math.max(1, minOutputs()), maxOutputs()) + " outputs, got " + outputCount);
    }
    for (Map.Entry<String, Attribute> e : attrs.entrySet()) {
      AttrSpec spec = attributes.get(e.getKey());
      if (spec == null) {
        problems.add("unknown attribute '" + e.getKey() + "'; expected one of " + attributes.keySet());
      } else if (spec.kind() != e.getValue().kind()) {
        problems.add("attribute '" + e.getKey() + "' must be " + spec.kind() + ", got " + e.getValue().kind());
      }
    }
    for (AttrSpec spec : attributes.values()) {
      if (spec.required() && !attrs.containsKey(spec.name())) {
        problems.add("attribute '" + spec.name() + "' (" + spec.kind() + ") is required");
      }
    }
    return problems;
  }

  private static String range(int lo, int hi) {
    return hi == Integer.MAX_VALUE ? lo + " or more" : lo == hi ? Integer.toString(lo) : lo + " to " + hi;
  }

  /** {@code domain::name} or just the name for ai.onnx. */
  public String qualifiedName() {
    return domain.isEmpty() ? name : domain + "::" + name;
  }

  /** Starts a schema description; {@code io} uses a compact signature, see {@link Builder#io}. */
  public static Builder builder(String domain, String name, int sinceVersion) {
    return new Builder(domain, name, sinceVersion);
  }

  /** Fluent construction of a schema. */
  public static final class Builder {
    private final String domain;
    private final String name;
    private final int since;
    private List<Param> inputs = List.of();
    private List<Param> outputs = List.of();
    private final Map<String, AttrSpec> attrs = new LinkedHashMap<>();

    private Builder(String domain, String name, int since) {
      this.domain = domain;
      this.name = name;
      this.since = since;
    }

    /**
     * Formal inputs and outputs as names; a trailing {@code ?} marks an optional one and a trailing
     * {@code ...} a variadic one, e.g. {@code io("X, axes?", "Y")}.
     */
    public Builder io(String in, String out) {
      this.inputs = parse(in);
      this.outputs = parse(out);
      return this;
    }

    private static List<Param> parse(String sig) {
      if (sig.isBlank()) {
        return List.of();
      }
      ImmutableList.Builder<Param> b = ImmutableList.builder();
      for (String p : sig.split(",")) {
        String s = p.trim();
        if (s.endsWith("?")) {
          b.add(new Param(s.substring(0, s.length() - 1), Presence.OPTIONAL));
        } else if (s.endsWith("...")) {
          b.add(new Param(s.substring(0, s.length() - 3), Presence.VARIADIC));
        } else {
          b.add(new Param(s, Presence.REQUIRED));
        }
      }
      return b.build();
    }

    public Builder required(String attr, Attribute.Kind kind) {
      attrs.put(attr, new AttrSpec(attr, kind, true, null));
      return this;
    }

    public Builder optional(String attr, Attribute.Kind kind) {
      attrs.put(attr, new AttrSpec(attr, kind, false, null));
      return this;
    }

    public Builder attr(String attr, Attribute defaultValue) {
      attrs.put(attr, new AttrSpec(attr, defaultValue.kind(), false, defaultValue));
      return this;
    }

    public Builder attr(String attr, long defaultValue) {
      return attr(attr, Attribute.of(defaultValue));
    }

    public Builder attr(String attr, float defaultValue) {
      return attr(attr, Attribute.of(defaultValue));
    }

    public Builder attr(String attr, String defaultValue) {
      return attr(attr, Attribute.of(defaultValue));
    }

    public OpSchema infer(TypeInference inference) {
      return new OpSchema(domain, name, since, inputs, outputs, attrs, inference);
    }
  }
}
