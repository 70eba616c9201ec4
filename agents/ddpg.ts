import { Rng } from '../envs/rng/rng.js';
import type { Box } from '../envs/spaces/box.js';
import { openCheckpoint, type AgentEnv, type CommonAgentOptions, type LoadOptions } from './common/base-algorithm.js';
import type { BaseCallback } from './common/callbacks.js';
import type { BatchStep } from './common/env-batch.js';
import { OffPolicyAlgorithm, type OffPolicySettings } from './common/off-policy-algorithm.js';
import { CheckpointError, tensorOf, type CheckpointContents, type TensorGroup } from './common/checkpoint.js';
import { assertSchedule, scheduleToJson, scheduleValue, type Schedule } from './common/schedules.js';
import { actionKind } from './common/spaces.js';
import { assertKnownKeys, COMMON_OPTION_KEYS, inRange, nonNegative, nonNegativeInt, positiveInt, stripUndefined } from './common/validate.js';
import type { AdamState } from './nn/flat-adam.js';
import { makeActionNoise, type ActionNoise, type ActionNoiseSpec, type ActionNoiseState } from './noise.js';
import { Td3Policy, type Td3PolicyKwargs } from './policies/td3-policy.js';
import type { Td3Updater } from './policies/td3-update.js';
import { HostTd3Updater } from './policies/td3-update-host.js';
import { usesTfjsEngine } from './policies/engine-choice.js';
import { TfjsTd3Updater } from './policies/td3-update-tfjs.js';

/** DDPG's (and TD3's) hyperparameters: SB3's names in camelCase. */
export interface DDPGOptions extends CommonAgentOptions {
  /**
   * The TD3 switch: twin critics (`policyKwargs.nCritics` 2), delayed policy updates (`policyDelay` 2) and
   * target policy smoothing (`targetPolicyNoise` 0.2 clipped at 0.5). Each can still be set explicitly.
   */
  readonly td3?: boolean;
  /** Adam's learning rate for actor and critics; default 1e-3. A number, `linearSchedule(...)` or a function. */
  readonly learningRate?: Schedule;
  /** Replay buffer capacity; default 1,000,000. */
  readonly bufferSize?: number;
  /** Steps of uniformly random actions before the policy acts and training starts; default 100. */
  readonly learningStarts?: number;
  /** Minibatch size; default 256. */
  readonly batchSize?: number;
  /** Polyak coefficient of the target networks; default 0.005. */
  readonly tau?: number;
  /** Discount; default 0.99. */
  readonly gamma?: number;
  /** Train every `trainFreq` steps of the (vector) env; default 1. */
  readonly trainFreq?: number;
  /** Gradient steps after each rollout; -1: as many as env steps collected. Default 1. */
  readonly gradientSteps?: number;
  /** Exploration noise added to the scaled action; default none (SB3's). */
  readonly actionNoise?: ActionNoiseSpec | null;
  /** Update the actor and targets every `policyDelay` critic updates; default 1 (DDPG), 2 (TD3). */
  readonly policyDelay?: number;
  /** Std of the noise added to target actions; default 0.1 (DDPG, clipped to nothing), 0.2 (TD3). */
  readonly targetPolicyNoise?: number;
  /** Clip of the target noise; default 0 (DDPG: no smoothing), 0.5 (TD3). */
  readonly targetNoiseClip?: number;
  readonly policyKwargs?: Td3PolicyKwargs;
  /**
   * Where gradient steps run: the `typed-array` engine (host parameter vectors, `WasmMlp`'s WebAssembly SIMD
   * matrix products in float32, host Adam), `tfjs` on the selected backend, or `auto` (default): tfjs on the
   * native backends (node, node-gpu), the typed-array engine on `cpu` and `wasm` (PPO/DQN's rule,
   * `usesTfjsEngine`). Measured on a 2-core EPYC, batch 256, [400, 300] nets: one DDPG step cost ≈ 27 ms
   * wall on the typed-array engine with one-thread mul+add SIMD products (TD3 ≈ 31 ms; ≈ 230 ms with the
   * former float64 loops) vs ≈ 150 ms on tfjs's wasm backend; fused multiply-adds, the products split over
   * two threads and SIMD ReLU passes cut it about 2.1× (side by side, busy machine; see
   * `benchmarks/learning-offpolicy.ts --only grad-step`).
   */
  readonly engine?: TrainingEngine;
}

/** See {@link DDPGOptions.engine}. */
export type TrainingEngine = 'auto' | 'typed-array' | 'tfjs';

type Resolved = Required<Omit<DDPGOptions, keyof CommonAgentOptions | 'actionNoise' | 'policyKwargs'>> & {
  actionNoise: ActionNoiseSpec | null;
  policyKwargs: Td3PolicyKwargs;
};

