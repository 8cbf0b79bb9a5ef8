/**
 * One LOCA pretraining step (spec §3.7, §5) on ONNX Runtime: the EMA teacher in a plain inference session,
 * fed from one flat weight buffer without copies; the student's training artifacts (TrainStep, AdamW with the
 * exact weight-decay mask, LazyResetGrad); the EMA update; and the saving and resuming of all of it, so that
 * a resumed run continues bit for bit.
 */
package dev.loca.train.pretrain;
