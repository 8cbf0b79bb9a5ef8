/** Analyses of finished graphs, such as analytic FLOP counts. Imports {@code ir}. */
package dev.loca.graph.analysis;
