import type * as tf from '@tensorflow/tfjs';
import type { ParameterVector } from '../agents/nn/parameters.js';

/**
 * A model written as a function of its flat parameters: what MAML, first-order MAML and Reptile need.
 * `loss(theta, batch)` must build its value from `theta` with tfjs ops only (no host reads), so that
 * gradients, and gradients of gradients, flow through it.
 */
export interface FunctionalModel<Batch> {
  readonly params: ParameterVector;
  loss(theta: tf.Tensor1D, batch: Batch): tf.Scalar;
}

/** One task of a meta-batch: the data adapted on (support) and the data the adapted model is scored on (query). */
export interface MetaTask<Batch> {
  readonly support: Batch;
  readonly query: Batch;
}
