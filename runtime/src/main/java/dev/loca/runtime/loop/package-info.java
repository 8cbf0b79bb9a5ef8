/**
 * The training loop's building blocks that sit beside {@code runtime.ort}: the weight-decay mask on the
 * optimizer step, learning-rate (cosine, poly) and EMA-momentum schedules, the atomic checkpoint store, the
 * {@code metrics.jsonl} log and its PNG curves, the progress bar, the divergence guard, the RSS meter, the stop
 * signal and run configurations as records ({@code config.json}, {@code --set}). None of them knows LOCA's
 * model; {@code train} wires them into {@code loca pretrain}, {@code eval} into fine-tuning.
 */
package dev.loca.runtime.loop;
