package dev.loca.train.views;

/**
 * Whether views are blurred (spec §2.8). The released LOCA code passes the probability where the image height
 * belongs, which makes its blur a 1x1 kernel: no blur at all.
 */
public enum BlurMode {
  /** No blur, as the released code trains. The default. */
  CODE_FAITHFUL,
  /**
   * The intended BYOL/DINO-style blur: reference p=1.0, query0 p=0.1, focal queries p=0.5; sigma ~ U(0.1, 2.0);
   * kernel of {@code side / 10} (made odd) with zero padding.
   */
  INTENDED;

  public static final float MIN_SIGMA = 0.1f;
  public static final float MAX_SIGMA = 2.0f;

  /** The probability that a view of this kind is blurred. */
  public double probability(ViewKind kind) {
    if (this == CODE_FAITHFUL) {
      return 0;
    }
    return switch (kind) {
      case REFERENCE -> 1.0;
      case QUERY0 -> 0.1;
      case FOCAL -> 0.5;
    };
  }
}
