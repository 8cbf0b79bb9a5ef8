package dev.loca.train.views;

import com.google.common.base.Preconditions;

/**
 * LOCA's {@code random_color_jitter(p, brightness, contrast, saturation, hue)} (spec §2.6).
 *
 * @param probability chance that the jitter runs at all
 * @param brightness additive delta drawn from U[-brightness, brightness]
 * @param contrast factor drawn from U[1 - contrast, 1 + contrast]
 * @param saturation factor drawn from U[1 - saturation, 1 + saturation]
 * @param hue hue shift drawn from U[-hue, hue], in fractions of the colour wheel
 */
public record ColorJitter(double probability, float brightness, float contrast, float saturation, float hue) {
  /** The recipe's (0.8, 0.4, 0.4, 0.2, 0.1). */
  public static final ColorJitter LOCA = new ColorJitter(0.8, 0.4f, 0.4f, 0.2f, 0.1f);

  public ColorJitter {
    Preconditions.checkArgument(probability >= 0 && probability <= 1, "jitter probability %s", probability);
    Preconditions.checkArgument(brightness >= 0 && contrast >= 0 && contrast <= 1 && saturation >= 0
        && saturation <= 1 && hue >= 0 && hue <= 0.5f, "jitter strengths out of range:"
        + " brightness %s contrast %s saturation %s hue %s", brightness, contrast, saturation, hue);
  }
}
