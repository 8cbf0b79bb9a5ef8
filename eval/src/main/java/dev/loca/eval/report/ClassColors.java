package dev.loca.eval.report;

import java.awt.Color;

/** A fixed colour per class index: hues a golden angle apart, alternating saturation and brightness. */
final class ClassColors {
  private ClassColors() {}

  static Color of(int c) {
    float hue = (float) ((c * 0.6180339887498949) % 1.0);
    float saturation = c % 2 == 0 ? 0.85f : 0.55f;
    float brightness = c / 2 % 2 == 0 ? 0.95f : 0.7f;
    return new Color(Color.HSBtoRGB(hue, saturation, brightness));
  }
}
