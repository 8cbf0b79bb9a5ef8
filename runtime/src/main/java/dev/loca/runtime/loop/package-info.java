/**
 * The training loop's building blocks that sit on top of {@code runtime.ort}: optimizer-step policies
 * (the weight-decay mask), and later schedules, checkpoint store, metrics and divergence guard.
 */
package dev.loca.runtime.loop;
