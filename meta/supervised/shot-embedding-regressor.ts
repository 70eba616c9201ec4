import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from '../../agents/nn/flat-adam.js';
import { buildMlp, mlpForward, type Mlp } from '../../agents/nn/mlp.js';
import { ParamLayout } from '../../agents/nn/param-layout.js';
import { ParameterVector } from '../../agents/nn/parameters.js';
import { Rng } from '../../envs/rng/rng.js';
import type { FunctionalModel, MetaTask } from '../functional-model.js';
import type { RegressionBatch } from './regressor.js';

/** Settings of {@link ShotEmbeddingRegressor}. */
export interface ShotEmbeddingOptions {
  /** Features of one input row (a configuration). */
  readonly inputSize: number;
  /** Embedding dimensions (default 8). */
  readonly embeddingSize?: number;
  /** ReLU hidden layers of the per-shot encoder (default [32]). */
  readonly encoderHiddenSizes?: readonly number[];
  /** ReLU hidden layers of the regressor (default [32, 32]). */
  readonly hiddenSizes?: readonly number[];
  readonly seed?: number;
}

/**
 * FLASH's embedding for the supervised case: the task (a job) is known only by a few measured shots
 * (configuration, target); each shot `[x, y]` goes through the same ReLU MLP, the codes are averaged
 * (order-free, any number of shots) and projected by Linear + tanh to the embedding; the regressor
 * predicts a row's target from `[x, embedding]`. Encoder and regressor are one flat parameter vector
 * trained together across training tasks on (support → query) episodes, so the embedding learns what of
 * a job the shots reveal. No shots give the zero embedding.
 */
export class ShotEmbeddingRegressor implements FunctionalModel<MetaTask<RegressionBatch>> {
  readonly params: ParameterVector;
  readonly options: Required<ShotEmbeddingOptions>;
  private readonly encoder: Mlp;
  private readonly regressor: Mlp;

  constructor(options: ShotEmbeddingOptions) {
    this.options = { embeddingSize: 8, encoderHiddenSizes: [32], hiddenSizes: [32, 32], seed: 0, ...options };
    const o = this.options;
    if (!Number.isInteger(o.inputSize) || o.inputSize < 1) throw new RangeError(`ShotEmbeddingRegressor: inputSize must be a positive integer, got ${String(o.inputSize)}`);
    if (!Number.isInteger(o.embeddingSize) || o.embeddingSize < 1) throw new RangeError(`ShotEmbeddingRegressor: embeddingSize must be a positive integer, got ${String(o.embeddingSize)}`);
    const layout = new ParamLayout();
    const initial = new Map<string, Float32Array>();
    const rng = new Rng(o.seed);
    const write = (n: string, v: Float32Array) => initial.set(n, v);
    const init = { kind: 'torch-default' } as const;
    this.encoder = buildMlp(layout, { name: 'shot', inputSize: o.inputSize + 1, hiddenSizes: o.encoderHiddenSizes, outputSize: o.embeddingSize, activation: 'relu', hiddenInit: init, outputInit: init }, rng, write);
    this.regressor = buildMlp(layout, { name: 'reg', inputSize: o.inputSize + o.embeddingSize, hiddenSizes: o.hiddenSizes, outputSize: 1, activation: 'relu', hiddenInit: init, outputInit: init }, rng, write);
    this.params = ParameterVector.fromTensors(layout, initial);
  }

  /** The embedding `[1, embeddingSize]` of a support set, as tfjs ops of `theta`. */
  embedTensor(theta: tf.Tensor1D, support: RegressionBatch): tf.Tensor2D {
    const d = this.options.inputSize;
    if (support.n === 0) return tf.zeros([1, this.options.embeddingSize]);
    if (support.x.length !== support.n * d) throw new RangeError(`ShotEmbeddingRegressor: ${support.x.length} support inputs for ${support.n} shots of ${d}`);
    const rows = new Float32Array(support.n * (d + 1));
    for (let i = 0; i < support.n; i++) {
      rows.set(support.x.subarray(i * d, (i + 1) * d), i * (d + 1));
      rows[i * (d + 1) + d] = support.y[i];
    }
    const codes = mlpForward(this.encoder, this.params.layout.split(theta), tf.tensor2d(rows, [support.n, d + 1]));
    return tf.tanh(tf.mean(codes, 0, true)) as tf.Tensor2D;
  }

  /** Predictions `[n]` for rows `x` of the task known by `support`. */
  predictTensor(theta: tf.Tensor1D, support: RegressionBatch, x: Float32Array, n: number): tf.Tensor1D {
    const d = this.options.inputSize;
    if (x.length !== n * d) throw new RangeError(`ShotEmbeddingRegressor: ${x.length} inputs for ${n} rows of ${d}`);
    const embedding = tf.tile(this.embedTensor(theta, support), [n, 1]);
    const input = tf.concat([tf.tensor2d(x, [n, d]), embedding], 1) as tf.Tensor2D;
    return mlpForward(this.regressor, this.params.layout.split(theta), input).reshape([n]) as tf.Tensor1D;
  }

  /** Mean squared error on the query rows, the task known by its support shots. */
  loss(theta: tf.Tensor1D, task: MetaTask<RegressionBatch>): tf.Scalar {
    return tf.mean(tf.square(tf.sub(this.predictTensor(theta, task.support, task.query.x, task.query.n), tf.tensor1d(task.query.y)))) as tf.Scalar;
  }

  /** The embedding of a support set with the given parameter values (default: the current ones). */
  embed(support: RegressionBatch, values: Float32Array = this.params.values): Float32Array {
    return tf.tidy(() => Float32Array.from(this.embedTensor(tf.tensor1d(values), support).dataSync()));
  }

  /** Host predictions for `x` given the support shots. */
  predict(support: RegressionBatch, x: Float32Array, n: number, values: Float32Array = this.params.values): Float32Array {
    return tf.tidy(() => Float32Array.from(this.predictTensor(tf.tensor1d(values), support, x, n).dataSync()));
  }

  /** One Adam step of the mean loss over `tasks` (meta-training); returns the loss before the step. */
  trainStep(tasks: readonly MetaTask<RegressionBatch>[], adam: FlatAdam, learningRate: number): number {
    if (tasks.length === 0) throw new RangeError('ShotEmbeddingRegressor.trainStep: needs at least one task');
    const theta = this.params.variable;
    const value = tf.tidy(() => {
      const { value: loss, grads } = tf.variableGrads(() => tf.div(tf.addN(tasks.map((t) => this.loss(theta, t))), tasks.length) as tf.Scalar, [theta]);
      adam.apply(theta, grads[theta.name] as tf.Tensor1D, learningRate);
      return loss.dataSync()[0];
    });
    this.params.pull();
    return value;
  }
}
