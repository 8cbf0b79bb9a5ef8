package dev.loca.train.views;

import com.google.common.base.Preconditions;
import java.util.Objects;

/**
 * What views LOCA makes of each image (spec §2.2–§2.8). Sizes are in pixels and must be multiples of the patch
 * size; each view's patch grid is its size divided by the patch size.
 *
 * @param referenceSize side of the reference view (224)
 * @param query0Size side of the large query (224)
 * @param focalSize side of the focal queries (96)
 * @param focalCount number of focal queries (9)
 * @param patchSize patch side (16)
 * @param referenceArea crop area of the reference, as a fraction of the image (0.32–1)
 * @param query0Area crop area of the large query (0.32–1)
 * @param focalArea crop area of each focal query (0.05–0.32)
 * @param colorJitter colour jitter of every view
 * @param grayscaleProbability chance that a view is made gray (0.2)
 * @param flipProbability chance that a query is mirrored left-right together with its labels (0.5)
 * @param solarizeProbability chance that the large query is solarized (0.2); other views never are
 * @param blurMode blur or not (spec §2.8)
 */
public record ViewsConfig(int referenceSize, int query0Size, int focalSize, int focalCount, int patchSize,
    AreaRange referenceArea, AreaRange query0Area, AreaRange focalArea, ColorJitter colorJitter,
    double grayscaleProbability, double flipProbability, double solarizeProbability, BlurMode blurMode) {
  /** ImageNet channel means of {@code standardize}. */
  public static final float[] MEAN_RGB = {0.485f, 0.456f, 0.406f};
  /** ImageNet channel standard deviations of {@code standardize}. */
  public static final float[] STDDEV_RGB = {0.229f, 0.224f, 0.225f};

  public ViewsConfig {
    Preconditions.checkArgument(patchSize > 0, "patch size must be positive, got %s", patchSize);
    checkSize("reference", referenceSize, patchSize);
    checkSize("query0", query0Size, patchSize);
    checkSize("focal", focalSize, patchSize);
    Preconditions.checkArgument(focalCount >= 0, "focal query count must be >= 0, got %s", focalCount);
    Objects.requireNonNull(referenceArea, "referenceArea");
    Objects.requireNonNull(query0Area, "query0Area");
    Objects.requireNonNull(focalArea, "focalArea");
    Objects.requireNonNull(colorJitter, "colorJitter");
    Objects.requireNonNull(blurMode, "blurMode");
    checkProbability("grayscale", grayscaleProbability);
    checkProbability("flip", flipProbability);
    checkProbability("solarize", solarizeProbability);
  }

  /** The released recipe: 224 reference, 224 query0, nine 96 focal queries, patch 16, no blur. */
  public static ViewsConfig faithful() {
    return new ViewsConfig(224, 224, 96, 9, 16, new AreaRange(0.32f, 1f), new AreaRange(0.32f, 1f),
        new AreaRange(0.05f, 0.32f), ColorJitter.LOCA, 0.2, 0.5, 0.2, BlurMode.CODE_FAITHFUL);
  }

  /** The same recipe scaled for a CPU: 64 reference, 64 query0, nine 32 focal queries, patch 8. */
  public static ViewsConfig cpu() {
    return faithful().withSizes(64, 64, 32, 8);
  }

  public ViewsConfig withSizes(int reference, int query0, int focal, int patch) {
    return new ViewsConfig(reference, query0, focal, focalCount, patch, referenceArea, query0Area, focalArea,
        colorJitter, grayscaleProbability, flipProbability, solarizeProbability, blurMode);
  }

  public ViewsConfig withFocalCount(int count) {
    return new ViewsConfig(referenceSize, query0Size, focalSize, count, patchSize, referenceArea, query0Area,
        focalArea, colorJitter, grayscaleProbability, flipProbability, solarizeProbability, blurMode);
  }

  public ViewsConfig withBlurMode(BlurMode mode) {
    return new ViewsConfig(referenceSize, query0Size, focalSize, focalCount, patchSize, referenceArea, query0Area,
        focalArea, colorJitter, grayscaleProbability, flipProbability, solarizeProbability, mode);
  }

  /** The same views with every random photometric op and flip switched off (crops stay random). */
  public ViewsConfig withoutPhotometricAugmentation() {
    return new ViewsConfig(referenceSize, query0Size, focalSize, focalCount, patchSize, referenceArea, query0Area,
        focalArea, new ColorJitter(0, 0, 0, 0, 0), 0, 0, 0, BlurMode.CODE_FAITHFUL);
  }

  /** Patches per side of the reference view; labels are ids in {@code [0, referenceGrid^2)}. */
  public int referenceGrid() {
    return referenceSize / patchSize;
  }

  public int query0Grid() {
    return query0Size / patchSize;
  }

  public int focalGrid() {
    return focalSize / patchSize;
  }

  /** Side in pixels of a view of this kind. */
  public int size(ViewKind kind) {
    return switch (kind) {
      case REFERENCE -> referenceSize;
      case QUERY0 -> query0Size;
      case FOCAL -> focalSize;
    };
  }

  /** Crop area range of a view of this kind. */
  public AreaRange area(ViewKind kind) {
    return switch (kind) {
      case REFERENCE -> referenceArea;
      case QUERY0 -> query0Area;
      case FOCAL -> focalArea;
    };
  }

  private static void checkSize(String view, int size, int patch) {
    Preconditions.checkArgument(size > 0 && size % patch == 0, "%s size must be a positive multiple of the patch"
        + " size %s, got %s", view, patch, size);
  }

  private static void checkProbability(String what, double p) {
    Preconditions.checkArgument(p >= 0 && p <= 1, "%s probability must be in [0, 1], got %s", what, p);
  }
}
