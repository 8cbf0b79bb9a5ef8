package dev.loca.runtime.data.synthetic;

/**
 * The textured background of a scene: two octaves of value noise (random values on a coarse and a fine
 * lattice, smoothly interpolated) blending two distinct background colours, with the contrast raised so
 * that blotches of both colours show.
 */
final class Background {
  private static final double FINE_WEIGHT = 0.35;
  private static final double CONTRAST = 1.6;

  private final int width;
  private final int height;
  private final int colourA;
  private final int colourB;
  private final ValueNoise coarse;
  private final ValueNoise fine;

  Background(int width, int height, SplitMix64 rng) {
    this.width = width;
    this.height = height;
    int[] colours = SceneClass.BACKGROUND.colours();
    int a = rng.nextInt(colours.length);
    int b = (a + 1 + rng.nextInt(colours.length - 1)) % colours.length;
    this.colourA = colours[a];
    this.colourB = colours[b];
    double shorter = Math.min(width, height);
    double cell = shorter / rng.uniform(2.5, 6);
    this.coarse = new ValueNoise(width, height, cell, rng.nextLong());
    this.fine = new ValueNoise(width, height, cell / 4, rng.nextLong());
  }

  int[] paint() {
    int[] pixels = new int[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double n = (1 - FINE_WEIGHT) * coarse.at(x, y) + FINE_WEIGHT * fine.at(x, y);
        double t = Math.max(0, Math.min(1, (n - 0.5) * CONTRAST + 0.5));
        pixels[y * width + x] = Palette.blend(colourA, colourB, t, 0);
      }
    }
    return pixels;
  }

  /** Random values in [0, 1) on a square lattice of the given cell size, smoothstep-interpolated. */
  private static final class ValueNoise {
    private final double cell;
    private final int columns;
    private final double[] lattice;

    ValueNoise(int width, int height, double cell, long seed) {
      this.cell = Math.max(1, cell);
      this.columns = (int) Math.ceil(width / this.cell) + 2;
      int rows = (int) Math.ceil(height / this.cell) + 2;
      this.lattice = new double[columns * rows];
      SplitMix64 rng = new SplitMix64(seed);
      for (int i = 0; i < lattice.length; i++) {
        lattice[i] = rng.nextDouble();
      }
    }

    double at(int x, int y) {
      double gx = (x + 0.5) / cell;
      double gy = (y + 0.5) / cell;
      int i = (int) gx;
      int j = (int) gy;
      double fx = smooth(gx - i);
      double fy = smooth(gy - j);
      double top = lerp(lattice[j * columns + i], lattice[j * columns + i + 1], fx);
      double bottom = lerp(lattice[(j + 1) * columns + i], lattice[(j + 1) * columns + i + 1], fx);
      return lerp(top, bottom, fy);
    }

    private static double smooth(double t) {
      return t * t * (3 - 2 * t);
    }

    private static double lerp(double a, double b, double t) {
      return a + t * (b - a);
    }
  }
}
