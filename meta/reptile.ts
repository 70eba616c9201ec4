import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from '../agents/nn/flat-adam.js';
import type { FunctionalModel } from './functional-model.js';

/** Settings of Reptile. */
export interface ReptileOptions {
  /** Adam learning rate of the inner steps on one task (default 1e-3). */
  readonly innerLr?: number;
  /** Inner steps per task (default 5). */
  readonly innerSteps?: number;
  /** Meta step size ε: θ ← θ + ε (mean adapted θ − θ) (default 0.1). */
  readonly metaStepSize?: number;
}

/**
 * Reptile (Nichol et al. 2018) over a {@link FunctionalModel}: adapt a copy of θ to each task by a few
 * Adam steps, then move θ toward the mean of the adapted copies. First-order by construction, so it
 * suits any differentiable learner.
 */
export class Reptile<B> {
  readonly options: Required<ReptileOptions>;

  constructor(
    readonly model: FunctionalModel<B>,
    options: ReptileOptions = {},
  ) {
    this.options = { innerLr: 1e-3, innerSteps: 5, metaStepSize: 0.1, ...options };
    const o = this.options;
    if (!(o.innerLr > 0)) throw new RangeError(`Reptile: innerLr must be > 0, got ${o.innerLr}`);
    if (!Number.isInteger(o.innerSteps) || o.innerSteps < 1) throw new RangeError(`Reptile: innerSteps must be an integer >= 1, got ${o.innerSteps}`);
    if (!(o.metaStepSize > 0 && o.metaStepSize <= 1)) throw new RangeError(`Reptile: metaStepSize must be in (0, 1], got ${o.metaStepSize}`);
  }

  /** Adapts a copy of θ to one task's batches (cycled for `innerSteps`); returns the adapted values. */
  adapt(batches: readonly B[], steps = this.options.innerSteps): Float32Array {
    if (batches.length === 0) throw new RangeError('Reptile.adapt: needs at least one batch');
    const start = this.model.params.values;
    const copy = tf.variable(tf.tensor1d(start), true) as tf.Variable<tf.Rank.R1>;
    const adam = new FlatAdam(start.length);
    try {
      for (let s = 0; s < steps; s++) {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => this.model.loss(copy, batches[s % batches.length]), [copy]);
          adam.apply(copy, grads[copy.name] as tf.Tensor1D, this.options.innerLr);
        });
      }
      return Float32Array.from(copy.dataSync() as Float32Array);
    } finally {
      copy.dispose();
      adam.dispose();
    }
  }

  /** One meta-update over tasks, each given as its batches. */
  step(tasks: readonly (readonly B[])[]): void {
    if (tasks.length === 0) throw new RangeError('Reptile.step: needs at least one task');
    const params = this.model.params;
    const theta = params.values;
    const meanAdapted = new Float64Array(theta.length);
    for (const task of tasks) {
      const adapted = this.adapt(task);
      for (let i = 0; i < theta.length; i++) meanAdapted[i] += adapted[i] / tasks.length;
    }
    const eps = this.options.metaStepSize;
    for (let i = 0; i < theta.length; i++) theta[i] += eps * (meanAdapted[i] - theta[i]);
    params.push();
  }
}
