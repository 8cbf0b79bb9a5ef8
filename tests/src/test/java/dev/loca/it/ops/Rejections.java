package dev.loca.it.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loca.graph.build.GraphBuilder;
import java.util.function.Consumer;

/** Helpers for tests that the builder refuses a wrong node when it is added, with a telling message. */
public final class Rejections {
  private Rejections() {}

  /** Runs {@code body} on a fresh builder, asserts it throws {@code type}, and returns the message. */
  public static String rejects(Class<? extends Throwable> type, Consumer<GraphBuilder> body) {
    GraphBuilder b = new GraphBuilder("bad", 1);
    return assertThrows(type, () -> body.accept(b)).getMessage();
  }

  /** Asserts that {@code message} mentions every fact. */
  public static void assertMentions(String message, String... facts) {
    for (String f : facts) {
      assertTrue(message.contains(f), "message should mention '" + f + "': " + message);
    }
  }
}
