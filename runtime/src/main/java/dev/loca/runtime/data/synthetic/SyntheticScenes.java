package dev.loca.runtime.data.synthetic;

import com.google.common.base.Preconditions;
import dev.loca.runtime.data.ImageDataset;
import dev.loca.runtime.data.Sample;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The embedded default dataset: {@code images} synthetic scenes from a {@link SceneGenerator}, labelled with
 * the {@link SceneClass} ordinals (0 = background). Every pixel is labelled, so there is no ignore value.
 */
public final class SyntheticScenes implements ImageDataset {
  /** The default size, that of a typical ADE20K or ImageNet photo. */
  public static final int DEFAULT_WIDTH = 500;
  public static final int DEFAULT_HEIGHT = 375;
  public static final int DEFAULT_IMAGES = 10_000;

  private static final List<String> CLASS_NAMES =
      Arrays.stream(SceneClass.values()).map(SceneClass::label).toList();

  private final int images;
  private final SceneGenerator generator;

  public SyntheticScenes(int images, long seed, int width, int height) {
    Preconditions.checkArgument(images > 0, "a synthetic dataset needs at least one image, got %s", images);
    this.images = images;
    this.generator = new SceneGenerator(width, height, seed);
  }

  /** The default dataset: {@value #DEFAULT_IMAGES} scenes of 500x375 with the given seed. */
  public static SyntheticScenes withDefaults(long seed) {
    return new SyntheticScenes(DEFAULT_IMAGES, seed, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  public SceneGenerator generator() {
    return generator;
  }

  @Override
  public int size() {
    return images;
  }

  @Override
  public Sample get(int index) {
    Preconditions.checkElementIndex(index, images);
    Scene scene = generator.generate(index);
    return new Sample(String.format(Locale.ROOT, "synthetic/%08d", index), scene.image(),
        Optional.of(scene.classes()));
  }

  @Override
  public List<String> classNames() {
    return CLASS_NAMES;
  }

  @Override
  public int ignoreLabel() {
    return -1;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "synthetic scenes (%d images of %dx%d, seed %d, %d classes)", images,
        generator.width(), generator.height(), generator.seed(), CLASS_NAMES.size());
  }
}
