package dev.loca.runtime.data.synthetic;

/**
 * One shape placed in a scene. Pixel (x, y) is tested at its centre (x + 0.5, y + 0.5), taken into the
 * object's local frame (translate to the centre, undo the rotation, divide by the radius).
 *
 * @param kind the class, never {@link SceneClass#BACKGROUND}
 * @param centreX centre in pixels
 * @param centreY centre in pixels
 * @param radius size in pixels: the shape fits in a circle of 1.2 radius
 * @param cos cosine of the rotation
 * @param sin sine of the rotation
 * @param frequency texture cycles per radius
 * @param colourA first colour, packed RGB
 * @param colourB second colour, packed RGB
 * @param brightness shift added to every channel, for variety within a palette colour
 */
public record SceneObject(SceneClass kind, double centreX, double centreY, double radius, double cos, double sin,
    double frequency, int colourA, int colourB, int brightness) {
  /** How far, in radii, any shape reaches from its centre (the square's corner is at 0.8·√2). */
  static final double REACH = 1.2;

  /** Whether the shape covers pixel (x, y). */
  public boolean covers(int x, int y) {
    double dx = x + 0.5 - centreX;
    double dy = y + 0.5 - centreY;
    return kind.contains(localU(dx, dy), localV(dx, dy));
  }

  /** The colour painted at pixel (x, y), packed RGB, before the image's grain; meaningful where it covers. */
  public int colourAt(int x, int y) {
    double dx = x + 0.5 - centreX;
    double dy = y + 0.5 - centreY;
    double t = kind.texture(localU(dx, dy), localV(dx, dy), frequency);
    return Palette.blend(colourA, colourB, t, brightness);
  }

  int minX() {
    return (int) Math.floor(centreX - REACH * radius);
  }

  int maxX() {
    return (int) Math.ceil(centreX + REACH * radius);
  }

  int minY() {
    return (int) Math.floor(centreY - REACH * radius);
  }

  int maxY() {
    return (int) Math.ceil(centreY + REACH * radius);
  }

  private double localU(double dx, double dy) {
    return (dx * cos + dy * sin) / radius;
  }

  private double localV(double dx, double dy) {
    return (dy * cos - dx * sin) / radius;
  }
}