const COMMON_DEFAULTS = {
  learningRate: 1e-3,
  bufferSize: 1_000_000,
  learningStarts: 100,
  batchSize: 256,
  tau: 0.005,
  gamma: 0.99,
  trainFreq: 1,
  gradientSteps: 1,
  actionNoise: null,
  engine: 'auto' as TrainingEngine,
};

/** SB3's DDPG: TD3 with one critic, no policy delay and no target smoothing (its clip is 0). */
const DDPG_DEFAULTS = { ...COMMON_DEFAULTS, td3: false, policyDelay: 1, targetPolicyNoise: 0.1, targetNoiseClip: 0 };
/** SB3's TD3 defaults. */
const TD3_DEFAULTS = { ...COMMON_DEFAULTS, td3: true, policyDelay: 2, targetPolicyNoise: 0.2, targetNoiseClip: 0.5 };

const HYPERPARAMETER_KEYS = [...Object.keys(TD3_DEFAULTS), 'policyKwargs'];

/**
 * Deep Deterministic Policy Gradient with the TD3 switch, as Stable-Baselines3 implements them
 * (`td3/td3.py`, `ddpg/ddpg.py`): a tanh actor in the scaled action space [-1, 1] rescaled to the Box
 * bounds, Q-critics on `[s, a]`, target networks with Polyak averaging, uniformly random actions for the
 * first `learningStarts` steps, Gaussian or OU exploration noise on the scaled action (then clipped), a
 * replay buffer that bootstraps truncated episodes from their final observation, and, with `td3: true`,
 * clipped double Q-learning, delayed actor updates and target policy smoothing.
 *
 * Speed: acting runs the actor on typed-array loops; each gradient step is one tfjs gradient of the
 * critics' flat parameter vector (and, every `policyDelay` steps, one of the actor's) with a fused Adam
 * step and a two-op Polyak update per network.
 */
export class DDPG extends OffPolicyAlgorithm {
  /** The name stored in checkpoints; `TD3` overrides it. */
  static readonly algorithm: string = 'DDPG';
  readonly algorithmName: string;
  readonly hyperparameters: Readonly<Resolved>;
  readonly policy: Td3Policy;
  /** The gradient-step engine, created at the first update (once the backend is known). */
  private updater: Td3Updater | undefined;
  /** Optimizer states restored from a checkpoint, handed to the updater when it is created. */
  private pendingOptimizers: { actor: AdamState; critic: AdamState } | undefined;
  readonly actionNoise: ActionNoise | null;
  protected readonly settings: OffPolicySettings;
  protected readonly storedActionDim: number;
  private readonly box: Box;
  private readonly actionDim: number;
  private readonly noiseScratch: Float32Array;

