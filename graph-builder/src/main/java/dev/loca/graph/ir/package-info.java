/**
 * The immutable ONNX intermediate representation: data types, shapes, value types, values with identity,
 * typed attributes, tensor contents, nodes, graphs and models. Imports only the JDK and Guava; knows
 * nothing of protobuf or ONNX Runtime.
 */
package dev.loca.graph.ir;
