package dev.loca.runtime.data;

import java.util.Optional;

/**
 * One dataset item: an image, and for segmentation datasets its per-pixel label map.
 *
 * @param id a stable identifier (relative path or generator index), for messages and previews
 * @param image the image
 * @param labels class index per pixel, row-major, same size as the image; the dataset's ignore value where
 *     unlabelled; empty for unlabelled datasets
 */
public record Sample(String id, RgbImage image, Optional<int[]> labels) {}
