package dev.loca.graph.check;

/** A graph that breaks the IR's rules; the message lists every problem found. */
public final class GraphValidationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final transient ValidationResult result;

  GraphValidationException(ValidationResult result) {
    super("graph '" + result.graphName() + "' is invalid:\n  - " + String.join("\n  - ", result.problems()));
    this.result = result;
  }

  public ValidationResult result() {
    return result;
  }
}
