package dev.loca.runtime.data.synthetic;

/**
 * The textured background of a scene: two octaves of value noise (random values on a coarse and a fine
 * lattice, smoothly interpolated) blending two distinct background colours, with the contrast raised so
 * that blotches of both colours show.
 */
final class Background {
  private static final double FINE_WEIGHT = 0.35;
  private static final double CONTRAST = 1.6;
  private static final int LEVELS = 256;

  private final int width;
  private final int height;
  private final int[] shades = new int[LEVELS];
  private final ValueNoise coarse;
  private final ValueNoise fine;

  Background(int width, int height, SplitMix64 rng) {
    this.width = width;
    this.height = height;
    int[] colours = SceneClass.BACKGROUND.colours();
    int a = rng.nextInt(colours.length);
    int b = (a + 1 + rng.nextInt(colours.length - 1)) % colours.length;
    for (int level = 0; level < LEVELS; level++) {
      shades[level] = Palette.blend(colours[a], colours[b], level / (LEVELS - 1.0), 0);
    }
    double shorter = Math.min(width, height);
    double cell = shorter / rng.uniform(2.5, 6);
    this.coarse = new ValueNoise(width, height, cell, rng.nextLong());
    this.fine = new ValueNoise(width, height, cell / 4, rng.nextLong());
  }

  int[] paint() {
    int[] pixels = new int[width * height];
    double[] coarseRow = new double[width];
    double[] fineRow = new double[width];
    for (int y = 0; y < height; y++) {
      coarse.row(y, coarseRow);
      fine.row(y, fineRow);
      for (int x = 0; x < width; x++) {
        double n = (1 - FINE_WEIGHT) * coarseRow[x] + FINE_WEIGHT * fineRow[x];
        double t = Math.max(0, Math.min(1, (n - 0.5) * CONTRAST + 0.5));
        pixels[y * width + x] = shades[(int) (t * (LEVELS - 1) + 0.5)];
      }
    }
    return pixels;
  }

  /** Random values in [0, 1) on a square lattice of the given cell size, smoothstep-interpolated. */
  private static final class ValueNoise {
    private final int columns;
    private final double cell;
    private final double[] lattice;
    private final int[] cellOfX;
    private final double[] weightOfX;

    ValueNoise(int width, int height, double cell, long seed) {
      this.cell = Math.max(1, cell);
      this.columns = (int) Math.ceil(width / this.cell) + 2;
      int rows = (int) Math.ceil(height / this.cell) + 2;
      this.lattice = new double[columns * rows];
      SplitMix64 rng = new SplitMix64(seed);
      for (int i = 0; i < lattice.length; i++) {
        lattice[i] = rng.nextDouble();
      }
      this.cellOfX = new int[width];
      this.weightOfX = new double[width];
      for (int x = 0; x < width; x++) {
        double gx = (x + 0.5) / this.cell;
        cellOfX[x] = (int) gx;
        weightOfX[x] = smooth(gx - cellOfX[x]);
      }
    }

    /** The noise along row {@code y}, into {@code out}. */
    void row(int y, double[] out) {
      double gy = (y + 0.5) / cell;
      int j = (int) gy;
      double fy = smooth(gy - j);
      int top = j * columns;
      int bottom = top + columns;
      for (int x = 0; x < out.length; x++) {
        int i = cellOfX[x];
        double fx = weightOfX[x];
        double upper = lerp(lattice[top + i], lattice[top + i + 1], fx);
        double lower = lerp(lattice[bottom + i], lattice[bottom + i + 1], fx);
        out[x] = lerp(upper, lower, fy);
      }
    }

    private static double smooth(double t) {
      return t * t * (3 - 2 * t);
    }

    private static double lerp(double a, double b, double t) {
      return a + t * (b - a);
    }
  }
}
