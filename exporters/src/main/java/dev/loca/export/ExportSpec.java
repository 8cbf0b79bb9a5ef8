package dev.loca.export;

import dev.loca.graphs.seg.SegmenterCard;
import java.util.List;

/**
 * What the exported model is and how it must be fed: written into its {@code metadata_props}.
 *
 * @param kind encoder or segmenter
 * @param imageSize the fixed square input side S
 * @param patch the ViT patch side
 * @param mean per-channel RGB mean of the normalisation
 * @param std per-channel RGB standard deviation
 * @param classNames the segmenter's classes (empty for an encoder)
 * @param config the resolved configuration it came from, as JSON
 * @param source where the weights came from (a run folder and its checkpoint, or a segmenter folder)
 */
public record ExportSpec(ModelKind kind, int imageSize, int patch, float[] mean, float[] std,
    List<String> classNames, String config, String source) {

  public ExportSpec {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("expected 3 mean and 3 std values");
    }
    mean = mean.clone();
    std = std.clone();
    classNames = List.copyOf(classNames);
  }

  /**
   * The spec of a model made from a fine-tuned segmenter: its preprocessing, its classes (for a segmenter) and its
   * card as the config.
   */
  public static ExportSpec of(SegmenterCard card, ModelKind kind, int imageSize, String source) {
    return new ExportSpec(kind, imageSize, card.encoder().patch(), card.mean(), card.std(),
        kind == ModelKind.SEGMENTER ? card.classNames() : List.of(), card.toJson(), source);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }
}
