/**
 * Portable inference models for deployment: the encoder of a pretraining run or a fine-tuned segmenter as plain
 * ai.onnx opset 17 (IR 8, no com.microsoft ops), dynamic batch, fixed input size, optional normalisation inside
 * the graph, a class-map output for segmenters, fp16 and int8 variants and {@code metadata_props} that say how to
 * feed it. Imports graph-builder (IR, builder, validator, serde), graphs (ViT, segmenter card) and runtime
 * (ONNX Runtime, for the benchmark).
 */
package dev.loca.export;
