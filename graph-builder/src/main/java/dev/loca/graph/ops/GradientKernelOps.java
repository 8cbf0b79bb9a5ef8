package dev.loca.graph.ops;

/** The {@code com.microsoft} gradient kernels of the CPU build that autodiff may emit. */
final class GradientKernelOps {
  private GradientKernelOps() {}

  static void register(OpCatalog.Registry r) {
    // filled in below
  }
}
