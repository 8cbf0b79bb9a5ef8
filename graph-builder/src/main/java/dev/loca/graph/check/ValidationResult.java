package dev.loca.graph.check;

import java.util.List;

/**
 * The problems found in one graph; empty when it is valid.
 *
 * @param graphName the graph checked
 * @param problems one line per problem
 */
public record ValidationResult(String graphName, List<String> problems) {
  public ValidationResult {
    problems = List.copyOf(problems);
  }

  public boolean isValid() {
    return problems.isEmpty();
  }

  /** Throws {@link GraphValidationException} listing every problem, if there are any. */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new GraphValidationException(this);
    }
  }
}
