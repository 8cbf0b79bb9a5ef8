/**
 * Image operations with TensorFlow semantics, on float CHW planes: the crop-box sampler of
 * {@code tf.image.sample_distorted_bounding_box}, bilinear resize with half-pixel centres and no antialias,
 * nearest resize of label maps, colour jitter, grayscale, solarize, Gaussian blur and normalisation.
 * Float32 arithmetic follows the TensorFlow kernels so that results match them to rounding.
 */
package dev.loca.runtime.data.ops;
