package dev.loca.graph.ir;

/** The version string written as {@code producer_version}: the jar's implementation version. */
final class ProducerVersion {
  private ProducerVersion() {}

  static String get() {
    String v = Model.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
