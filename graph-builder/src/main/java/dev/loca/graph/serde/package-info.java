/**
 * Serialisation of the IR to and from ONNX {@code ModelProto} (IR version 8 by default), with external
 * data for large models. The only package that touches the generated protobuf classes ({@code
 * dev.loca.graph.serde.proto}). Imports {@code ir} and {@code ops}.
 */
package dev.loca.graph.serde;
