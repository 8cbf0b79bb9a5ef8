/**
 * Segmentation models built on the LOCA encoder: the contract between fine-tuning (which writes a segmenter),
 * evaluation (which runs it) and export (which repackages it).
 */
package dev.loca.graphs.seg;
