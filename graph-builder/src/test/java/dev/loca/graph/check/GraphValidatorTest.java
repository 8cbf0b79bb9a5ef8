package dev.loca.graph.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.ir.Attribute;
import dev.loca.graph.ir.DataType;
import dev.loca.graph.ir.Graph;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.Shape;
import dev.loca.graph.ir.TensorData;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ir.ValueType;
import dev.loca.graph.ops.OpCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of broken graph, made by hand (the builder would refuse them), is named by the validator. */
class GraphValidatorTest {
  private long ids;
  private final Value x = value("x", Shape.of(2, 3));
  private final Value y = value("y", Shape.of(2, 3));

  private Value value(String name, Shape s) {
    return new Value(ids++, name, ValueType.tensor(DataType.FLOAT, s));
  }

  private static Node node(String name, String op, List<Value> in, List<Value> out, Map<String, Attribute> attrs) {
    return new Node(name, "", op, in, out, attrs);
  }

  private static List<String> problems(Graph g) {
    return GraphValidator.validate(g, OpCatalog.standard()).problems();
  }

  private static void assertProblem(Graph g, String fragment) {
    List<String> p = problems(g);
    assertTrue(p.stream().anyMatch(s -> s.contains(fragment)), "expected '" + fragment + "' in " + p);
  }

  @Test
  void validGraphPasses() {
    Value z = value("z", Shape.of(2, 3));
    Graph g = new Graph("g", List.of(x, y), Map.of(), List.of(node("add", "Add", List.of(x, y), List.of(z), Map.of())),
        List.of(z), "");
    assertEquals(List.of(), problems(g));
  }

  @Test
  void twoProducersOfOneValue() {
    Graph g = new Graph("g", List.of(x, y), Map.of(), List.of(
        node("a", "Add", List.of(x, y), List.of(x), Map.of())), List.of(x), "");
    assertProblem(g, "value 'x' has more than one producer");
  }

  @Test
  void twoValuesWithOneName() {
    Value z = value("y", Shape.of(2, 3));
    Graph g = new Graph("g", List.of(x, y), Map.of(), List.of(node("a", "Add", List.of(x, y), List.of(z), Map.of())),
        List.of(z), "");
    assertProblem(g, "value name 'y' is used by two different values");
  }

  @Test
  void nodesOutOfTopologicalOrder() {
    Value a = value("a", Shape.of(2, 3));
    Value b = value("b", Shape.of(2, 3));
    Graph g = new Graph("g", List.of(x), Map.of(), List.of(
        node("second", "Relu", List.of(a), List.of(b), Map.of()),
        node("first", "Relu", List.of(x), List.of(a), Map.of())), List.of(b), "");
    assertProblem(g, "node 'second' (Relu): input 0 'a' is not defined before the node");
  }

  @Test
  void undefinedInputAndOutput() {
    Value ghost = value("ghost", Shape.of(2, 3));
    Value z = value("z", Shape.of(2, 3));
    Graph g = new Graph("g", List.of(x), Map.of(), List.of(node("a", "Add", List.of(x, ghost), List.of(z), Map.of())),
        List.of(z, ghost), "");
    assertProblem(g, "input 1 'ghost' is not defined");
    assertProblem(g, "graph output 'ghost' is not produced");
  }

  @Test
  void wrongArityUnknownOpAndBadAttributes() {
    Value a = value("a", Shape.of(2, 3));
    Value b = value("b", Shape.of(2, 3));
    Value c = value("c", Shape.of(2, 3));
    Map<String, Attribute> attrs = new LinkedHashMap<>();
    attrs.put("axis", Attribute.of(1f));
    attrs.put("bogus", Attribute.of(1));
    Graph g = new Graph("g", List.of(x, y), Map.of(), List.of(
        node("add", "Add", List.of(x), List.of(a), Map.of()),
        node("what", "FrobNicate", List.of(x), List.of(b), Map.of()),
        node("sm", "Softmax", List.of(y), List.of(c), attrs)), List.of(a, b, c), "");
    assertProblem(g, "node 'add' (Add): takes 2 inputs, got 1");
    assertProblem(g, "node 'what' (FrobNicate): op is not in the catalog");
    assertProblem(g, "attribute 'axis' must be INT, got FLOAT");
    assertProblem(g, "unknown attribute 'bogus'");
  }

  @Test
  void missingRequiredAttribute() {
    Value z = value("z", Shape.of(4, 3));
    Graph g = new Graph("g", List.of(x, y), Map.of(), List.of(node("cat", "Concat", List.of(x, y), List.of(z), Map.of())),
        List.of(z), "");
    assertProblem(g, "attribute 'axis' (INT) is required");
  }

  @Test
  void declaredShapeDisagreesWithInference() {
    Value z = value("z", Shape.of(3, 2));
    Graph g = new Graph("g", List.of(x, y), Map.of(), List.of(node("add", "Add", List.of(x, y), List.of(z), Map.of())),
        List.of(z), "");
    assertProblem(g, "output 'z' is declared float32[3,2] but the inputs give float32[2,3]");
  }

  @Test
  void inferenceFailureIsReportedWithTheNode() {
    Value w = value("w", Shape.of(4, 5));
    Value z = value("z", Shape.of(2, 5));
    Graph g = new Graph("g", List.of(x, w), Map.of(), List.of(node("mm", "MatMul", List.of(x, w), List.of(z), Map.of())),
        List.of(z), "");
    assertProblem(g, "node 'mm' (MatMul): inner dimensions differ");
  }

  @Test
  void initializerContentsMustMatchItsType() {
    Value c = value("c", Shape.of(3));
    Value z = value("z", Shape.of(2, 3));
    Map<Value, TensorData> inits = new LinkedHashMap<>();
    inits.put(c, TensorData.vector(1f, 2f));
    Graph g = new Graph("g", List.of(x), inits, List.of(node("add", "Add", List.of(x, c), List.of(z), Map.of())),
        List.of(z), "");
    assertProblem(g, "initializer 'c' is declared float32[3] but holds float32[2]");
  }

  @Test
  void duplicateNodeNamesAndThrowIfInvalidListsEverything() {
    Value a = value("a", Shape.of(2, 3));
    Value b = value("b", Shape.of(2, 3));
    Graph g = new Graph("g", List.of(x), Map.of(), new ArrayList<>(List.of(
        node("n", "Relu", List.of(x), List.of(a), Map.of()),
        node("n", "Relu", List.of(a), List.of(b), Map.of()))), List.of(b), "");
    GraphValidationException e = assertThrows(GraphValidationException.class,
        () -> GraphValidator.validate(g, OpCatalog.standard()).throwIfInvalid());
    assertTrue(e.getMessage().contains("node name 'n' is used twice"), e.getMessage());
    assertTrue(e.getMessage().startsWith("graph 'g' is invalid"), e.getMessage());
  }
}
