import { Rng } from '../envs/rng/rng.js';
import { openCheckpoint, type AgentEnv, type CommonAgentOptions, type LoadOptions } from './common/base-algorithm.js';
import { CheckpointError, tensorOf, type CheckpointContents } from './common/checkpoint.js';
import { OffPolicyAlgorithm, type OffPolicySettings } from './common/off-policy-algorithm.js';
import { assertSchedule, linearSchedule, scheduleToJson, scheduleValue, type Schedule } from './common/schedules.js';
import { actionKind } from './common/spaces.js';
import { assertKnownKeys, COMMON_OPTION_KEYS, inRange, nonNegativeInt, positiveInt, stripUndefined } from './common/validate.js';
import { FastMlp } from './nn/fast-forward.js';
import { currentAdamState, type AdamState } from './nn/flat-adam.js';
import { buildMlp, type Activation, type Mlp } from './nn/mlp.js';
import type { TrainingEngine } from './ddpg.js';
import { usesTfjsEngine } from './policies/engine-choice.js';
import type { DqnUpdater } from './policies/dqn-update.js';
import { HostDqnUpdater } from './policies/dqn-update-host.js';
import { TfjsDqnUpdater } from './policies/dqn-update-tfjs.js';
import { ParamLayout } from './nn/param-layout.js';
import { ParameterVector } from './nn/parameters.js';

/** SB3's `policy_kwargs` for DQN, in camelCase. */
export interface DQNPolicyKwargs {
  /** Hidden sizes of the Q-network; default [64, 64]. */
  readonly netArch?: readonly number[];
  /** Default `relu`. */
  readonly activationFn?: Activation;
}

/** DQN's hyperparameters: SB3's names in camelCase, with SB3's defaults. */
export interface DQNOptions extends CommonAgentOptions {
  /** Default 1e-4. */
  readonly learningRate?: Schedule;
  /** Default 1,000,000. */
  readonly bufferSize?: number;
  /** Random actions and no updates before this many steps; default 100. */
  readonly learningStarts?: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Polyak coefficient of the target update; default 1 (hard copy). */
  readonly tau?: number;
  readonly gamma?: number;
  /** Vector-env steps between updates; default 4. */
  readonly trainFreq?: number;
  /** Gradient steps per update; −1: as many as steps collected. Default 1. */
  readonly gradientSteps?: number;
  /** Env steps between target updates (divided by numEnvs, as SB3 does); default 10,000. */
  readonly targetUpdateInterval?: number;
  /** Fraction of training over which ε falls from its initial to its final value; default 0.1. */
  readonly explorationFraction?: number;
  readonly explorationInitialEps?: number;
  /** Default 0.05. */
  readonly explorationFinalEps?: number;
  /** Default 10. */
  readonly maxGradNorm?: number;
  /** Double DQN target (action chosen by the online network); default false (SB3 has no such option). */
  readonly doubleQ?: boolean;
  readonly policyKwargs?: DQNPolicyKwargs;
  /**
   * Where gradient steps run: `typed-array` (hand-written loss gradients, forward/backward passes with
   * WebAssembly SIMD matrix products in float32, host Adam), `tfjs` (autodiff on the selected backend), or
   * `auto` (default; see `usesTfjsEngine`): tfjs on the native backends (node, node-gpu), typed-array on cpu
   * and wasm. Both compute the same loss, gradient and Adam step, up to float32 rounding.
   */
  readonly engine?: TrainingEngine;
}

const DEFAULTS = {
  learningRate: 1e-4 as Schedule,
  bufferSize: 1_000_000,
  learningStarts: 100,
  batchSize: 32,
  tau: 1.0,
  gamma: 0.99,
  trainFreq: 4,
  gradientSteps: 1,
  targetUpdateInterval: 10_000,
  explorationFraction: 0.1,
  explorationInitialEps: 1.0,
  explorationFinalEps: 0.05,
  maxGradNorm: 10,
  doubleQ: false,
  engine: 'auto' as TrainingEngine,
};

type Resolved = typeof DEFAULTS & { policyKwargs: DQNPolicyKwargs };
const HYPERPARAMETER_KEYS = [...Object.keys(DEFAULTS), 'policyKwargs'];

