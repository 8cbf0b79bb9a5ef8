package dev.loca.runtime.data.synthetic;

import com.google.common.base.Preconditions;
import dev.loca.runtime.data.RgbImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Paints synthetic scenes: a value-noise background in two background colours, then 3 to 7 objects of random
 * class, size (7–28 % of the shorter side), position, rotation and texture frequency, painted in order so that
 * later objects occlude earlier ones, then a fine grain over everything. Edges are hard (no antialiasing), so
 * the class mask is exactly what was painted. Scene {@code index} depends only on (seed, index, size).
 */
public final class SceneGenerator {
  static final int MIN_OBJECTS = 3;
  static final int MAX_OBJECTS = 7;
  private static final double MIN_RADIUS = 0.07;
  private static final double MAX_RADIUS = 0.28;
  private static final int MAX_BRIGHTNESS_SHIFT = 20;
  private static final int GRAIN = 8;
  private static final SceneClass[] OBJECT_CLASSES =
      Arrays.copyOfRange(SceneClass.values(), 1, SceneClass.values().length);

  private final int width;
  private final int height;
  private final long seed;

  public SceneGenerator(int width, int height, long seed) {
    Preconditions.checkArgument(width >= 8 && height >= 8, "scene size must be at least 8x8, got %sx%s", width,
        height);
    this.width = width;
    this.height = height;
    this.seed = seed;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public long seed() {
    return seed;
  }

  /** Scene {@code index}. */
  public Scene generate(int index) {
    return render(index, false);
  }

  /**
   * The same scene with each object painted in one flat colour that encodes its index ({@link #flatColour})
   * on black, without grain: a check that the mask matches what is painted.
   */
  Scene generateFlat(int index) {
    return render(index, true);
  }

  /** The flat colour of object {@code i}: red channel 8·(i + 1), green and blue 0. */
  static int flatColour(int objectIndex) {
    return (8 * (objectIndex + 1)) << 16;
  }

  private Scene render(int index, boolean flat) {
    long sceneSeed = SplitMix64.hash(seed, index, 0x5ce7e5L);
    SplitMix64 rng = new SplitMix64(sceneSeed);
    Background background = new Background(width, height, rng);
    int[] pixels = flat ? new int[width * height] : background.paint();
    List<SceneObject> objects = placeObjects(rng);
    int[] classes = new int[width * height];
    int[] owners = new int[width * height];
    Arrays.fill(owners, -1);
    for (int i = 0; i < objects.size(); i++) {
      paint(objects.get(i), i, flat, pixels, classes, owners);
    }
    return new Scene(new RgbImage(width, height, toBytes(pixels, !flat, sceneSeed)), classes, owners,
        List.copyOf(objects));
  }

  private List<SceneObject> placeObjects(SplitMix64 rng) {
    int count = MIN_OBJECTS + rng.nextInt(MAX_OBJECTS - MIN_OBJECTS + 1);
    double shorter = Math.min(width, height);
    List<SceneObject> objects = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SceneClass kind = OBJECT_CLASSES[rng.nextInt(OBJECT_CLASSES.length)];
      double radius = shorter * rng.uniform(MIN_RADIUS, MAX_RADIUS);
      double cx = rng.uniform(0, width);
      double cy = rng.uniform(0, height);
      double angle = rng.uniform(0, 2 * Math.PI);
      double frequency = kind.baseFrequency() * rng.uniform(0.8, 1.25);
      int[] colours = kind.colours();
      int a = rng.nextInt(colours.length);
      int b = (a + 1 + rng.nextInt(colours.length - 1)) % colours.length;
      int brightness = rng.nextInt(2 * MAX_BRIGHTNESS_SHIFT + 1) - MAX_BRIGHTNESS_SHIFT;
      objects.add(new SceneObject(kind, cx, cy, radius, StrictMath.cos(angle), StrictMath.sin(angle), frequency,
          colours[a], colours[b], brightness));
    }
    return objects;
  }

  private void paint(SceneObject o, int index, boolean flat, int[] pixels, int[] classes, int[] owners) {
    int x0 = Math.max(0, o.minX());
    int x1 = Math.min(width - 1, o.maxX());
    int y0 = Math.max(0, o.minY());
    int y1 = Math.min(height - 1, o.maxY());
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        if (o.covers(x, y)) {
          int p = y * width + x;
          pixels[p] = flat ? flatColour(index) : o.colourAt(x, y);
          classes[p] = o.kind().ordinal();
          owners[p] = index;
        }
      }
    }
  }

  /**
   * The pixels as RGB bytes; with grain, the same value in [−GRAIN, GRAIN) is added to the three channels of
   * each pixel (4 random bits per pixel).
   */
  private static byte[] toBytes(int[] pixels, boolean grain, long sceneSeed) {
    SplitMix64 rng = new SplitMix64(sceneSeed ^ 0x9a1L);
    byte[] rgb = new byte[3 * pixels.length];
    long bits = 0;
    for (int p = 0; p < pixels.length; p++) {
      if (p % 16 == 0) {
        bits = grain ? rng.nextLong() : 0;
      }
      int g = grain ? (int) (bits & (2 * GRAIN - 1)) - GRAIN : 0;
      bits >>>= 4;
      int colour = pixels[p];
      rgb[3 * p] = (byte) Palette.clamp(Palette.red(colour) + g);
      rgb[3 * p + 1] = (byte) Palette.clamp(Palette.green(colour) + g);
      rgb[3 * p + 2] = (byte) Palette.clamp(Palette.blue(colour) + g);
    }
    return rgb;
  }
}
