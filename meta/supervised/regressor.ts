import * as tf from '@tensorflow/tfjs';
import { buildMlp, mlpForward, type Mlp } from '../../agents/nn/mlp.js';
import { ParamLayout } from '../../agents/nn/param-layout.js';
import { ParameterVector } from '../../agents/nn/parameters.js';
import { FlatAdam } from '../../agents/nn/flat-adam.js';
import { Rng } from '../../envs/rng/rng.js';
import type { FunctionalModel } from '../functional-model.js';

/** A regression batch: `n` rows of `inputSize` features and one target each. */
export interface RegressionBatch {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
}

/** Settings of {@link MlpRegressor}. */
export interface RegressorOptions {
  readonly inputSize: number;
  /** ReLU hidden layers (default [32, 32]); an empty list gives a linear model. */
  readonly hiddenSizes?: readonly number[];
  readonly seed?: number;
}

/**
 * FLASH's supervised base learner: a ReLU MLP with a squared loss, as a {@link FunctionalModel} so
 * that MAML can differentiate through its inner step exactly (see `maml.ts`). Used for the
 * configuration-search case: (configuration features [, job fingerprint or embedding]) → log runtime.
 */
export class MlpRegressor implements FunctionalModel<RegressionBatch> {
  readonly params: ParameterVector;
  readonly mlp: Mlp;
  readonly options: Required<RegressorOptions>;

  constructor(options: RegressorOptions) {
    this.options = { hiddenSizes: [32, 32], seed: 0, ...options };
    const layout = new ParamLayout();
    const initial = new Map<string, Float32Array>();
    this.mlp = buildMlp(layout, { name: 'reg', inputSize: options.inputSize, hiddenSizes: this.options.hiddenSizes, outputSize: 1, activation: 'relu', hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, new Rng(this.options.seed), (n, v) => initial.set(n, v));
    this.params = ParameterVector.fromTensors(layout, initial);
  }

  /** Predictions `[n]` as tfjs ops of `theta`. */
  predictTensor(theta: tf.Tensor1D, x: Float32Array, n: number): tf.Tensor1D {
    if (x.length !== n * this.options.inputSize) throw new RangeError(`MlpRegressor: ${x.length} inputs for ${n} rows of ${this.options.inputSize}`);
    return mlpForward(this.mlp, this.params.layout.split(theta), tf.tensor2d(x, [n, this.options.inputSize])).reshape([n]) as tf.Tensor1D;
  }

  loss(theta: tf.Tensor1D, batch: RegressionBatch): tf.Scalar {
    return tf.mean(tf.square(tf.sub(this.predictTensor(theta, batch.x, batch.n), tf.tensor1d(batch.y)))) as tf.Scalar;
  }

  /** Predictions with the given parameter values (default: the current ones). */
  predict(x: Float32Array, n: number, values: Float32Array = this.params.values): Float32Array {
    return tf.tidy(() => Float32Array.from(this.predictTensor(tf.tensor1d(values), x, n).dataSync()));
  }

  /** `epochs` full-batch Adam steps on `batch` (pretraining on pooled data, fine-tuning on shots). */
  fit(batch: RegressionBatch, epochs: number, learningRate: number): number {
    const theta = this.params.variable;
    const adam = new FlatAdam(this.params.layout.size);
    let last = NaN;
    for (let e = 0; e < epochs; e++) {
      last = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => this.loss(theta, batch), [theta]);
        adam.apply(theta, grads[theta.name] as tf.Tensor1D, learningRate);
        return value.dataSync()[0];
      });
    }
    adam.dispose();
    this.params.pull();
    return last;
  }
}

/** Rows `idx` of a batch. */
export function subset(batch: RegressionBatch, idx: readonly number[]): RegressionBatch {
  const d = batch.x.length / batch.n;
  const x = new Float32Array(idx.length * d);
  const y = new Float32Array(idx.length);
  idx.forEach((r, k) => {
    x.set(batch.x.subarray(r * d, (r + 1) * d), k * d);
    y[k] = batch.y[r];
  });
  return { x, y, n: idx.length };
}
