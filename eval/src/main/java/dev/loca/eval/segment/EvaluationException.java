package dev.loca.eval.segment;

/**
 * A problem with what the user gave an evaluation (model folder, model file, dataset, settings), in one line
 * naming the thing and what was expected.
 */
public final class EvaluationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EvaluationException(String message) {
    super(message);
  }

  public EvaluationException(String message, Throwable cause) {
    super(message, cause);
  }
}