/**
 * Deep Q-Network as Stable-Baselines3 implements it: replay buffer, target network (hard or Polyak
 * updates every `targetUpdateInterval` steps), linearly decaying ε-greedy exploration, Huber loss,
 * gradient clipping, Adam; plus an optional Double-DQN target. Discrete actions only.
 */
export class DQN extends OffPolicyAlgorithm {
  readonly algorithmName = 'DQN';
  readonly hyperparameters: Readonly<Resolved>;
  readonly qNet: Mlp;
  readonly params: ParameterVector;
  readonly targetParams: ParameterVector;
  /** The gradient-step engine, created at the first update (once the backend is known). */
  private updater: DqnUpdater | undefined;
  /** Optimizer state restored from a checkpoint, handed to the updater when it is created. */
  private pendingOptimizer: AdamState | undefined;
  /** Current ε. */
  explorationRate: number;
  protected readonly settings: OffPolicySettings;
  protected readonly storedActionDim = 1;
  private readonly nActions: number;
  private readonly actionStart: number;
  private readonly fastQ: FastMlp;
  private readonly qOut: Float64Array;
  private nCalls = 0;
  private readonly explorationSchedule: Schedule;

  constructor(env: AgentEnv, options: DQNOptions = {}) {
    super(env, options);
    const who = 'DQN';
    assertKnownKeys(who, options, [...HYPERPARAMETER_KEYS, ...COMMON_OPTION_KEYS]);
    const h = { ...DEFAULTS, policyKwargs: {}, ...stripUndefined(options) } as Resolved;
    assertSchedule(`${who}: learningRate`, h.learningRate, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0 (schedules may decay to 0)');
    positiveInt(who, 'bufferSize', h.bufferSize);
    nonNegativeInt(who, 'learningStarts', h.learningStarts);
    positiveInt(who, 'batchSize', h.batchSize);
    inRange(who, 'tau', h.tau, 0, 1);
    inRange(who, 'gamma', h.gamma, 0, 1);
    positiveInt(who, 'trainFreq', h.trainFreq);
    if (!Number.isInteger(h.gradientSteps) || h.gradientSteps < -1) throw new RangeError(`${who}: gradientSteps must be an integer >= -1, got ${String(h.gradientSteps)}`);
    positiveInt(who, 'targetUpdateInterval', h.targetUpdateInterval);
    inRange(who, 'explorationFraction', h.explorationFraction, 0, 1);
    inRange(who, 'explorationInitialEps', h.explorationInitialEps, 0, 1);
    inRange(who, 'explorationFinalEps', h.explorationFinalEps, 0, 1);
    if (!(h.maxGradNorm > 0)) throw new RangeError(`${who}: maxGradNorm must be > 0, got ${h.maxGradNorm}`);
    if (!['auto', 'typed-array', 'tfjs'].includes(h.engine)) throw new RangeError(`${who}: engine must be "auto", "typed-array" or "tfjs", got ${JSON.stringify(h.engine)}`);
    if (typeof h.doubleQ !== 'boolean') throw new RangeError(`${who}: doubleQ must be a boolean, got ${String(h.doubleQ)}`);
    const activation = h.policyKwargs.activationFn ?? 'relu';
    if (activation !== 'relu' && activation !== 'tanh') throw new RangeError(`${who}: policyKwargs.activationFn must be "relu" or "tanh", got ${String(activation)}`);
    this.hyperparameters = Object.freeze(h);
    const action = actionKind(this.actionSpace, who, ['discrete']) as { kind: 'discrete'; n: number; start: number };
    this.nActions = action.n;
    this.actionStart = action.start;
    this.settings = { bufferSize: h.bufferSize, learningStarts: h.learningStarts, batchSize: h.batchSize, trainFreq: h.trainFreq, gradientSteps: h.gradientSteps };
    const layout = new ParamLayout();
    const initial = new Map<string, Float32Array>();
    const initRng = new Rng(this.rng.spawnSeed());
    this.qNet = buildMlp(
      layout,
      { name: 'q', inputSize: this.encoder.size, hiddenSizes: h.policyKwargs.netArch ?? [64, 64], outputSize: this.nActions, activation, hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } },
      initRng,
      (name, values) => initial.set(name, values),
    );
    this.params = ParameterVector.fromTensors(layout, initial);
    this.targetParams = new ParameterVector(layout, Float32Array.from(this.params.values));
    this.fastQ = new FastMlp(this.qNet, layout, this.params.values);
    this.qOut = new Float64Array(Math.max(1, this.numEnvs) * this.nActions);
    this.explorationSchedule = linearSchedule(h.explorationInitialEps, h.explorationFinalEps, Math.max(h.explorationFraction, 1e-12));
    this.explorationRate = h.explorationInitialEps;
    this.initReplayBuffer();
  }

