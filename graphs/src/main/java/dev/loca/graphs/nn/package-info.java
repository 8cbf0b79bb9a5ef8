/**
 * Reusable layers (linear, LayerNorm, GELU, MLP, multi-head attention) as functions over the graph
 * builder, each in its own name scope. Imports {@code graph.build} and {@code graph.ir}.
 */
package dev.loca.graphs.nn;
