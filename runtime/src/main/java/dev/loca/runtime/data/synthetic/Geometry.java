package dev.loca.runtime.data.synthetic;

/** Shape helpers that need precomputed vertices; built with {@link StrictMath} so they are the same on every JVM. */
final class Geometry {
  static final double SQRT3 = StrictMath.sqrt(3);
  private static final int STAR_POINTS = 5;
  private static final double STAR_INNER_RADIUS = 0.42;
  private static final double[] STAR_U = new double[2 * STAR_POINTS];
  private static final double[] STAR_V = new double[2 * STAR_POINTS];

  static {
    for (int k = 0; k < 2 * STAR_POINTS; k++) {
      double radius = k % 2 == 0 ? 1 : STAR_INNER_RADIUS;
      double angle = Math.PI / 2 + k * Math.PI / STAR_POINTS;
      STAR_U[k] = radius * StrictMath.cos(angle);
      STAR_V[k] = radius * StrictMath.sin(angle);
    }
  }

  private Geometry() {}

  /** Even-odd point-in-polygon test against the five-pointed star of outer radius 1. */
  static boolean insideStar(double u, double v) {
    boolean inside = false;
    int n = STAR_U.length;
    for (int i = 0, j = n - 1; i < n; j = i++) {
      if ((STAR_V[i] > v) != (STAR_V[j] > v)
          && u < (STAR_U[j] - STAR_U[i]) * (v - STAR_V[i]) / (STAR_V[j] - STAR_V[i]) + STAR_U[i]) {
        inside = !inside;
      }
    }
    return inside;
  }
}
