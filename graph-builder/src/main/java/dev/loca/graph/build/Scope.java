package dev.loca.graph.build;

/**
 * A name scope opened with {@link GraphBuilder#scope(String)}; closing it returns to the enclosing
 * scope. Scopes must be closed in the reverse order of opening (use try-with-resources).
 */
public final class Scope implements AutoCloseable {
  private final GraphBuilder builder;
  private final int depth;
  private boolean closed;

  Scope(GraphBuilder builder, int depth) {
    this.builder = builder;
    this.depth = depth;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      builder.popScope(depth);
    }
  }
}
