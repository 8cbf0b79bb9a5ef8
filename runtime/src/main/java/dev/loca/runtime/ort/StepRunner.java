package dev.loca.runtime.ort;

import java.util.Map;

/**
 * What a training loop needs from whatever runs its steps: one forward-backward pass that accumulates
 * gradients, one optimizer update, the gradient reset and the learning rate. The loop (train module)
 * depends on this interface only, so that the runner can change without touching it.
 *
 * <p>{@link TrainingSession} implements it with ORT's training API. A second runner may later run the
 * same emitted gradient graph in a plain {@link InferenceSession} (parameters in, gradients out) and do
 * the update in Java or in a second graph, for runtimes without the training API (ARCHITECTURE §3.7).
 *
 * <p>The contract, in the order a loop calls it: {@link #trainStep} adds this batch's gradients to the
 * accumulated ones (or replaces them on the first call after {@link #lazyResetGrad}); {@link
 * #optimizerStep} updates the trainable parameters from the accumulated gradients with the current
 * {@link #learningRate}; {@link #lazyResetGrad} starts a new accumulation. Gradient accumulation over k
 * micro-batches is k train steps between two resets.
 */
public interface StepRunner extends AutoCloseable {

  /**
   * Runs forward, loss and backward on one batch and accumulates the gradients.
   *
   * @param inputs the batch, by input name; the caller keeps ownership
   * @return the user outputs (losses, metrics), which the caller closes
   */
  RunResult trainStep(Map<String, OrtTensor> inputs);

  /** Updates the trainable parameters from the accumulated gradients. */
  void optimizerStep();

  /** Makes the next {@link #trainStep} start a new gradient accumulation. */
  void lazyResetGrad();

  /** Sets the learning rate of the following optimizer steps. */
  void setLearningRate(float learningRate);

  /** Returns the learning rate of the next optimizer step. */
  float learningRate();

  /** Releases the runner's native resources; idempotent. */
  @Override
  void close();
}
