import { Discrete } from '../envs/spaces/discrete.js';
import { BaseAlgorithm, openCheckpoint, type AgentEnv, type CommonAgentOptions, type LoadOptions } from './common/base-algorithm.js';
import type { BaseCallback } from './common/callbacks.js';
import { CheckpointError, tensorOf, type CheckpointContents } from './common/checkpoint.js';
import { assertSchedule, linearSchedule, scheduleToJson, scheduleValue, type Schedule } from './common/schedules.js';
import { assertKnownKeys, COMMON_OPTION_KEYS, inRange, nonNegativeInt, stripUndefined } from './common/validate.js';

/** Tabular Q-learning's hyperparameters (DQN's names in camelCase where they mean the same). */
export interface QLearningOptions extends CommonAgentOptions {
  /** Step size α of the update; default 0.1. A number, `linearSchedule(...)` or a function of progressRemaining. */
  readonly learningRate?: Schedule;
  /** Discount; default 0.99. */
  readonly gamma?: number;
  /** Fraction of `totalTimesteps` over which ε falls from its initial to its final value; default 0.1 (DQN's). */
  readonly explorationFraction?: number;
  /** Default 1.0. */
  readonly explorationInitialEps?: number;
  /** Default 0.05. */
  readonly explorationFinalEps?: number;
  /** Steps of uniformly random actions before the ε-greedy policy acts (updates run from the start); default 0. */
  readonly learningStarts?: number;
  /** Initial value of every Q-table entry (optimism drives exploration); default 0. */
  readonly initialQ?: number;
}

type Resolved = Required<Omit<QLearningOptions, keyof CommonAgentOptions>>;

const DEFAULTS: Resolved = {
  learningRate: 0.1,
  gamma: 0.99,
  explorationFraction: 0.1,
  explorationInitialEps: 1.0,
  explorationFinalEps: 0.05,
  learningStarts: 0,
  initialQ: 0,
};

/** How often the training loop yields to the event loop (env steps). */
const YIELD_EVERY = 4096;

/**
 * Tabular Q-learning (Watkins, 1989) with the agents' API: a `[states × actions]` table over a Discrete
 * observation space (wrap a Box env in `DiscretizeObservation`), ε-greedy exploration on DQN's linear
 * schedule, a learning-rate schedule, and the update
 * `Q(s, a) ← Q(s, a) + α (r + γ (1 − terminated) max_a' Q(s', a') − Q(s, a))`. A truncated episode
 * bootstraps from its final observation, as the neural agents do. No neural network and no tfjs.
 * Greedy choices break ties uniformly at random while training (so an all-zero table still explores) and
 * by the lowest index in `predict` (numpy's argmax).
 */
export class QLearning extends BaseAlgorithm {
  readonly algorithmName = 'QLearning';
  readonly checkpointPoint = 'step' as const;
  readonly hyperparameters: Readonly<Resolved>;
  readonly nStates: number;
  readonly nActions: number;
  /** The Q-table, row-major `[nStates × nActions]` (float32, so checkpoints hold it exactly). */
  readonly qTable: Float32Array;
  /** The current ε (SB3's `exploration_rate`). */
  explorationRate: number;
  private readonly stateStart: number;
  private readonly actionStart: number;
  private readonly explorationSchedule: Schedule;
  private episodeNum = 0;