  /** Loads a checkpoint written by `save` (networks, optimizer, replay buffer, RNG, counters). */
  static async load(dir: string, env?: AgentEnv, options: LoadOptions = {}): Promise<DQN> {
    const { contents, spaces } = openCheckpoint(dir, 'DQN', env);
    const s = contents.state;
    const h = s.hyperparameters as Record<string, unknown>;
    if (typeof h.learningRate === 'object' && (h.learningRate as { kind?: string })?.kind === 'function') {
      throw new CheckpointError(`${dir}: learningRate was a function, which cannot be stored`);
    }
    const agent = new DQN(env ?? spaces, { ...(h as DQNOptions), seed: (s.seed as number | null) ?? undefined, backend: options.backend, verbose: options.verbose });
    const size = agent.params.layout.size;
    agent.params.values.set(tensorOf(contents.model, 'q/theta', size, dir));
    agent.targetParams.values.set(tensorOf(contents.model, 'q_target/theta', size, dir));
    agent.params.push();
    agent.targetParams.push();
    const step = contents.optimizer.meta.step;
    if (typeof step !== 'number') throw new CheckpointError(`${dir}: optimizer.json has no step count`);
    agent.pendingOptimizer = { step, m: tensorOf(contents.optimizer, 'adam/m', size, dir), v: tensorOf(contents.optimizer, 'adam/v', size, dir) };
    const b = contents.buffers;
    const meta = b.meta as { pos?: number; full?: boolean };
    if (typeof meta.pos === 'number' && typeof meta.full === 'boolean') {
      const get = (name: string) => {
        const t = b.tensors.find((x) => x.name === name);
        if (t === undefined) throw new CheckpointError(`${dir}: buffers.bin has no "${name}"`);
        return t.values;
      };
      try {
        agent.replayBuffer.setState({ pos: meta.pos, full: meta.full, observations: get('replay/observations'), nextObservations: get('replay/next_observations'), actions: get('replay/actions'), rewards: get('replay/rewards'), dones: get('replay/dones') });
      } catch (error) {
        throw new CheckpointError(`${dir}: ${(error as Error).message}`);
      }
    }
    agent.nCalls = typeof s.nCalls === 'number' ? s.nCalls : 0;
    agent.explorationRate = typeof s.explorationRate === 'number' ? s.explorationRate : agent.explorationRate;
    agent.restoreOffPolicyState(s);
    agent.restoreBase(contents, options, dir);
    return agent;
  }

  /** Greedy action (deterministic) or ε-greedy with the current ε (SB3's `DQN.predict`). */
  predict(observation: unknown, options: { deterministic?: boolean } = {}): number {
    if (!(options.deterministic ?? false) && this.rng.random() < this.explorationRate) return this.actionStart + this.rng.integers(0, this.nActions);
    const q = this.fastQ.forward(this.encodeOne(observation), 1, this.qOut);
    return this.actionStart + argmax(q, 0, this.nActions);
  }

  /** Q-values of one observation (fast path). */
  qValues(observation: unknown): Float64Array {
    return Float64Array.from(this.fastQ.forward(this.encodeOne(observation), 1, new Float64Array(this.nActions)));
  }

  protected allocBatchedActions(): Int32Array {
    return new Int32Array(this.numEnvs);
  }

  protected envActionOf(batched: Int32Array | Float32Array, i: number): number {
    return batched[i];
  }

  protected chooseActions(obs: Float32Array, random: boolean, stored: Float32Array, batched: Int32Array | Float32Array): void {
    const n = this.numEnvs;
    let q: Float64Array | undefined;
    for (let i = 0; i < n; i++) {
      let a: number;
      if (random || this.rng.random() < this.explorationRate) a = this.rng.integers(0, this.nActions);
      else {
        q ??= this.fastQ.forward(obs, n, this.qOut);
        a = argmax(q, i * this.nActions, this.nActions);
      }
      stored[i] = a;
      batched[i] = a + this.actionStart;
    }
  }

