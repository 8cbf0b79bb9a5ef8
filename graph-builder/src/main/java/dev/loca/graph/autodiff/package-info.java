/**
 * Reverse-mode automatic differentiation of ONNX graphs: the {@link dev.loca.graph.autodiff.Backprop}
 * engine and the single {@link dev.loca.graph.autodiff.GradientRules} registry with its rule families, in
 * a portable (plain ai.onnx) and a fused (ONNX Runtime gradient kernels) flavour. Imports {@code ir},
 * {@code ops} and {@code build}.
 */
package dev.loca.graph.autodiff;
