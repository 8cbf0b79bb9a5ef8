/**
 * Running a fine-tuned segmenter ({@code segmenter.json} + {@code segmenter.onnx}, see
 * {@link dev.loca.graphs.seg.SegmenterCard}) over a labelled dataset: preprocessing, whole-image and
 * sliding-window inference in batches, bilinear upsampling of the logits to each image's size, and the
 * confusion matrix over the set. Imports graphs.seg, runtime.ort, runtime.data and eval.metrics.
 */
package dev.loca.eval.segment;
