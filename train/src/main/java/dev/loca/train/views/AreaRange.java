package dev.loca.train.views;

import com.google.common.base.Preconditions;

/**
 * The allowed crop area as fractions of the whole image's area.
 *
 * @param min smallest fraction, in (0, 1]
 * @param max largest fraction, in [min, 1]
 */
public record AreaRange(float min, float max) {
  public AreaRange {
    Preconditions.checkArgument(0 < min && min <= max && max <= 1, "area range must satisfy 0 < min <= max <= 1, got"
        + " [%s, %s]", min, max);
  }
}
