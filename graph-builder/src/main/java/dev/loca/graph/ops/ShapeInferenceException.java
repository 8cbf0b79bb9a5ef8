package dev.loca.graph.ops;

/** A node whose inputs or attributes do not fit its op; the message names the node, op and inputs. */
public final class ShapeInferenceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ShapeInferenceException(String message) {
    super(message);
  }
}
