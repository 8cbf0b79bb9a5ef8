package dev.loca.train.views;

import dev.loca.runtime.data.BadSampleException;
import dev.loca.runtime.data.RgbImage;
import dev.loca.runtime.data.Sample;
import dev.loca.runtime.data.SampleFunction;
import dev.loca.runtime.data.ops.ColorOps;
import dev.loca.runtime.data.ops.CropBox;
import dev.loca.runtime.data.ops.CropSampler;
import dev.loca.runtime.data.ops.Resize;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes the reference and query views of one image with their correspondence labels. Every view is cropped
 * from the whole image independently (TF crop sampler), resized bilinearly, optionally mirrored (queries
 * only), scaled to [0, 1], augmented and normalised. Random draws, in order: the reference (box, photometric),
 * query0 (box, flip, photometric), then each focal query (box, flip, photometric). Thread-safe.
 */
public final class ViewMaker implements SampleFunction<LocaSample> {
  private final ViewsConfig config;
  private final Photometric photometric;

  public ViewMaker(ViewsConfig config) {
    this.config = config;
    this.photometric = new Photometric(config);
  }

  public ViewsConfig config() {
    return config;
  }

  @Override
  public LocaSample apply(Sample sample, SplittableRandom rng) throws BadSampleException {
    return make(sample.id(), sample.image(), rng);
  }

  /** The views of {@code image}, drawing every random choice from {@code rng}. */
  public LocaSample make(String id, RgbImage image, SplittableRandom rng) {
    CropBox referenceBox = crop(image, ViewKind.REFERENCE, rng);
    float[] reference = render(image, referenceBox, ViewKind.REFERENCE, false, rng);
    QueryView query0 = query(image, referenceBox, ViewKind.QUERY0, rng);
    List<QueryView> focal = new ArrayList<>(config.focalCount());
    for (int i = 0; i < config.focalCount(); i++) {
      focal.add(query(image, referenceBox, ViewKind.FOCAL, rng));
    }
    return new LocaSample(id, image.height(), image.width(), reference, referenceBox, query0, focal);
  }

  private QueryView query(RgbImage image, CropBox referenceBox, ViewKind kind, SplittableRandom rng) {
    CropBox box = crop(image, kind, rng);
    boolean flipped = rng.nextDouble() < config.flipProbability();
    float[] pixels = render(image, box, kind, flipped, rng);
    int size = config.size(kind);
    int[] labels = Correspondence.queryLabels(referenceBox, config.referenceGrid(), box, size,
        size / config.patchSize(), flipped);
    return new QueryView(pixels, labels, box, flipped);
  }

  private CropBox crop(RgbImage image, ViewKind kind, SplittableRandom rng) {
    AreaRange area = config.area(kind);
    return CropSampler.sample(image.height(), image.width(), area.min(), area.max(), rng);
  }

  private float[] render(RgbImage image, CropBox box, ViewKind kind, boolean flipped, SplittableRandom rng) {
    int size = config.size(kind);
    float[] chw = new float[3 * size * size];
    Resize.bilinearToChw(image, box, size, size, flipped, chw, 0);
    ColorOps.divide(chw, 0, size * size, 255f);
    photometric.apply(chw, size, kind, rng);
    return chw;
  }
}