  constructor(env: AgentEnv, options: DDPGOptions = {}) {
    super(env, options);
    const who = (this.constructor as typeof DDPG).algorithm;
    this.algorithmName = who;
    assertKnownKeys(who, options, [...HYPERPARAMETER_KEYS, ...COMMON_OPTION_KEYS]);
    const defaults = options.td3 === true ? TD3_DEFAULTS : DDPG_DEFAULTS;
    const h = { ...defaults, policyKwargs: {}, ...stripUndefined(options) } as Resolved;
    for (const key of COMMON_OPTION_KEYS) delete (h as Record<string, unknown>)[key];
    if (typeof h.td3 !== 'boolean') throw new RangeError(`${who}: td3 must be true or false, got ${String(h.td3)}`);
    assertSchedule(`${who}: learningRate`, h.learningRate, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
    positiveInt(who, 'bufferSize', h.bufferSize);
    nonNegativeInt(who, 'learningStarts', h.learningStarts);
    positiveInt(who, 'batchSize', h.batchSize);
    inRange(who, 'tau', h.tau, 0, 1);
    inRange(who, 'gamma', h.gamma, 0, 1);
    positiveInt(who, 'trainFreq', h.trainFreq);
    if (!Number.isInteger(h.gradientSteps) || h.gradientSteps < -1) throw new RangeError(`${who}: gradientSteps must be an integer >= 0, or -1 (as many as env steps collected), got ${String(h.gradientSteps)}`);
    positiveInt(who, 'policyDelay', h.policyDelay);
    nonNegative(who, 'targetPolicyNoise', h.targetPolicyNoise);
    nonNegative(who, 'targetNoiseClip', h.targetNoiseClip);
    const action = actionKind(this.actionSpace, who, ['box']);
    if (action.kind !== 'box') throw new RangeError(`${who}: needs a Box action space`);
    this.box = action.space;
    for (let j = 0; j < this.box.size; j++) {
      if (!Number.isFinite(this.box.low[j]) || !Number.isFinite(this.box.high[j])) {
        throw new RangeError(`${who}: the action space ${this.box.toString()} must be bounded (its actions are a tanh output rescaled to [low, high]); wrap the env in RescaleAction or ClipAction`);
      }
    }
    this.actionDim = this.box.size;
    this.storedActionDim = this.actionDim;
    this.noiseScratch = new Float32Array(this.actionDim);
    this.actionNoise = h.actionNoise === null ? null : makeActionNoise(h.actionNoise, this.actionDim, this.numEnvs);
    // Weight init draws from a child of the agent's RNG, so later draws do not depend on the network size.
    const initRng = new Rng(this.rng.spawnSeed());
    this.policy = new Td3Policy(this.encoder.size, this.actionDim, h.policyKwargs, h.td3 ? 2 : 1, initRng);
    this.hyperparameters = Object.freeze(h);
    if (!['auto', 'typed-array', 'tfjs'].includes(h.engine)) throw new RangeError(`${who}: engine must be "auto", "typed-array" or "tfjs", got ${JSON.stringify(h.engine)}`);
    this.settings = { bufferSize: h.bufferSize, learningStarts: h.learningStarts, batchSize: h.batchSize, trainFreq: h.trainFreq, gradientSteps: h.gradientSteps };
    this.initReplayBuffer();
  }

  /** Loads a checkpoint written by `save`; with `env` the agent can continue learning. */
  static async load(dir: string, env?: AgentEnv, options: LoadOptions = {}): Promise<DDPG> {
    return DDPG.restore(DDPG, dir, env, options);
  }

  /** Builds an agent of class `ctor` from a checkpoint and restores its full training state. */
  protected static restore<T extends DDPG>(ctor: (new (env: AgentEnv, options: DDPGOptions) => T) & { algorithm: string }, dir: string, env: AgentEnv | undefined, options: LoadOptions): T {
    const { contents, spaces } = openCheckpoint(dir, ctor.algorithm, env);
    const s = contents.state;
    const h = s.hyperparameters as Record<string, unknown> | undefined;
    if (h === undefined || h === null || typeof h !== 'object') throw new CheckpointError(`${dir}: state.json has no hyperparameters`);
    if (typeof h.learningRate === 'object' && h.learningRate !== null && (h.learningRate as { kind?: string }).kind === 'function') {
      throw new CheckpointError(`${dir}: learningRate was a function, which cannot be stored; rebuild the agent with new ${ctor.algorithm}(...) and copy the parameters`);
    }
    const agent = new ctor(env ?? spaces, { ...(h as DDPGOptions), seed: (s.seed as number | null) ?? undefined, backend: options.backend, verbose: options.verbose });
    const p = agent.policy;
    for (const [name, vector] of [['actor', p.actorParams], ['critic', p.criticParams], ['actor_target', p.actorTarget], ['critic_target', p.criticTarget]] as const) {
      vector.values.set(tensorOf(contents.model, `${name}/theta`, vector.layout.size, dir));
      vector.push();
    }
    const adam = (name: 'actor' | 'critic', size: number): AdamState => {
      const step = contents.optimizer.meta[`${name}_step`];
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw new CheckpointError(`${dir}: optimizer.json has no valid ${name}_step`);
      return { step, m: tensorOf(contents.optimizer, `${name}/m`, size, dir), v: tensorOf(contents.optimizer, `${name}/v`, size, dir) };
    };
    agent.pendingOptimizers = { actor: adam('actor', p.actorParams.layout.size), critic: adam('critic', p.criticParams.layout.size) };
    agent.restoreReplay(contents.buffers, dir);
    if (agent.actionNoise !== null) {
      try {
        agent.actionNoise.setState(s.actionNoise as ActionNoiseState);
      } catch (error) {
        throw new CheckpointError(`${dir}: ${(error as Error).message}`);
      }
    }
    agent.restoreBase(contents, options, dir);
    return agent;
  }

  /**
   * The policy's action for one observation, rescaled to the Box bounds. The actor is deterministic, so
   * `deterministic` changes nothing (SB3's TD3 adds exploration noise only while collecting).
   */
  predict(observation: unknown, _options: { deterministic?: boolean } = {}): Float32Array {
    const scaled = new Float32Array(this.actionDim);
    this.policy.act(this.encodeOne(observation), 1, scaled);
    return this.unscale(scaled, 0);
  }

  /**
   * SB3's `_sample_action`: uniform actions in [-1, 1] before `learningStarts`, the actor's after; then the
   * exploration noise, a clip to [-1, 1] (what the buffer stores) and the rescaling to the Box (what the env gets).
   */
  protected chooseActions(obs: Float32Array, random: boolean, stored: Float32Array, batched: Int32Array | Float32Array): void {
    const n = this.numEnvs;
    const d = this.actionDim;
    if (random) {
      for (let k = 0; k < n * d; k++) stored[k] = this.rng.uniform(-1, 1);
    } else {
      this.policy.act(obs, n, stored);
    }
    if (this.actionNoise !== null) {
      const noise = this.noiseScratch;
      for (let i = 0; i < n; i++) {
        this.actionNoise.sample(i, this.rng, noise, 0);
        for (let j = 0; j < d; j++) stored[i * d + j] = Math.min(1, Math.max(-1, stored[i * d + j] + noise[j]));
      }
    }
    for (let i = 0; i < n; i++) batched.set(this.unscale(stored, i), i * d);
  }

  /** Restarts the noise process of each env whose episode just ended (SB3 resets it at episode ends). */
  protected afterEnvStep(step: BatchStep): void {
    if (this.actionNoise === null) return;
    for (let i = 0; i < this.numEnvs; i++) {
      if (step.resetSteps[i] === 0 && (step.terminated[i] === 1 || step.truncated[i] === 1)) this.actionNoise.reset(i);
    }
  }

  protected envActionOf(batched: Int32Array | Float32Array, i: number): Float32Array {
    return Float32Array.from(batched.subarray(i * this.actionDim, (i + 1) * this.actionDim));
  }

  protected allocBatchedActions(): Float32Array {
    return new Float32Array(this.numEnvs * this.actionDim);
  }

  protected trainSteps(gradientSteps: number): void {
    this.train(gradientSteps);
  }

  /** The training loop, then the policy's host vectors brought up to date (the typed-array engine keeps its own copies; see `HostTd3Updater`). */
  protected override async runTraining(callback: BaseCallback, logInterval: number): Promise<void> {
    try {
      await super.runTraining(callback, logInterval);
    } finally {
      this.updater?.syncHost(false);
    }
  }

  /** `gradientSteps` TD3/DDPG updates from replayed minibatches (SB3's `TD3.train`). */
  private train(gradientSteps: number): void {
    const h = this.hyperparameters;
    const lr = scheduleValue(h.learningRate, this.progressRemaining);
    const updater = this.ensureUpdater();
    const B = h.batchSize;
    const d = this.actionDim;
    const smoothing = h.targetPolicyNoise > 0 && h.targetNoiseClip > 0;
    const targetNoise = smoothing ? new Float32Array(B * d) : null;
    const notDone = new Float32Array(B);
    let criticLossSum = 0;
    let actorLossSum = 0;
    let actorUpdates = 0;
    for (let g = 0; g < gradientSteps; g++) {
      this.nUpdates += 1;
      const batch = this.replayBuffer.sample(B, this.rng);
      for (let b = 0; b < B; b++) notDone[b] = 1 - batch.dones[b];
      if (targetNoise !== null) {
        // SB3 draws ε ~ N(0, targetPolicyNoise) clipped to ±targetNoiseClip; here from the agent's RNG.
        const c = h.targetNoiseClip;
        for (let k = 0; k < B * d; k++) targetNoise[k] = Math.min(c, Math.max(-c, h.targetPolicyNoise * this.rng.normal()));
      }
      const updateActor = this.nUpdates % h.policyDelay === 0;
      const losses = updater.step(
        { size: B, observations: batch.observations, actions: batch.actions, nextObservations: batch.nextObservations, rewards: batch.rewards, notDone, targetNoise },
        { learningRate: lr, gamma: h.gamma, tau: h.tau, updateActor },
      );
      criticLossSum += losses.criticLoss;
      if (updateActor) {
        actorLossSum += losses.actorLoss;
        actorUpdates += 1;
      }
    }
    // The acting fast path reads the host copy of the actor.
    if (actorUpdates > 0) updater.syncHost(true);
    const l = this.logger;
    l.record('train/n_updates', this.nUpdates);
    l.record('train/learning_rate', lr);
    l.record('train/critic_loss', criticLossSum / gradientSteps);
    if (actorUpdates > 0) l.record('train/actor_loss', actorLossSum / actorUpdates);
  }

  /** The engine gradient steps run on (see {@link DDPGOptions.engine}); undefined before the first update. */
  get engine(): 'typed-array' | 'tfjs' | undefined {
    return this.updater?.engine;
  }

  private ensureUpdater(): Td3Updater {
    if (this.updater !== undefined) return this.updater;
    const p = this.policy;
    const useTfjs = usesTfjsEngine(this.hyperparameters.engine, this.backend?.name, [p.actor, ...p.critics], this.hyperparameters.batchSize);
    this.updater = useTfjs ? new TfjsTd3Updater(p) : new HostTd3Updater(p);
    if (this.pendingOptimizers !== undefined) this.updater.setOptimizerStates(this.pendingOptimizers);
    this.pendingOptimizers = undefined;
    return this.updater;
  }

  /** The optimizer states now (zeros before the first update). */
  private optimizerStates(): { actor: AdamState; critic: AdamState } {
    if (this.updater !== undefined) return this.updater.optimizerStates();
    if (this.pendingOptimizers !== undefined) return this.pendingOptimizers;
    const zero = (size: number): AdamState => ({ step: 0, m: new Float32Array(size), v: new Float32Array(size) });
    return { actor: zero(this.policy.actorParams.layout.size), critic: zero(this.policy.criticParams.layout.size) };
  }

  /** Env i's action: its scaled action `[-1, 1]` mapped to `[low, high]` (SB3's `unscale_action`). */
  private unscale(scaled: Float32Array, i: number): Float32Array {
    const d = this.actionDim;
    const out = new Float32Array(d);
    const { low, high } = this.box;
    for (let j = 0; j < d; j++) out[j] = low[j] + 0.5 * (scaled[i * d + j] + 1) * (high[j] - low[j]);
    return out;
  }

  protected checkpointContents(): CheckpointContents {
    const p = this.policy;
    this.updater?.syncHost(false);
    const h = this.hyperparameters;
    const model = (name: string, values: Float32Array) => ({ name: `${name}/theta`, shape: [values.length], values });
    const { actor: actorAdam, critic: criticAdam } = this.optimizerStates();
    const replay = this.replayBuffer.getState();
    const n = replay.rewards.length;
    const os = this.encoder.size;
    const d = this.actionDim;
    return {
      model: {
        meta: {
          modelTopology: { class_name: 'Td3Policy', config: { netArch: p.netArch, activationFn: p.activation, nCritics: p.nCritics, actor: p.actorParams.layout.describe(), critic: p.criticParams.layout.describe() } },
        },
        tensors: [model('actor', p.actorParams.values), model('critic', p.criticParams.values), model('actor_target', p.actorTarget.values), model('critic_target', p.criticTarget.values)],
      },
      optimizer: {
        meta: { class_name: 'Adam', actor_step: actorAdam.step, critic_step: criticAdam.step, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
        tensors: [
          { name: 'actor/m', shape: [actorAdam.m.length], values: actorAdam.m },
          { name: 'actor/v', shape: [actorAdam.v.length], values: actorAdam.v },
          { name: 'critic/m', shape: [criticAdam.m.length], values: criticAdam.m },
          { name: 'critic/v', shape: [criticAdam.v.length], values: criticAdam.v },
        ],
      },
      buffers: {
        meta: { class_name: 'ReplayBuffer', pos: replay.pos, full: replay.full, size: n },
        tensors: [
          { name: 'replay/observations', shape: [n, os], values: replay.observations },
          { name: 'replay/next_observations', shape: [n, os], values: replay.nextObservations },
          { name: 'replay/actions', shape: [n, d], values: replay.actions },
          { name: 'replay/rewards', shape: [n], values: replay.rewards },
          { name: 'replay/dones', shape: [n], values: replay.dones },
        ],
      },
      state: {
        hyperparameters: { ...h, learningRate: scheduleToJson(h.learningRate) },
        actionNoise: this.actionNoise?.getState() ?? null,
      },
    };
  }

  private restoreReplay(group: TensorGroup, dir: string): void {
    const { pos, full, size } = group.meta as { pos?: unknown; full?: unknown; size?: unknown };
    if (typeof size !== 'number' || typeof pos !== 'number' || typeof full !== 'boolean') throw new CheckpointError(`${dir}: buffers.json does not describe a replay buffer (pos, full, size)`);
    const os = this.encoder.size;
    const d = this.actionDim;
    try {
      this.replayBuffer.setState({
        pos,
        full,
        observations: tensorOf(group, 'replay/observations', size * os, dir),
        nextObservations: tensorOf(group, 'replay/next_observations', size * os, dir),
        actions: tensorOf(group, 'replay/actions', size * d, dir),
        rewards: tensorOf(group, 'replay/rewards', size, dir),
        dones: tensorOf(group, 'replay/dones', size, dir),
      });
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(`${dir}: ${(error as Error).message} (bufferSize ${this.replayBuffer.capacity})`);
    }
  }
}
