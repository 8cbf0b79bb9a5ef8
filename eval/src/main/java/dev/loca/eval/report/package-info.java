/**
 * What an evaluation leaves behind: {@code metrics.json}, the per-class IoU table as text, a PNG grid of example
 * predictions over their images beside the ground truth, and a PNG of the row-normalised confusion matrix
 * (plain java.awt and ImageIO, written atomically with {@link dev.loca.runtime.loop.Plots#write}). Imports
 * eval.metrics, eval.segment, runtime.data and runtime.loop.
 */
package dev.loca.eval.report;
