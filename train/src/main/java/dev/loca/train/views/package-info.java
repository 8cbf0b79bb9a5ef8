/**
 * LOCA's views (spec §2.2–§2.9): per image one reference view and several query views cropped from the whole
 * image, their photometric augmentations, the patch-correspondence labels that point each query patch at a
 * reference patch, and query-major batches in direct buffers for ONNX Runtime.
 */
package dev.loca.train.views;
