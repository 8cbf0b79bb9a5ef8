/**
 * ONNX Runtime training artifacts: the ODTC checkpoint file that {@code OrtTrainingApi::LoadCheckpoint}
 * reads ({@link dev.loca.graph.artifacts.CheckpointWriter}) and a reader for checkpoints ORT saves ({@link
 * dev.loca.graph.artifacts.CheckpointReader}), and, built on them, the packager that turns a forward graph
 * into training, eval and optimizer models.
 *
 * <p>The checkpoint is an "ODTC" flatbuffer, version 2, written and read here with flatbuffers-java's
 * low-level builder and offsets (no generated code); {@code spec/ort-training-artifacts.md} §a.4 is the
 * contract. Imports {@code ir} only; knows nothing of ONNX Runtime itself.
 */
package dev.loca.graph.artifacts;
