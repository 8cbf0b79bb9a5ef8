/**
 * Segmentation metrics: a confusion matrix accumulated over a whole evaluation set, and the scores computed
 * from it (mIoU, pixel accuracy, mean accuracy, per-class IoU). Imports nothing project-internal.
 */
package dev.loca.eval.metrics;
