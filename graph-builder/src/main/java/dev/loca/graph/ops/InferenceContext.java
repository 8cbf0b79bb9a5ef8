package dev.loca.graph.ops;

import dev.loca.graph.ir.Attribute;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What type inference may look at for one node: input types, inputs whose values are known constants,
 * attributes (with the schema's defaults) and how many outputs the node declares.
 */
public final class InferenceContext {
  private final String nodeName;
  private final OpSchema schema;
  private final List<ValueType> inputTypes;
  private final List<TensorData> constants;
  private final Map<String, Attribute> attributes;
  private final int outputCount;

  /**
   * @param nodeName node name, for messages
   * @param schema the op's schema
   * @param inputTypes input types; null where an optional input is left out
   * @param constants known constant input values; null where unknown
   * @param attributes the node's attributes
   * @param outputCount number of outputs the node declares
   */
  public InferenceContext(String nodeName, OpSchema schema, List<ValueType> inputTypes,
      List<TensorData> constants, Map<String, Attribute> attributes, int outputCount) {
    this.nodeName = nodeName;
    this.schema = schema;
    this.inputTypes = Collections.unmodifiableList(new ArrayList<>(inputTypes));
    this.constants = Collections.unmodifiableList(new ArrayList<>(constants));
    this.attributes = attributes;
    this.outputCount = outputCount;
  }

  public String nodeName() {
    return nodeName;
  }

  public OpSchema schema() {
    return schema;
  }

  public int inputCount() {
    return inputTypes.size();
  }

  public int outputCount() {
    return outputCount;
  }

  public boolean hasInput(int i) {
    return i < inputTypes.size() && inputTypes.get(i) != null;
  }

  /** The tensor type of input {@code i}; fails if it is absent or a sequence. */
  public ValueType.Tensor input(int i) {
    ValueType t = inputType(i);
    if (t instanceof ValueType.Tensor tt) {
      return tt;
    }
    throw fail("input %d (%s) must be a tensor, got %s", i, schema.inputName(i), t);
  }

  public ValueType inputType(int i) {
    if (!hasInput(i)) {
      throw fail("input %d (%s) is required", i, schema.inputName(i));
    }
    return inputTypes.get(i);
  }

  public Shape shape(int i) {
    return input(i).shape();
  }

  public DataType dtype(int i) {
    return input(i).dtype();
  }

  /** The known constant value of input {@code i}, if any. */
  public Optional<TensorData> constant(int i) {
    return i < constants.size() ? Optional.ofNullable(constants.get(i)) : Optional.empty();
  }

  /** The attribute, or the schema default; empty when neither exists. */
  public Optional<Attribute> attribute(String name) {
    Attribute a = attributes.get(name);
    if (a == null) {
      OpSchema.AttrSpec spec = schema.attributes().get(name);
      a = spec == null ? null : spec.defaultValue();
    }
    return Optional.ofNullable(a);
  }

  public long intAttr(String name) {
    return ((Attribute.Int) attribute(name).orElseThrow(() -> fail("attribute '%s' is required", name)))
        .value();
  }

  public long intAttr(String name, long orElse) {
    return attribute(name).map(a -> ((Attribute.Int) a).value()).orElse(orElse);
  }

  public float floatAttr(String name) {
    return ((Attribute.Float) attribute(name).orElseThrow(() -> fail("attribute '%s' is required", name)))
        .value();
  }

  public String stringAttr(String name) {
    return ((Attribute.Str) attribute(name).orElseThrow(() -> fail("attribute '%s' is required", name)))
        .value();
  }

  public Optional<long[]> intsAttr(String name) {
    return attribute(name).map(a -> ((Attribute.Ints) a).toArray());
  }

  public Optional<TensorData> tensorAttr(String name) {
    return attribute(name).map(a -> ((Attribute.TensorValue) a).value());
  }

  /** Checks that input {@code i} has one of the given element types. */
  public void requireType(int i, DataType... allowed) {
    DataType t = dtype(i);
    for (DataType a : allowed) {
      if (a == t) {
        return;
      }
    }
    throw fail("input %d (%s) must be one of %s, got %s", i, schema.inputName(i),
        java.util.Arrays.toString(allowed), t);
  }

  /** Checks that inputs {@code i} and {@code j} share their element type. */
  public void requireSameType(int i, int j) {
    if (dtype(i) != dtype(j)) {
      throw fail("inputs %d (%s) and %d (%s) must have the same element type, got %s and %s", i,
          schema.inputName(i), j, schema.inputName(j), dtype(i), dtype(j));
    }
  }

  /** Checks the rank of input {@code i} when it is known. */
  public void requireRank(int i, int rank) {
    Shape s = shape(i);
    if (s.rankKnown() && s.rank() != rank) {
      throw fail("input %d (%s) must have rank %d, got %s", i, schema.inputName(i), rank, s);
    }
  }

  /** An exception naming the node, op and input types; the caller throws it. */
  public ShapeInferenceException fail(String format, Object... args) {
    StringBuilder ins = new StringBuilder();
    for (int i = 0; i < inputTypes.size(); i++) {
      ins.append(i > 0 ? ", " : "").append(schema.inputName(i)).append(": ")
          .append(inputTypes.get(i) == null ? "<none>" : inputTypes.get(i));
    }
    return new ShapeInferenceException(String.format("node '%s' (%s): %s; inputs [%s]", nodeName,
        schema.qualifiedName(), String.format(format, args), ins));
  }

  /** One output type repeated for every declared output is rare; this is the common single-output case. */
  public static List<ValueType> one(ValueType t) {
    return List.of(t);
  }
}
