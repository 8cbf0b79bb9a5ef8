package dev.loca.graph.ops;

/** The {@code com.microsoft} ops that training artifacts need: accumulation, optimizers, clipping. */
final class TrainingOps {
  private TrainingOps() {}

  static void register(OpCatalog.Registry r) {
    // filled in below
  }
}
