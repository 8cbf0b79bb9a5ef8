/**
 * LOCA's graphs assembled from the encoder, heads and losses: configurations and presets, the student
 * and teacher graphs with their input/output contract, the packaged artifacts and their summary. Imports
 * graph-builder and the other {@code graphs} packages.
 */
package dev.loca.graphs.loca;
