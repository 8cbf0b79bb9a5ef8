package dev.loca.export;

import dev.loca.graph.check.GraphValidator;
import dev.loca.graph.ir.Dim;
import dev.loca.graph.ir.Model;
import dev.loca.graph.ir.Node;
import dev.loca.graph.ir.OpsetId;
import dev.loca.graph.ir.Value;
import dev.loca.graph.ops.OpCatalog;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes an exported model portable, checked explicitly after the builder's own validation: IR version 8,
 * exactly one opset import (ai.onnx 17), no node outside ai.onnx, every node an op the catalog knows at a
 * version not above 17, and a symbolic batch dimension on the input.
 */
public final class PortabilityCheck {
  private PortabilityCheck() {}

  /** The problems found, empty when the model is portable. */
  public static List<String> problems(Model model) {
    List<String> p = new ArrayList<>();
    if (model.irVersion() != Model.DEFAULT_IR_VERSION) {
      p.add("IR version " + model.irVersion() + ", expected " + Model.DEFAULT_IR_VERSION);
    }
    if (!model.opsets().equals(List.of(OpsetId.onnx(PortableExport.OPSET)))) {
      p.add("opset imports " + model.opsets() + ", expected only ai.onnx " + PortableExport.OPSET);
    }
    OpCatalog catalog = OpCatalog.standard();
    for (Node n : model.graph().nodes()) {
      if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
        p.add("node " + n.name() + " is " + n.qualifiedOp() + ", outside ai.onnx");
      } else if (catalog.get(OpsetId.ONNX, n.opType()).sinceVersion() > PortableExport.OPSET) {
        p.add("node " + n.name() + " uses " + n.opType() + " newer than opset " + PortableExport.OPSET);
      }
    }
    p.addAll(GraphValidator.validate(model.graph(), catalog).problems());
    for (Value in : model.graph().inputs()) {
      if (!in.shape().rankKnown() || in.shape().rank() == 0 || !(in.shape().dim(0) instanceof Dim.Symbolic)) {
        p.add("input " + in.name() + " " + in.type() + " has no symbolic batch dimension");
      }
    }
    return p;
  }

  /** Fails naming every problem. */
  public static void check(Model model) {
    List<String> p = problems(model);
    if (!p.isEmpty()) {
      throw new IllegalStateException("the exported model is not portable: " + String.join("; ", p));
    }
  }
}
