package dev.loca.runtime.data.synthetic;

/**
 * The classes of the synthetic scenes: the background and eight shapes, each with its own texture and its
 * own (overlapping) colour list. Shapes and textures are defined in an object's local frame, where the
 * object's radius is 1 and its rotation is undone, so they scale and turn with the object.
 */
public enum SceneClass {
  BACKGROUND("background", 0, Palette.BROWN, Palette.GREY, Palette.OLIVE, Palette.SKY, Palette.CREAM,
      Palette.GREEN, Palette.CHARCOAL) {
    @Override
    boolean contains(double u, double v) {
      return true;
    }

    @Override
    double texture(double u, double v, double frequency) {
      return 0;
    }
  },
  /** A disc with concentric soft rings. */
  DISC("disc", 3.0, Palette.RED, Palette.BLUE, Palette.YELLOW, Palette.GREY, Palette.TEAL) {
    @Override
    boolean contains(double u, double v) {
      return u * u + v * v <= 1;
    }

    @Override
    double texture(double u, double v, double frequency) {
      return triangleWave(Math.sqrt(u * u + v * v) * frequency);
    }
  },
  /** A square with a checkerboard. */
  SQUARE("square", 2.5, Palette.RED, Palette.GREEN, Palette.PURPLE, Palette.CREAM, Palette.ORANGE) {
    @Override
    boolean contains(double u, double v) {
      return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
    }

    @Override
    double texture(double u, double v, double frequency) {
      return ((long) Math.floor(u * frequency) + (long) Math.floor(v * frequency)) & 1;
    }
  },
  /** An equilateral triangle with hard diagonal stripes. */
  TRIANGLE("triangle", 3.5, Palette.BLUE, Palette.ORANGE, Palette.PINK, Palette.BROWN, Palette.YELLOW) {
    @Override
    boolean contains(double u, double v) {
      return v >= -0.5 && v <= 1 - Geometry.SQRT3 * Math.abs(u);
    }

    @Override
    double texture(double u, double v, double frequency) {
      return fraction((u + v) * frequency) < 0.5 ? 1 : 0;
    }
  },
  /** A ring with radial spokes. */
  RING("ring", 6.0, Palette.GREEN, Palette.YELLOW, Palette.PURPLE, Palette.CHARCOAL, Palette.SKY) {
    @Override
    boolean contains(double u, double v) {
      double r2 = u * u + v * v;
      return r2 <= 1 && r2 >= 0.25;
    }

    @Override
    double texture(double u, double v, double frequency) {
      return fraction(StrictMath.atan2(v, u) / (2 * Math.PI) * Math.round(frequency)) < 0.5 ? 1 : 0;
    }
  },
  /** A five-pointed star with polka dots. */
  STAR("star", 3.0, Palette.TEAL, Palette.PINK, Palette.RED, Palette.OLIVE, Palette.BLUE) {
    @Override
    boolean contains(double u, double v) {
      return Geometry.insideStar(u, v);
    }

    @Override
    double texture(double u, double v, double frequency) {
      double du = fraction(u * frequency) - 0.5;
      double dv = fraction(v * frequency) - 0.5;
      return du * du + dv * dv < 0.09 ? 1 : 0;
    }
  },
  /** A long bar with soft stripes across it. */
  BAR("bar", 4.0, Palette.ORANGE, Palette.SKY, Palette.BROWN, Palette.PURPLE, Palette.GREEN) {
    @Override
    boolean contains(double u, double v) {
      return Math.abs(u) <= 1 && Math.abs(v) <= 0.3;
    }

    @Override
    double texture(double u, double v, double frequency) {
      return triangleWave(u * frequency);
    }
  },
  /** A plus-shaped cross with a grid of lines. */
  CROSS("cross", 4.0, Palette.PINK, Palette.CREAM, Palette.TEAL, Palette.CHARCOAL, Palette.RED) {
    @Override
    boolean contains(double u, double v) {
      double au = Math.abs(u);
      double av = Math.abs(v);
      return au <= 0.95 && av <= 0.28 || au <= 0.28 && av <= 0.95;
    }

    @Override
    double texture(double u, double v, double frequency) {
      return Math.min(fraction(u * frequency), fraction(v * frequency)) < 0.25 ? 1 : 0;
    }
  },
  /** A crescent with a random block speckle. */
  CRESCENT("crescent", 5.0, Palette.OLIVE, Palette.GREY, Palette.BLUE, Palette.ORANGE, Palette.PINK) {
    @Override
    boolean contains(double u, double v) {
      double cu = u - 0.45;
      return u * u + v * v <= 1 && cu * cu + v * v > 0.64;
    }

    @Override
    double texture(double u, double v, double frequency) {
      long cell = SplitMix64.hash((long) Math.floor(u * frequency), (long) Math.floor(v * frequency), 0xc3e5L);
      return (cell & 1);
    }
  };

  private final String label;
  private final double baseFrequency;
  private final int[] colours;

  SceneClass(String label, double baseFrequency, int... colours) {
    this.label = label;
    this.baseFrequency = baseFrequency;
    this.colours = colours;
  }

  /** The class name written to {@code classes.txt}. */
  public String label() {
    return label;
  }

  /** Texture cycles per object radius, before the per-object variation. */
  double baseFrequency() {
    return baseFrequency;
  }

  /** This class's colours as packed RGB (a copy). */
  int[] colours() {
    return colours.clone();
  }

  /** Whether local point (u, v) lies in the shape. */
  abstract boolean contains(double u, double v);

  /** The texture at local point (u, v), in [0, 1]: 0 is the object's first colour, 1 its second. */
  abstract double texture(double u, double v, double frequency);

  private static double fraction(double x) {
    return x - Math.floor(x);
  }

  private static double triangleWave(double x) {
    return Math.abs(2 * fraction(x) - 1);
  }
}
