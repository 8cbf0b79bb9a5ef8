package dev.loca.train.views;

import dev.loca.runtime.data.ops.CropBox;
import java.util.List;

/**
 * The views LOCA makes of one image (spec §2.9, one row of the batch). Arrays are owned by the sample and not
 * copied; equality is identity.
 *
 * @param id the dataset item's id
 * @param imageHeight height of the original image
 * @param imageWidth width of the original image
 * @param reference the normalised reference view, CHW
 * @param referenceBox the reference crop box in the original image
 * @param query0 the large query
 * @param focal the focal queries, in order
 */
public record LocaSample(String id, int imageHeight, int imageWidth, float[] reference, CropBox referenceBox,
    QueryView query0, List<QueryView> focal) {
  public LocaSample {
    focal = List.copyOf(focal);
  }
}
