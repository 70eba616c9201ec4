import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from '../agents/nn/flat-adam.js';
import type { FunctionalModel, MetaTask } from './functional-model.js';

/** Settings of MAML's inner loop. */
export interface InnerLoopOptions {
  /** Inner learning rate α (plain gradient descent, as in MAML). */
  readonly innerLr: number;
  /** Inner gradient steps (default 1). */
  readonly innerSteps?: number;
  /**
   * `second`: differentiate through the inner step (the Hessian-vector term of MAML); `first`: treat the
   * inner gradient as a constant (FOMAML). Default `second`.
   */
  readonly order?: 'first' | 'second';
}

/**
 * MAML's inner loop: θ' = θ − α ∇_θ L_support(θ), `innerSteps` times, as tfjs ops of `theta`.
 *
 * Whether TensorFlow.js can take the second-order term: it can for models built from matMul, add,
 * relu and square/mean (their gradients are written in terms of their inputs, so the tape records
 * the backward pass and `tf.grad` of it is exact — checked against finite differences). For tanh and
 * sigmoid the gradient reuses the op's saved output and the second-order result is slightly off
 * (~0.4% in our check), and through exp/log it is wrong by several percent; so the supervised
 * regressor is a ReLU MLP with a squared loss, and RL agents use the first-order variants.
 */
export function innerAdapt<B>(model: FunctionalModel<B>, theta: tf.Tensor1D, support: B, options: InnerLoopOptions): tf.Tensor1D {
  const steps = options.innerSteps ?? 1;
  if (!(options.innerLr > 0)) throw new RangeError(`MAML: innerLr must be > 0, got ${options.innerLr}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`MAML: innerSteps must be an integer >= 1, got ${steps}`);
  const order = options.order ?? 'second';
  if (order !== 'first' && order !== 'second') throw new RangeError(`MAML: order must be "first" or "second", got ${String(order)}`);
  let current = theta;
  for (let s = 0; s < steps; s++) {
    let g = tf.grad((t: tf.Tensor) => model.loss(t as tf.Tensor1D, support))(current) as tf.Tensor1D;
    // First order: a copy of the gradient's values carries no tape history, so the outer gradient skips it.
    if (order === 'first') g = tf.tensor1d(g.dataSync() as Float32Array);
    current = tf.sub(current, tf.mul(g, options.innerLr));
  }
  return current;
}

/** Settings of a MAML meta-learner. */
export interface MamlOptions extends InnerLoopOptions {
  /** Outer (meta) learning rate of Adam (default 1e-3). */
  readonly outerLr?: number;
}

/**
 * MAML (Finn et al. 2017) and first-order MAML over a {@link FunctionalModel}: each meta-step adapts
 * a copy of θ to every task of the batch on its support set and moves θ (with Adam) against the mean
 * query loss of the adapted copies.
 */
export class Maml<B> {
  readonly optimizer: FlatAdam;
  readonly options: Required<MamlOptions>;

  constructor(
    readonly model: FunctionalModel<B>,
    options: MamlOptions,
  ) {
    this.options = { innerSteps: 1, order: 'second', outerLr: 1e-3, ...options };
    if (!(this.options.outerLr > 0)) throw new RangeError(`MAML: outerLr must be > 0, got ${this.options.outerLr}`);
    this.optimizer = new FlatAdam(model.params.layout.size);
  }

  /** One meta-update on `tasks`; returns the mean query loss before the update. */
  step(tasks: readonly MetaTask<B>[]): number {
    if (tasks.length === 0) throw new RangeError('MAML.step: needs at least one task');
    const theta = this.model.params.variable;
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const losses = tasks.map((task) => this.model.loss(innerAdapt(this.model, theta, task.support, this.options), task.query));
        return tf.div(tf.addN(losses), tasks.length) as tf.Scalar;
      }, [theta]);
      this.optimizer.apply(theta, grads[theta.name] as tf.Tensor1D, this.options.outerLr);
      return value.dataSync()[0];
    });
    this.model.params.pull();
    return loss;
  }

  /** The parameters adapted to one task's support set (host values; θ itself is unchanged). */
  adapt(support: B): Float32Array {
    return tf.tidy(() => Float32Array.from(innerAdapt(this.model, this.model.params.variable, support, { ...this.options, order: 'first' }).dataSync()));
  }
}
