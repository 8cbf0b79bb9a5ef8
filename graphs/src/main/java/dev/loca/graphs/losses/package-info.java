/**
 * LOCA's training objective (spec §4) as graph functions: the teacher's Sinkhorn-balanced cluster targets
 * ({@link dev.loca.graphs.losses.Sinkhorn}) and the student's losses and metrics
 * ({@link dev.loca.graphs.losses.LocaLosses}). The losses are built only from ops with gradient rules, and
 * the means over valid tokens are written out (weighted sums over {@code Σv + 1e-8}) so that a batch without
 * any valid token gives 0 rather than 0/0. Imports {@code graph.build} and {@code graph.ir}.
 */
package dev.loca.graphs.losses;
