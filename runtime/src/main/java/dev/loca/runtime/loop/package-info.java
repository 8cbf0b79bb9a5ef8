/**
 * The training loop's building blocks that sit beside {@code runtime.ort}: the weight-decay mask on the
 * optimizer step, learning-rate and EMA-momentum schedules, the atomic checkpoint store, the
 * {@code metrics.jsonl} log and its PNG curves, the progress bar, the divergence guard and the RSS meter.
 * None of them knows LOCA's model; {@code train} wires them into {@code loca pretrain}.
 */
package dev.loca.runtime.loop;
