import * as tf from '@tensorflow/tfjs';
import { initDense } from '../../agents/nn/init.js';
import { ParamLayout } from '../../agents/nn/param-layout.js';
import { ParameterVector } from '../../agents/nn/parameters.js';
import type { Rng } from '../../envs/rng/rng.js';
import type { EpisodeRecord } from '../episode-buffer.js';
import { gruEmbedHost } from './gru-host-forward.js';
import { applyEmbeddingActivation, embeddingActivation, poolingMatrix, positiveSetting, strideSteps, type GruEncoderConfig, type TaskEncoder } from './task-encoder.js';

/**
 * FLASH/AWARE's meta-learner, run over time (their code runs it over the feature index): each episode
 * of the context is a sequence of `[observation, action one-hot, reward]` steps fed to a stacked GRU
 * (PyTorch's gate equations); the last top-layer state is the episode's code; the codes of the
 * context's episodes are averaged and projected by Linear + ReLU to the embedding.
 *
 * Episodes of different lengths are batched with a mask: a padded step leaves the state unchanged.
 */
export class GruTrajectoryEncoder implements TaskEncoder {
  readonly config: Required<GruEncoderConfig>;
  readonly embeddingSize: number;
  readonly params: ParameterVector;
  private readonly inputSize: number;

  constructor(config: GruEncoderConfig, rng: Rng, values?: Float32Array) {
    const who = 'GruTrajectoryEncoder';
    this.config = {
      kind: 'gru',
      observationSize: positiveSetting(who, 'observationSize', config.observationSize),
      actionSize: positiveSetting(who, 'actionSize', config.actionSize),
      hiddenSize: positiveSetting(who, 'hiddenSize', config.hiddenSize ?? 32),
      layers: positiveSetting(who, 'layers', config.layers ?? 2),
      embeddingSize: positiveSetting(who, 'embeddingSize', config.embeddingSize ?? 32),
      maxSteps: positiveSetting(who, 'maxSteps', config.maxSteps ?? 64),
      activation: embeddingActivation(who, config.activation),
    };
    this.embeddingSize = this.config.embeddingSize;
    this.inputSize = this.config.observationSize + this.config.actionSize + 1;
    const H = this.config.hiddenSize;
    const layout = new ParamLayout();
    const initial = new Map<string, Float32Array>();
    // PyTorch's GRU init: every weight and bias uniform in ±1/√H. Gates packed [r | z | n].
    const bound = 1 / Math.sqrt(H);
    const uniform = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-bound, bound));
    for (let l = 0; l < this.config.layers; l++) {
      const fanIn = l === 0 ? this.inputSize : H;
      for (const [name, shape] of [[`gru${l}/wx`, [fanIn, 3 * H]], [`gru${l}/wh`, [H, 3 * H]], [`gru${l}/bx`, [3 * H]], [`gru${l}/bh`, [3 * H]]] as const) {
        const entry = layout.add(name, shape);
        initial.set(name, uniform(entry.size));
      }
    }
    layout.add('proj/kernel', [H, this.embeddingSize]);
    layout.add('proj/bias', [this.embeddingSize]);
    const proj = initDense(H, this.embeddingSize, { kind: 'torch-default' }, rng);
    initial.set('proj/kernel', proj.kernel);
    initial.set('proj/bias', proj.bias);
    this.params = ParameterVector.fromTensors(layout, initial);
    if (values !== undefined) this.params.values.set(checkedValues(values, layout.size, who));
  }

  forward(theta: tf.Tensor1D, contexts: readonly (readonly EpisodeRecord[])[]): tf.Tensor2D {
    const episodes = contexts.flat();
    const { pool, nonEmpty } = poolingMatrix(contexts.map((c) => c.length));
    const p = this.params.layout.split(theta);
    const H = this.config.hiddenSize;
    if (episodes.length === 0) return tf.zeros([contexts.length, this.embeddingSize]);
    const { inputs, mask, steps } = this.pack(episodes);
    const N = episodes.length;
    // Layer by layer: the whole sequence of one layer is the input of the next.
    let layerInput: tf.Tensor3D = inputs; // [N, T, in]
    let h: tf.Tensor2D = tf.zeros([N, H]);
    for (let l = 0; l < this.config.layers; l++) {
      const fanIn = layerInput.shape[2];
      const xg = tf.add(tf.matMul(layerInput.reshape([N * steps, fanIn]), p[`gru${l}/wx`] as tf.Tensor2D), p[`gru${l}/bx`]).reshape([N, steps, 3 * H]);
      const xgSteps = tf.unstack(xg, 1) as tf.Tensor2D[];
      const maskSteps = tf.unstack(mask, 1).map((m) => m.reshape([N, 1]));
      h = tf.zeros([N, H]);
      const outputs: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        const hg = tf.add(tf.matMul(h, p[`gru${l}/wh`] as tf.Tensor2D), p[`gru${l}/bh`]);
        const [xr, xz, xn] = tf.split(xgSteps[t], 3, 1);
        const [hr, hz, hn] = tf.split(hg, 3, 1);
        const r = tf.sigmoid(tf.add(xr, hr));
        const z = tf.sigmoid(tf.add(xz, hz));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        const next = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
        h = tf.add(h, tf.mul(maskSteps[t], tf.sub(next, h)));
        outputs.push(h);
      }
      layerInput = tf.stack(outputs, 1) as tf.Tensor3D;
    }
    const pooled = tf.matMul(pool, h); // [contexts, H]
    const embedding = applyEmbeddingActivation(this.config.activation, tf.add(tf.matMul(pooled, p['proj/kernel'] as tf.Tensor2D), p['proj/bias']) as tf.Tensor2D);
    return tf.mul(embedding, nonEmpty);
  }

  /** The embedding from the host copy of the parameters (see gru-host-forward.ts; `forward` gives the same up to float32 rounding). */
  embed(context: readonly EpisodeRecord[]): Float32Array {
    return gruEmbedHost({ ...this.config, inputSize: this.inputSize }, this.params.layout, this.params.values, context);
  }

  /** Pads the (strided) episodes into `[N, T, in]` inputs and a `[N, T]` mask. */
  private pack(episodes: readonly EpisodeRecord[]): { inputs: tf.Tensor3D; mask: tf.Tensor2D; steps: number } {
    const picks = episodes.map((e) => strideSteps(e.length, this.config.maxSteps));
    const steps = Math.max(...picks.map((p) => p.length));
    const F = this.inputSize;
    const inputs = new Float32Array(episodes.length * steps * F);
    const mask = new Float32Array(episodes.length * steps);
    episodes.forEach((e, i) => {
      if (e.rowSize < F) throw new RangeError(`GruTrajectoryEncoder: episode rows have ${e.rowSize} numbers, fewer than the ${F} of [observation, action, reward]`);
      picks[i].forEach((t, k) => {
        inputs.set(e.steps.subarray(t * e.rowSize, t * e.rowSize + F), (i * steps + k) * F);
        mask[i * steps + k] = 1;
      });
    });
    return { inputs: tf.tensor3d(inputs, [episodes.length, steps, F]), mask: tf.tensor2d(mask, [episodes.length, steps]), steps };
  }
}

/** Checks stored parameter values against the layout size. */
export function checkedValues(values: Float32Array, size: number, who: string): Float32Array {
  if (values.length !== size) throw new RangeError(`${who}: ${values.length} stored parameter values for a network of ${size}; the configuration differs from the stored one`);
  return values;
}
