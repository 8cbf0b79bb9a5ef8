/**
 * The op catalog: one {@link dev.loca.graph.ops.OpSchema} per operator (domain, since-version, formal
 * inputs and outputs, typed attributes with defaults) with the type and shape inference that the builder
 * runs as each node is added. Families live in one file each and register in {@link
 * dev.loca.graph.ops.OpCatalog}. Imports only {@code dev.loca.graph.ir}.
 */
package dev.loca.graph.ops;