  constructor(env: AgentEnv, options: QLearningOptions = {}) {
    super(env, options);
    const who = 'QLearning';
    assertKnownKeys(who, options, [...Object.keys(DEFAULTS), ...COMMON_OPTION_KEYS]);
    const h = { ...DEFAULTS, ...stripUndefined(options) } as Resolved;
    for (const key of COMMON_OPTION_KEYS) delete (h as Record<string, unknown>)[key];
    assertSchedule(`${who}: learningRate`, h.learningRate, (v) => v > 0 && v <= 1, 'in (0, 1]');
    inRange(who, 'gamma', h.gamma, 0, 1);
    inRange(who, 'explorationFraction', h.explorationFraction, 0, 1);
    inRange(who, 'explorationInitialEps', h.explorationInitialEps, 0, 1);
    inRange(who, 'explorationFinalEps', h.explorationFinalEps, 0, 1);
    nonNegativeInt(who, 'learningStarts', h.learningStarts);
    if (typeof h.initialQ !== 'number' || !Number.isFinite(h.initialQ)) throw new RangeError(`${who}: initialQ must be a finite number, got ${String(h.initialQ)}`);
    if (!(this.observationSpace instanceof Discrete)) {
      throw new RangeError(`${who}: the observation space must be Discrete, got ${this.observationSpace.toString()}; wrap a Box env in DiscretizeObservation`);
    }
    if (!(this.actionSpace instanceof Discrete)) throw new RangeError(`${who}: the action space must be Discrete, got ${this.actionSpace.toString()}`);
    this.hyperparameters = Object.freeze(h);
    this.nStates = this.observationSpace.n;
    this.nActions = this.actionSpace.n;
    this.stateStart = this.observationSpace.start;
    this.actionStart = this.actionSpace.start;
    if (this.nStates * this.nActions > 2 ** 28) throw new RangeError(`${who}: a table of ${this.nStates} states × ${this.nActions} actions is too large (more than 2^28 entries); use fewer bins`);
    this.qTable = new Float32Array(this.nStates * this.nActions).fill(h.initialQ);
    this.explorationSchedule = linearSchedule(h.explorationInitialEps, h.explorationFinalEps, Math.max(h.explorationFraction, 1e-12));
    this.explorationRate = h.explorationInitialEps;
  }

  /** Loads a checkpoint written by `save`; with `env` the agent can continue learning. */
  static async load(dir: string, env?: AgentEnv, options: LoadOptions = {}): Promise<QLearning> {
    const { contents, spaces } = openCheckpoint(dir, 'QLearning', env);
    const s = contents.state;
    const h = s.hyperparameters as Record<string, unknown> | undefined;
    if (h === undefined || h === null || typeof h !== 'object') throw new CheckpointError(`${dir}: state.json has no hyperparameters`);
    if (typeof h.learningRate === 'object' && (h.learningRate as { kind?: string })?.kind === 'function') {
      throw new CheckpointError(`${dir}: learningRate was a function, which cannot be stored; rebuild the agent with new QLearning(...) and copy qTable`);
    }
    const agent = new QLearning(env ?? spaces, { ...(h as QLearningOptions), seed: (s.seed as number | null) ?? undefined, backend: options.backend, verbose: options.verbose });
    agent.qTable.set(tensorOf(contents.model, 'q/table', agent.qTable.length, dir));
    if (typeof s.explorationRate === 'number') agent.explorationRate = s.explorationRate;
    agent.episodeNum = typeof s.episodeNum === 'number' ? s.episodeNum : 0;
    agent.restoreBase(contents, options, dir);
    return agent;
  }

  /** Greedy action (deterministic, lowest index among ties) or ε-greedy with the current ε. */
  predict(observation: unknown, options: { deterministic?: boolean } = {}): number {
    const state = this.stateIndex(observation);
    if (!(options.deterministic ?? false) && this.rng.random() < this.explorationRate) return this.actionStart + this.rng.integers(0, this.nActions);
    let best = 0;
    const row = state * this.nActions;
    for (let a = 1; a < this.nActions; a++) if (this.qTable[row + a] > this.qTable[row + best]) best = a;
    return this.actionStart + best;
  }

  /** max_a Q(s, a) for one observation. */
  value(observation: unknown): number {
    return this.maxQ(this.stateIndex(observation));
  }

  protected defaultLogInterval(): number {
    return 4;
  }

