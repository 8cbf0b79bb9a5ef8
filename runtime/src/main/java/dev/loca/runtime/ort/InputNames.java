package dev.loca.runtime.ort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The input checks that every session does before calling ORT: known names, none missing, all open. */
final class InputNames {
  private InputNames() {}

  /**
   * @param expected the model's user inputs, in order
   * @param model the model's name, for messages ("model x.onnx")
   */
  static void check(Map<String, OrtTensor> inputs, List<String> expected, String model) {
    for (String name : inputs.keySet()) {
      if (!expected.contains(name)) {
        throw new IllegalArgumentException(
            "unknown input '" + name + "' for " + model + "; expected one of " + expected);
      }
    }
    for (String name : expected) {
      if (!inputs.containsKey(name)) {
        throw new IllegalArgumentException(
            "missing input '" + name + "' for " + model + "; expected " + expected + ", got "
                + new ArrayList<>(inputs.keySet()));
      }
    }
    for (String name : expected) {
      OrtTensor tensor = inputs.get(name);
      if (tensor == null) {
        throw new IllegalArgumentException("input '" + name + "' is null");
      }
      if (tensor.isClosed()) {
        throw new IllegalStateException("input '" + name + "': OrtTensor is closed");
      }
    }
  }
}
