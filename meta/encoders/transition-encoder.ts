import * as tf from '@tensorflow/tfjs';
import { buildMlp, mlpForward, type Mlp } from '../../agents/nn/mlp.js';
import { initDense } from '../../agents/nn/init.js';
import { ParamLayout } from '../../agents/nn/param-layout.js';
import { ParameterVector } from '../../agents/nn/parameters.js';
import type { Rng } from '../../envs/rng/rng.js';
import type { EpisodeRecord } from '../episode-buffer.js';
import { checkedValues } from './gru-trajectory-encoder.js';
import { applyEmbeddingActivation, embeddingActivation, embedWith, poolingMatrix, positiveSetting, strideSteps, type TaskEncoder, type TransitionEncoderConfig } from './task-encoder.js';

/**
 * A PEARL-style context encoder: each transition `[observation, action, reward, next observation]`
 * goes through the same ReLU MLP; the codes of all the context's transitions are averaged (so the
 * embedding does not depend on their order, nor on which episode they came from) and projected by
 * Linear + ReLU. PEARL combines Gaussian factors by product; the mean keeps the encoder deterministic.
 */
export class TransitionEncoder implements TaskEncoder {
  readonly config: Required<TransitionEncoderConfig>;
  readonly embeddingSize: number;
  readonly params: ParameterVector;
  private readonly mlp: Mlp;
  private readonly rowSize: number;

  constructor(config: TransitionEncoderConfig, rng: Rng, values?: Float32Array) {
    const who = 'TransitionEncoder';
    this.config = {
      kind: 'transition',
      observationSize: positiveSetting(who, 'observationSize', config.observationSize),
      actionSize: positiveSetting(who, 'actionSize', config.actionSize),
      hiddenSizes: [...(config.hiddenSizes ?? [64])].map((h, i) => positiveSetting(who, `hiddenSizes[${i}]`, h)),
      codeSize: positiveSetting(who, 'codeSize', config.codeSize ?? 32),
      embeddingSize: positiveSetting(who, 'embeddingSize', config.embeddingSize ?? 32),
      maxSteps: positiveSetting(who, 'maxSteps', config.maxSteps ?? 64),
      activation: embeddingActivation(who, config.activation),
    };
    this.embeddingSize = this.config.embeddingSize;
    this.rowSize = 2 * this.config.observationSize + this.config.actionSize + 1;
    const layout = new ParamLayout();
    const initial = new Map<string, Float32Array>();
    const write = (name: string, v: Float32Array) => initial.set(name, v);
    this.mlp = buildMlp(layout, { name: 'phi', inputSize: this.rowSize, hiddenSizes: this.config.hiddenSizes, outputSize: this.config.codeSize, activation: 'relu', hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, rng, write);
    layout.add('proj/kernel', [this.config.codeSize, this.embeddingSize]);
    layout.add('proj/bias', [this.embeddingSize]);
    const proj = initDense(this.config.codeSize, this.embeddingSize, { kind: 'torch-default' }, rng);
    write('proj/kernel', proj.kernel);
    write('proj/bias', proj.bias);
    this.params = ParameterVector.fromTensors(layout, initial);
    if (values !== undefined) this.params.values.set(checkedValues(values, layout.size, who));
  }

  forward(theta: tf.Tensor1D, contexts: readonly (readonly EpisodeRecord[])[]): tf.Tensor2D {
    const counts: number[] = [];
    const rows: number[] = [];
    for (const context of contexts) {
      let n = 0;
      for (const e of context) {
        if (e.rowSize !== this.rowSize) throw new RangeError(`TransitionEncoder: episode rows have ${e.rowSize} numbers, expected ${this.rowSize} ([observation, action, reward, next observation])`);
        for (const t of strideSteps(e.length, this.config.maxSteps)) {
          for (let i = 0; i < this.rowSize; i++) rows.push(e.steps[t * this.rowSize + i]);
          n++;
        }
      }
      counts.push(n);
    }
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) return tf.zeros([contexts.length, this.embeddingSize]);
    const p = this.params.layout.split(theta);
    const codes = mlpForward(this.mlp, p, tf.tensor2d(rows, [total, this.rowSize]));
    const { pool, nonEmpty } = poolingMatrix(counts);
    const pooled = tf.matMul(pool, codes);
    const embedding = applyEmbeddingActivation(this.config.activation, tf.add(tf.matMul(pooled, p['proj/kernel'] as tf.Tensor2D), p['proj/bias']) as tf.Tensor2D);
    return tf.mul(embedding, nonEmpty);
  }

  embed(context: readonly EpisodeRecord[]): Float32Array {
    return embedWith(this, context);
  }
}