  protected async runTraining(callback: BaseCallback, logInterval: number): Promise<void> {
    const env = this.envBatch!;
    const h = this.hyperparameters;
    const n = this.numEnvs;
    const size = this.encoder.size;
    const states = new Int32Array(n);
    const actions = new Int32Array(n);
    if (this.numTimesteps === 0) this.episodeNum = 0;
    let iteration = 0;
    let tdSum = 0;
    let tdCount = 0;
    callback.onRolloutStart();
    while (this.numTimesteps < this.totalTimestepsTarget) {
      const obs = this.lastObs as Float32Array;
      this.explorationRate = scheduleValue(this.explorationSchedule, this.progressRemaining);
      const random = this.numTimesteps < h.learningStarts;
      for (let i = 0; i < n; i++) {
        states[i] = oneHotIndex(obs, i * size, size);
        actions[i] = random || this.rng.random() < this.explorationRate ? this.rng.integers(0, this.nActions) : this.greedyWithRandomTies(states[i]);
      }
      const step = env.step((i) => this.actionStart + actions[i], actions.map((a) => a + this.actionStart));
      this.numTimesteps += n;
      const lr = scheduleValue(h.learningRate, this.progressRemaining);
      for (let i = 0; i < n; i++) {
        if (step.resetSteps[i] === 1) continue;
        const final = step.finalObservations[i];
        const next = final === null ? oneHotIndex(step.observations, i * size, size) : oneHotIndex(final, 0, size);
        const bootstrap = step.terminated[i] === 1 ? 0 : h.gamma * this.maxQ(next);
        const k = states[i] * this.nActions + actions[i];
        const td = step.rewards[i] + bootstrap - this.qTable[k];
        this.qTable[k] += lr * td;
        tdSum += Math.abs(td);
        tdCount += 1;
      }
      obs.set(step.observations);
      const finished = this.collectEpisodeStats();
      for (let e = 0; e < finished; e++) {
        this.episodeNum += 1;
        if (this.episodeNum % logInterval === 0) {
          this.logger.record('train/learning_rate', lr);
          this.logger.record('train/mean_abs_td_error', tdCount > 0 ? tdSum / tdCount : 0);
          this.logger.record('rollout/exploration_rate', this.explorationRate);
          this.recordRolloutAndTime({ 'time/episodes': this.episodeNum });
          this.logger.dump(this.numTimesteps);
          tdSum = 0;
          tdCount = 0;
        }
      }
      if (!callback.step()) break;
      iteration += 1;
      if (iteration % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    callback.onRolloutEnd();
  }

  protected checkpointContents(): CheckpointContents {
    const h = this.hyperparameters;
    return {
      model: { meta: { modelTopology: { class_name: 'QTable', config: { nStates: this.nStates, nActions: this.nActions } } }, tensors: [{ name: 'q/table', shape: [this.nStates, this.nActions], values: this.qTable }] },
      optimizer: { meta: {}, tensors: [] },
      buffers: { meta: {}, tensors: [] },
      state: { hyperparameters: { ...h, learningRate: scheduleToJson(h.learningRate) }, explorationRate: this.explorationRate, episodeNum: this.episodeNum },
    };
  }

  private stateIndex(observation: unknown): number {
    const k = Number(observation) - this.stateStart;
    if (!Number.isInteger(k) || k < 0 || k >= this.nStates) throw new RangeError(`QLearning: observation ${String(observation)} is not in Discrete(${this.nStates}${this.stateStart !== 0 ? `, start=${this.stateStart}` : ''})`);
    return k;
  }

  private maxQ(state: number): number {
    const row = state * this.nActions;
    let best = this.qTable[row];
    for (let a = 1; a < this.nActions; a++) if (this.qTable[row + a] > best) best = this.qTable[row + a];
    return best;
  }

  private greedyWithRandomTies(state: number): number {
    const row = state * this.nActions;
    const best = this.maxQ(state);
    let ties = 0;
    for (let a = 0; a < this.nActions; a++) if (this.qTable[row + a] === best) ties += 1;
    if (ties === 1) for (let a = 0; a < this.nActions; a++) if (this.qTable[row + a] === best) return a;
    let pick = this.rng.integers(0, ties);
    for (let a = 0; a < this.nActions; a++) {
      if (this.qTable[row + a] === best) {
        if (pick === 0) return a;
        pick -= 1;
      }
    }
    return 0;
  }
}

/** The index of the 1 in a one-hot block (how the agents encode Discrete observations). */
function oneHotIndex(data: Float32Array, offset: number, size: number): number {
  for (let k = 0; k < size; k++) if (data[offset + k] === 1) return k;
  throw new RangeError('QLearning: observation is not a one-hot encoded Discrete state');
}
