/**
 * The graph builder: name scopes and dotted parameter names, seeded parameter initialisers, deduplicated
 * constants, and per-node schema checks and type inference as nodes are added. Imports {@code ir},
 * {@code ops} and {@code check}.
 */
package dev.loca.graph.build;
