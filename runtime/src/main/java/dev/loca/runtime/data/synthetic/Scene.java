package dev.loca.runtime.data.synthetic;

import dev.loca.runtime.data.RgbImage;
import java.util.List;

/**
 * One generated scene.
 *
 * @param image the pixels
 * @param classes per pixel, row-major: the {@link SceneClass} ordinal of what was painted last there
 * @param owners per pixel: the index in {@code objects} of the object painted last there, or -1 for background
 * @param objects the objects in painting order: later ones occlude earlier ones
 */
public record Scene(RgbImage image, int[] classes, int[] owners, List<SceneObject> objects) {}
