import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../envs/rng/rng.js';
import { FastMlp } from '../nn/fast-forward.js';
import { buildMlp, mlpForward, type Activation, type Mlp } from '../nn/mlp.js';
import { ParamLayout } from '../nn/param-layout.js';
import { ParameterVector } from '../nn/parameters.js';

/** SB3's `net_arch` for TD3/DDPG: one list for actor and critics, or separate `pi` (actor) and `qf` (critic) lists. */
export type Td3NetArch = readonly number[] | { readonly pi: readonly number[]; readonly qf: readonly number[] };

/** SB3's `policy_kwargs` for DDPG/TD3, in camelCase. */
export interface Td3PolicyKwargs {
  /** Default `[256, 256]` (SB3 2.x). */
  readonly netArch?: Td3NetArch;
  /** Hidden activation; default `relu` (SB3's). */
  readonly activationFn?: Activation;
  /** Number of Q-networks: default 2 for TD3 (clipped double Q), 1 for DDPG. */
  readonly nCritics?: number;
}

/**
 * SB3's `TD3Policy`: a deterministic actor `μ(s) = tanh(MLP(s))` in the scaled action space [-1, 1], and
 * `nCritics` Q-networks `Q_i(s, a) = MLP([s, a])`, each with a target copy. PyTorch's default `nn.Linear`
 * init, as SB3. The actor's and the critics' parameters are two flat {@link ParameterVector}s (one Adam
 * each); acting runs the actor on the typed-array fast path.
 */
export class Td3Policy {
  readonly actor: Mlp;
  readonly critics: readonly Mlp[];
  readonly actorParams: ParameterVector;
  readonly criticParams: ParameterVector;
  readonly actorTarget: ParameterVector;
  readonly criticTarget: ParameterVector;
  readonly netArch: { pi: number[]; qf: number[] };
  readonly activation: Activation;
  readonly nCritics: number;
  private readonly fastActor: FastMlp;
  private rawOut: Float64Array;

  constructor(
    readonly obsSize: number,
    readonly actionDim: number,
    kwargs: Td3PolicyKwargs,
    defaultCritics: number,
    rng: Rng,
  ) {
    const arch = kwargs.netArch ?? [256, 256];
    this.netArch = isSplit(arch) ? { pi: [...arch.pi], qf: [...arch.qf] } : { pi: [...arch], qf: [...arch] };
    for (const [key, sizes] of Object.entries(this.netArch)) {
      if (!sizes.every((s) => Number.isInteger(s) && s > 0)) throw new RangeError(`policyKwargs.netArch${isSplit(arch) ? `.${key}` : ''} must be positive integers, got ${JSON.stringify(sizes)}`);
    }
    this.activation = kwargs.activationFn ?? 'relu';
    if (this.activation !== 'relu' && this.activation !== 'tanh') throw new RangeError(`policyKwargs.activationFn must be "relu" or "tanh", got ${String(this.activation)}`);
    this.nCritics = kwargs.nCritics ?? defaultCritics;
    if (!Number.isInteger(this.nCritics) || this.nCritics < 1) throw new RangeError(`policyKwargs.nCritics must be a positive integer, got ${String(kwargs.nCritics)}`);
    const init = { kind: 'torch-default' } as const;
    const actorLayout = new ParamLayout();
    const actorInit = new Map<string, Float32Array>();
    this.actor = buildMlp(actorLayout, { name: 'mu', inputSize: obsSize, hiddenSizes: this.netArch.pi, outputSize: actionDim, activation: this.activation, hiddenInit: init, outputInit: init }, rng, (n, v) => actorInit.set(n, v));
    const criticLayout = new ParamLayout();
    const criticInit = new Map<string, Float32Array>();
    const critics: Mlp[] = [];
    for (let i = 0; i < this.nCritics; i++) {
      critics.push(buildMlp(criticLayout, { name: `qf${i}`, inputSize: obsSize + actionDim, hiddenSizes: this.netArch.qf, outputSize: 1, activation: this.activation, hiddenInit: init, outputInit: init }, rng, (n, v) => criticInit.set(n, v)));
    }
    this.critics = critics;
    this.actorParams = ParameterVector.fromTensors(actorLayout, actorInit);
    this.criticParams = ParameterVector.fromTensors(criticLayout, criticInit);
    // Targets start as exact copies (SB3 loads the online state dicts into them).
    this.actorTarget = new ParameterVector(actorLayout, Float32Array.from(this.actorParams.values));
    this.criticTarget = new ParameterVector(criticLayout, Float32Array.from(this.criticParams.values));
    this.fastActor = new FastMlp(this.actor, actorLayout, this.actorParams.values);
    this.rawOut = new Float64Array(actionDim);
  }

  /** The actor's actions in [-1, 1] for `batch` observations (fast path on the host weights). */
  act(obs: Float32Array, batch: number, out: Float32Array): void {
    if (this.rawOut.length < batch * this.actionDim) this.rawOut = new Float64Array(batch * this.actionDim);
    const raw = this.fastActor.forward(obs, batch, this.rawOut);
    for (let k = 0; k < batch * this.actionDim; k++) out[k] = Math.tanh(raw[k]);
  }

  /** tfjs actor `tanh(MLP(obs))` with parameters `theta` (the online or the target vector). */
  actorForward(theta: tf.Tensor1D, obs: tf.Tensor2D): tf.Tensor2D {
    return tf.tanh(mlpForward(this.actor, this.actorParams.layout.split(theta), obs));
  }

  /** tfjs Q-values `[B, 1]` of every critic (or the first `count`) with parameters `theta`. */
  criticForward(theta: tf.Tensor1D, obs: tf.Tensor2D, actions: tf.Tensor2D, count = this.nCritics): tf.Tensor2D[] {
    const params = this.criticParams.layout.split(theta);
    const input = tf.concat([obs, actions], 1);
    return this.critics.slice(0, count).map((critic) => mlpForward(critic, params, input));
  }

  /** Polyak averaging of both targets: `θ' ← (1 − τ) θ' + τ θ` (SB3's `polyak_update`); call inside `tf.tidy`. */
  updateTargets(tau: number): void {
    for (const [target, online] of [[this.actorTarget, this.actorParams], [this.criticTarget, this.criticParams]] as const) {
      target.variable.assign(tf.add(tf.mul(target.variable, 1 - tau), tf.mul(online.variable, tau)));
    }
  }

  /** Refreshes the host copies of all four vectors from the device (for checkpoints). */
  pullAll(): void {
    for (const p of [this.actorParams, this.criticParams, this.actorTarget, this.criticTarget]) p.pull();
  }

  /** Frees the tfjs variables (the host copies stay). */
  dispose(): void {
    for (const p of [this.actorParams, this.criticParams, this.actorTarget, this.criticTarget]) p.dispose();
  }
}

function isSplit(arch: Td3NetArch): arch is { readonly pi: readonly number[]; readonly qf: readonly number[] } {
  return !Array.isArray(arch);
}
