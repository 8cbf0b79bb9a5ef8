package dev.loca.runtime.data.synthetic;

/**
 * The colours of the synthetic scenes, as packed {@code 0xRRGGBB}. Each class draws its two colours per object
 * from its own short list, and the lists overlap on purpose: every colour belongs to at least two classes
 * (background included), so colour alone never tells the class.
 */
final class Palette {
  static final int RED = 0xc83228;
  static final int ORANGE = 0xe6821e;
  static final int YELLOW = 0xe1c832;
  static final int OLIVE = 0x788228;
  static final int GREEN = 0x32963c;
  static final int TEAL = 0x1e8c8c;
  static final int SKY = 0x5aa0dc;
  static final int BLUE = 0x283caa;
  static final int PURPLE = 0x783ca0;
  static final int PINK = 0xdc6eaa;
  static final int BROWN = 0x785032;
  static final int GREY = 0x808080;
  static final int CREAM = 0xe1e1d7;
  static final int CHARCOAL = 0x28282d;

  private Palette() {}

  static int red(int rgb) {
    return (rgb >> 16) & 0xff;
  }

  static int green(int rgb) {
    return (rgb >> 8) & 0xff;
  }

  static int blue(int rgb) {
    return rgb & 0xff;
  }

  /** {@code a + t·(b − a)} per channel, plus {@code shift}, rounded and clamped to 0..255. */
  static int blend(int a, int b, double t, int shift) {
    return channel(red(a), red(b), t, shift) << 16 | channel(green(a), green(b), t, shift) << 8
        | channel(blue(a), blue(b), t, shift);
  }

  private static int channel(int a, int b, double t, int shift) {
    return clamp((int) Math.floor(a + t * (b - a) + 0.5) + shift);
  }

  static int clamp(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
