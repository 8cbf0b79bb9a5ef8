/**
 * Reusable layers (linear, LayerNorm, GELU, MLP, multi-head attention) as functions over the graph
 * builder, each in its own name scope, and the parameter sources they draw from (declare anew, or share
 * by dotted name when a module is applied twice). Imports {@code graph.build} and {@code graph.ir}.
 */
package dev.loca.graphs.nn;
