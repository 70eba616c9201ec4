import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../envs/rng/rng.js';
import { FastMlp } from '../nn/fast-forward.js';
import { buildMlp, mlpForward, type Activation, type Mlp } from '../nn/mlp.js';
import { ParamLayout } from '../nn/param-layout.js';
import { ParameterVector } from '../nn/parameters.js';
import type { ActionKind } from '../common/spaces.js';

/** SB3's `net_arch` for actor-critic policies: shared sizes, or separate `pi` and `vf` sizes. */
export type ActorCriticNetArch = readonly number[] | { readonly pi: readonly number[]; readonly vf: readonly number[] };

/** SB3's `policy_kwargs` for PPO, in camelCase. */
export interface ActorCriticPolicyKwargs {
  /** Default `{ pi: [64, 64], vf: [64, 64] }`. */
  readonly netArch?: ActorCriticNetArch;
  /** Default `tanh`. */
  readonly activationFn?: Activation;
  /** Orthogonal init with SB3's gains (√2 hidden, 0.01 policy head, 1 value head); default true. */
  readonly orthoInit?: boolean;
  /** Initial log standard deviation of Gaussian policies; default 0. */
  readonly logStdInit?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * SB3's `ActorCriticPolicy` for MLPs: separate policy and value networks (no shared layers), a categorical
 * head for Discrete actions or a diagonal Gaussian with a state-independent `log_std` for Box actions.
 * All parameters live in one flat {@link ParameterVector}; acting runs on the typed-array fast path.
 */
export class ActorCriticPolicy {
  readonly params: ParameterVector;
  readonly pi: Mlp;
  readonly vf: Mlp;
  readonly netArch: { pi: number[]; vf: number[] };
  readonly activation: Activation;
  private readonly fastPi: FastMlp;
  private readonly fastVf: FastMlp;
  private readonly logStd: Float32Array | undefined;
  private readonly piOut: Float64Array;
  private readonly vfOut: Float64Array;
  readonly outputSize: number;

  constructor(
    readonly obsSize: number,
    readonly action: ActionKind,
    kwargs: ActorCriticPolicyKwargs,
    rng: Rng,
    readonly maxBatch: number,
  ) {
    const arch = kwargs.netArch ?? { pi: [64, 64], vf: [64, 64] };
    this.netArch = isSplitArch(arch) ? { pi: [...arch.pi], vf: [...arch.vf] } : { pi: [...arch], vf: [...arch] };
    this.activation = kwargs.activationFn ?? 'tanh';
    if (this.activation !== 'tanh' && this.activation !== 'relu') throw new RangeError(`policyKwargs.activationFn must be "tanh" or "relu", got ${String(this.activation)}`);
    const ortho = kwargs.orthoInit ?? true;
    const hidden = ortho ? ({ kind: 'orthogonal', gain: Math.SQRT2 } as const) : ({ kind: 'torch-default' } as const);
    this.outputSize = action.kind === 'discrete' ? action.n : action.size;
    const layout = new ParamLayout();
    const initial = new Map<string, Float32Array>();
    const write = (name: string, values: Float32Array) => initial.set(name, values);
    this.pi = buildMlp(layout, { name: 'pi', inputSize: obsSize, hiddenSizes: this.netArch.pi, outputSize: this.outputSize, activation: this.activation, hiddenInit: hidden, outputInit: ortho ? { kind: 'orthogonal', gain: 0.01 } : hidden }, rng, write);
    this.vf = buildMlp(layout, { name: 'vf', inputSize: obsSize, hiddenSizes: this.netArch.vf, outputSize: 1, activation: this.activation, hiddenInit: hidden, outputInit: ortho ? { kind: 'orthogonal', gain: 1 } : hidden }, rng, write);
    if (action.kind === 'box') {
      layout.add('log_std', [action.size]);
      initial.set('log_std', new Float32Array(action.size).fill(kwargs.logStdInit ?? 0));
    }
    this.params = ParameterVector.fromTensors(layout, initial);
    this.fastPi = new FastMlp(this.pi, layout, this.params.values);
    this.fastVf = new FastMlp(this.vf, layout, this.params.values);
    this.logStd = action.kind === 'box' ? layout.view(this.params.values, 'log_std') : undefined;
    this.piOut = new Float64Array(maxBatch * this.outputSize);
    this.vfOut = new Float64Array(maxBatch);
  }

