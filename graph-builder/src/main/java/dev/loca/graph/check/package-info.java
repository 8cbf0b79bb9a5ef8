/**
 * Whole-graph validation: producers, names, order, schema conformance and declared-versus-inferred
 * types. Imports {@code ir} and {@code ops}.
 */
package dev.loca.graph.check;
