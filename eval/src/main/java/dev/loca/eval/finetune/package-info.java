/**
 * Segmentation fine-tuning of a LOCA encoder with the Segmenter linear decoder (spec §6.2): the run
 * configuration, the pretrained encoder reader (position table resized to the fine-tuning grid), Segmenter's
 * augmentation, batches in direct buffers, the training step through ONNX Runtime's training API and the loop
 * with checkpoints, resume, metrics and the fine-tuned model ({@code segmenter.json} + {@code segmenter.onnx}).
 * Protocols: full fine-tune, linear probe (frozen encoder) and few-shot (a seeded subset of k images).
 */
package dev.loca.eval.finetune;