  /** Values V(s) of `batch` encoded observations (fast path). */
  values(obs: Float32Array, batch: number, out: Float64Array): void {
    const v = this.fastVf.forward(obs, batch, batch <= this.maxBatch ? this.vfOut : new Float64Array(batch));
    for (let b = 0; b < batch; b++) out[b] = v[b];
  }

  /**
   * Samples (or, deterministic, takes the mode of) an action per observation; writes the actions
   * (`[batch × actionDim]`, unclipped) and their log-probabilities. Fast path, randomness from `rng`.
   */
  act(obs: Float32Array, batch: number, deterministic: boolean, rng: Rng | undefined, actions: Float32Array, logProbs: Float64Array | undefined): void {
    const k = this.outputSize;
    const out = this.fastPi.forward(obs, batch, batch <= this.maxBatch ? this.piOut : new Float64Array(batch * k));
    if (this.action.kind === 'discrete') {
      for (let b = 0; b < batch; b++) {
        const o = b * k;
        let max = -Infinity;
        let argmax = 0;
        for (let j = 0; j < k; j++) if (out[o + j] > max) { max = out[o + j]; argmax = j; }
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(out[o + j] - max);
        let a = argmax;
        if (!deterministic) {
          let u = (rng as Rng).random() * sum;
          a = k - 1;
          for (let j = 0; j < k; j++) {
            u -= Math.exp(out[o + j] - max);
            if (u < 0) { a = j; break; }
          }
        }
        actions[b] = a;
        if (logProbs) logProbs[b] = out[o + a] - max - Math.log(sum);
      }
      return;
    }
    const logStd = this.logStd as Float32Array;
    for (let b = 0; b < batch; b++) {
      let lp = 0;
      for (let j = 0; j < k; j++) {
        const mean = out[b * k + j];
        const z = deterministic ? 0 : (rng as Rng).normal();
        const std = Math.exp(logStd[j]);
        actions[b * k + j] = mean + std * z;
        lp += -0.5 * z * z - logStd[j] - 0.5 * LOG_2PI;
      }
      if (logProbs) logProbs[b] = lp;
    }
  }

  /**
   * tfjs evaluation of stored actions (SB3's `evaluate_actions`): log-probabilities `[B]`, entropies
   * (`[B]` for categorical, a scalar for the Gaussian, whose entropy does not depend on the state) and values `[B]`.
   */
  evaluateActions(theta: tf.Tensor1D, obs: tf.Tensor2D, actions: tf.Tensor): { logProb: tf.Tensor1D; entropy: tf.Tensor; values: tf.Tensor1D } {
    const p = this.params.layout.split(theta);
    const out = mlpForward(this.pi, p, obs);
    const values = mlpForward(this.vf, p, obs).reshape([-1]) as tf.Tensor1D;
    if (this.action.kind === 'discrete') {
      const lsm = tf.logSoftmax(out);
      const logProb = tf.sum(tf.mul(lsm, actions), 1) as tf.Tensor1D; // actions are one-hot here
      const entropy = tf.neg(tf.sum(tf.mul(tf.exp(lsm), lsm), 1));
      return { logProb, entropy, values };
    }
    const logStd = p['log_std'];
    const z = tf.div(tf.sub(actions, out), tf.exp(logStd));
    const a = this.action.size;
    const logProb = tf.sub(tf.mul(tf.sum(tf.square(z), 1), -0.5), tf.add(tf.sum(logStd), 0.5 * a * LOG_2PI)) as tf.Tensor1D;
    const entropy = tf.add(tf.sum(logStd), a * 0.5 * (1 + LOG_2PI));
    return { logProb, entropy, values };
  }

  /** Mean standard deviation of the Gaussian policy (SB3's `train/std`), or undefined for categorical. */
  meanStd(): number | undefined {
    if (this.logStd === undefined) return undefined;
    let s = 0;
    for (const v of this.logStd) s += Math.exp(v);
    return s / this.logStd.length;
  }
}

function isSplitArch(arch: ActorCriticNetArch): arch is { readonly pi: readonly number[]; readonly vf: readonly number[] } {
  return !Array.isArray(arch);
}