  protected afterEnvStep(): void {
    const h = this.hyperparameters;
    this.nCalls += 1;
    // SB3 counts the interval in env steps and divides it by the number of envs.
    if (this.nCalls % Math.max(Math.floor(h.targetUpdateInterval / this.numEnvs), 1) === 0) this.updateTarget();
    this.explorationRate = scheduleValue(this.explorationSchedule, this.progressRemaining);
    this.logger.record('rollout/exploration_rate', this.explorationRate);
  }

  private updateTarget(): void {
    const tau = this.hyperparameters.tau;
    if (tau === 1) {
      this.targetParams.copyFrom(this.params);
      return;
    }
    const t = this.targetParams.values;
    const p = this.params.values;
    for (let i = 0; i < t.length; i++) t[i] = tau * p[i] + (1 - tau) * t[i];
    this.targetParams.push();
  }

  protected trainSteps(gradientSteps: number): void {
    const h = this.hyperparameters;
    const lr = scheduleValue(h.learningRate, this.progressRemaining);
    const updater = this.ensureUpdater();
    const settings = { learningRate: lr, gamma: h.gamma, maxGradNorm: h.maxGradNorm, doubleQ: h.doubleQ };
    let lossSum = 0;
    for (let g = 0; g < gradientSteps; g++) {
      const batch = this.replayBuffer.sample(h.batchSize, this.rng);
      lossSum += updater.step(batch, settings);
    }
    updater.syncHost();
    this.nUpdates += gradientSteps;
    this.logger.record('train/learning_rate', lr);
    this.logger.record('train/n_updates', this.nUpdates);
    this.logger.recordMean('train/loss', lossSum / gradientSteps);
  }

  /** The engine gradient steps run on (see {@link DQNOptions.engine}); undefined before the first update. */
  get engine(): 'typed-array' | 'tfjs' | undefined {
    return this.updater?.engine;
  }

  private ensureUpdater(): DqnUpdater {
    if (this.updater !== undefined) return this.updater;
    const useTfjs = usesTfjsEngine(this.hyperparameters.engine, this.backend?.name, [this.qNet], this.hyperparameters.batchSize);
    this.updater = useTfjs ? new TfjsDqnUpdater(this.qNet, this.params, this.targetParams) : new HostDqnUpdater(this.qNet, this.params, this.targetParams);
    if (this.pendingOptimizer !== undefined) this.updater.setOptimizerState(this.pendingOptimizer);
    this.pendingOptimizer = undefined;
    return this.updater;
  }

  /** Adam's state now (zeros before the first update). */
  private optimizerState(): AdamState {
    return currentAdamState(this.updater, this.pendingOptimizer, this.params.layout.size);
  }

  protected checkpointContents(): CheckpointContents {
    this.updater?.syncHost();
    this.targetParams.pull();
    const layout = this.params.layout;
    const adam = this.optimizerState();
    const rb = this.replayBuffer.getState();
    const os = this.encoder.size;
    const n = rb.rewards.length;
    return {
      model: {
        meta: { modelTopology: { class_name: 'QNetwork', config: { netArch: this.qNet.layers.slice(0, -1).map((l) => l.fanOut), activationFn: this.qNet.activation, nActions: this.nActions, params: layout.describe() } } },
        tensors: [
          { name: 'q/theta', shape: [layout.size], values: this.params.values },
          { name: 'q_target/theta', shape: [layout.size], values: this.targetParams.values },
        ],
      },
      optimizer: { meta: { class_name: 'Adam', step: adam.step, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, tensors: [{ name: 'adam/m', shape: [layout.size], values: adam.m }, { name: 'adam/v', shape: [layout.size], values: adam.v }] },
      buffers: {
        meta: { pos: rb.pos, full: rb.full },
        tensors: [
          { name: 'replay/observations', shape: [n, os], values: rb.observations },
          { name: 'replay/next_observations', shape: [n, os], values: rb.nextObservations },
          { name: 'replay/actions', shape: [n, 1], values: rb.actions },
          { name: 'replay/rewards', shape: [n], values: rb.rewards },
          { name: 'replay/dones', shape: [n], values: rb.dones },
        ],
      },
      state: {
        hyperparameters: { ...this.hyperparameters, learningRate: scheduleToJson(this.hyperparameters.learningRate) },
        ...this.offPolicyState(),
        nCalls: this.nCalls,
        explorationRate: this.explorationRate,
      },
    };
  }
}

function argmax(values: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}
