import type { Env } from '../../envs/core/env.js';
import { Rng, type RngState } from '../../envs/rng/rng.js';
import type { Space } from '../../envs/spaces/space.js';
import type { VectorEnv } from '../../envs/vector/vector-env.js';
import { selectBackend, type BackendRequest, type BackendSelection } from '../backend.js';
import { BaseCallback, CallbackList, ProgressBarCallback } from './callbacks.js';
import { CheckpointError, readCheckpoint, writeCheckpoint, type CheckpointContents } from './checkpoint.js';
import { isVectorEnv, toEnvBatch, type EnvBatch, type EnvBatchState, type EpisodeRecord } from './env-batch.js';
import { Logger, type LogFormat } from './logger.js';
import { observationEncoder, type ObservationEncoder } from './spaces.js';
import { spaceFromJson, spaceToJson } from './space-json.js';

/** The spaces of an agent built without an env (it can act and be saved, not learn). */
export interface AgentSpaces {
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Space<unknown>;
}

/** What an agent trains on: an env, a vector env, or only spaces. */
export type AgentEnv = Env | VectorEnv | AgentSpaces;

/** Options every agent takes (besides its algorithm's hyperparameters). */
export interface CommonAgentOptions {
  /** Seeds weight initialisation, action sampling, minibatch order and the env's first reset. */
  readonly seed?: number;
  /** TensorFlow.js backend (default: `FLASH_GYM_BACKEND`, else the best that loads). */
  readonly backend?: BackendRequest;
  /** 0: silent, 1: SB3's table every `logInterval`, 2: also debug messages. */
  readonly verbose?: 0 | 1 | 2;
  /** Extra log outputs (`csv`, `json`) and their folder; `stdout` is added when verbose ≥ 1. */
  readonly logFormats?: readonly LogFormat[];
  readonly logFolder?: string;
}

/** Arguments of `learn`. */
export interface LearnOptions {
  readonly totalTimesteps: number;
  readonly callbacks?: BaseCallback | readonly BaseCallback[];
  /** Dump the log every `logInterval` iterations (on-policy) or episodes (off-policy); SB3's defaults 1 and 4. */
  readonly logInterval?: number;
  /** SB3's `reset_num_timesteps`: false continues the step count (and the episode in progress). */
  readonly resetNumTimesteps?: boolean;
  readonly progressBar?: boolean;
}

/** Options of `load`. */
export interface LoadOptions {
  readonly backend?: BackendRequest;
  readonly verbose?: 0 | 1 | 2;
  /**
   * Continue the episodes that were in progress when the checkpoint was written (the env given to `load`
   * must then be in that same state, e.g. the very env the agent was trained on). Default false: the next
   * `learn` resets the env, as SB3 does.
   */
  readonly continueEpisodes?: boolean;
}

/** How many finished episodes `rollout/ep_rew_mean` averages over (SB3's `stats_window_size`). */
const STATS_WINDOW = 100;

/**
 * What PPO, DQN and the other agents share (SB3's `BaseAlgorithm`): the env as an {@link EnvBatch}, the
 * seeded RNG, the timestep counters, episode statistics, the logger, callbacks, the `learn` skeleton,
 * checkpoints (atomic, with RNG and optimizer state), and `predict`.
 */
export abstract class BaseAlgorithm {
  /** SB3's algorithm name, stored in checkpoints. */
  abstract readonly algorithmName: string;
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Space<unknown>;
  readonly encoder: ObservationEncoder;
  readonly verbose: 0 | 1 | 2;
  readonly seed: number | undefined;
  readonly backendRequest: BackendRequest | undefined;
  /** Where a checkpoint captures the full training state: after any step, or at rollout boundaries. */
  abstract readonly checkpointPoint: 'step' | 'rollout';
  /** Number of envs stepped together. */
  readonly numEnvs: number;
  logger: Logger;
  /** Timesteps taken so far (counts every sub-env step). */
  numTimesteps = 0;
  /** The step count `learn` runs to (SB3's `_total_timesteps`). */
  totalTimestepsTarget = 0;
  /** Number of gradient updates so far (SB3's `_n_updates`). */
  nUpdates = 0;
  /** Set once `learn` or `load` has chosen a backend. */
  backend: BackendSelection | undefined;
  protected envBatch: EnvBatch | undefined;
  protected rng: Rng;
  /** The observations to act on next, `[numEnvs × obsSize]`, or null before the first reset. */
  protected lastObs: Float32Array | null = null;
  protected episodeWindow: EpisodeRecord[] = [];
  protected startTime = 0;
  protected startTimesteps = 0;
  private continueEpisodes = false;

  protected constructor(env: AgentEnv, options: CommonAgentOptions) {
    const who = this.constructor.name;
    if (env === null || typeof env !== 'object') throw new TypeError(`${who}: env must be an Env, a VectorEnv or { observationSpace, actionSpace }`);
    if (isVectorEnv(env) || typeof (env as Env).step === 'function') {
      this.envBatch = toEnvBatch(env as Env | VectorEnv, who);
      this.observationSpace = this.envBatch.observationSpace;
      this.actionSpace = this.envBatch.actionSpace;
      this.numEnvs = this.envBatch.numEnvs;
    } else {
      this.observationSpace = env.observationSpace;
      this.actionSpace = env.actionSpace;
      this.numEnvs = 1;
    }
    this.encoder = observationEncoder(this.observationSpace, who);
    if (options.verbose !== undefined && ![0, 1, 2].includes(options.verbose)) throw new RangeError(`${who}: verbose must be 0, 1 or 2, got ${String(options.verbose)}`);
    this.verbose = options.verbose ?? 0;
    this.seed = options.seed;
    this.backendRequest = options.backend;
    this.rng = new Rng(options.seed);
    const formats = [...(options.logFormats ?? [])];
    if (this.verbose >= 1 && !formats.includes('stdout')) formats.push('stdout');
    this.logger = new Logger({ formats, folder: options.logFolder });
  }

  /**
   * Trains for `totalTimesteps` env steps (SB3's `learn`), running the callbacks, and resolves to the
   * agent. Picks the tfjs backend first (see `selectBackend`).
   */
  async learn(options: LearnOptions): Promise<this> {
    const who = `${this.constructor.name}.learn`;
    const { totalTimesteps } = options;
    if (!Number.isInteger(totalTimesteps) || totalTimesteps <= 0) throw new RangeError(`${who}: totalTimesteps must be a positive integer, got ${String(totalTimesteps)}`);
    const logInterval = options.logInterval ?? this.defaultLogInterval();
    if (!Number.isInteger(logInterval) || logInterval <= 0) throw new RangeError(`${who}: logInterval must be a positive integer, got ${String(logInterval)}`);
    if (this.envBatch === undefined) throw new RangeError(`${who}: this agent has no env; pass one to the constructor or to load()`);
    this.backend = await selectBackend(this.backendRequest, this.verbose);
    const resetNumTimesteps = options.resetNumTimesteps ?? true;
    if (resetNumTimesteps) {
      this.numTimesteps = 0;
      this.episodeWindow = [];
    }
    this.totalTimestepsTarget = resetNumTimesteps ? totalTimesteps : totalTimesteps + this.numTimesteps;
    if (resetNumTimesteps || this.lastObs === null || !this.continueEpisodes) {
      // The first reset is seeded (sub-env i gets seed + i); later ones continue the envs' own RNGs.
      this.lastObs = Float32Array.from(this.envBatch.reset(this.firstResetSeed()));
    }
    this.continueEpisodes = true;
    this.startTime = performance.now();
    this.startTimesteps = this.numTimesteps;
    const list = Array.isArray(options.callbacks) ? [...options.callbacks] : options.callbacks ? [options.callbacks as BaseCallback] : [];
    if (options.progressBar) list.push(new ProgressBarCallback());
    const callback = new CallbackList(list);
    callback.init(this);
    callback.onTrainingStart();
    await this.runTraining(callback, logInterval);
    callback.onTrainingEnd();
    return this;
  }

  /** The action for one observation (deterministic: the policy's mode). Uses the typed-array fast path. */
  abstract predict(observation: unknown, options?: { deterministic?: boolean }): number | Float32Array;

  /** Saves a checkpoint directory (atomically); see `writeCheckpoint`. */
  async save(dir: string): Promise<void> {
    this.saveSync(dir);
  }

  /** Synchronous {@link BaseAlgorithm.save}, for callbacks. */
  saveSync(dir: string): void {
    const own = this.checkpointContents();
    writeCheckpoint(dir, {
      ...own,
      state: {
        algorithm: this.algorithmName,
        observationSpace: spaceToJson(this.observationSpace),
        actionSpace: spaceToJson(this.actionSpace),
        numEnvs: this.numEnvs,
        seed: this.seed ?? null,
        numTimesteps: this.numTimesteps,
        totalTimestepsTarget: this.totalTimestepsTarget,
        nUpdates: this.nUpdates,
        rng: this.rng.getState(),
        lastObs: this.lastObs === null ? null : Array.from(this.lastObs),
        envState: this.envBatch?.getState() ?? null,
        episodeWindow: this.episodeWindow,
        ...own.state,
      },
    });
  }

  /** The train loop of the algorithm (collect and update until `totalTimestepsTarget`). */
  protected abstract runTraining(callback: BaseCallback, logInterval: number): Promise<void>;

  /** The algorithm's part of a checkpoint (networks, optimizer, buffers, hyperparameters). */
  protected abstract checkpointContents(): CheckpointContents;

  /** SB3's default log interval: 1 iteration (on-policy) or 4 episodes (off-policy). */
  protected abstract defaultLogInterval(): number;

  /** `1 − done/total` over the current `learn` (SB3's `_current_progress_remaining`). */
  protected get progressRemaining(): number {
    return 1 - this.numTimesteps / this.totalTimestepsTarget;
  }

  /** Moves finished episodes into the statistics window. */
  protected collectEpisodeStats(): number {
    const done = this.envBatch?.takeFinishedEpisodes() ?? [];
    if (done.length > 0) {
      this.episodeWindow.push(...done);
      if (this.episodeWindow.length > STATS_WINDOW) this.episodeWindow.splice(0, this.episodeWindow.length - STATS_WINDOW);
    }
    return done.length;
  }

  /** Records SB3's `rollout/` and `time/` keys. */
  protected recordRolloutAndTime(extra: Record<string, number> = {}): void {
    const l = this.logger;
    if (this.episodeWindow.length > 0) {
      l.record('rollout/ep_rew_mean', mean(this.episodeWindow.map((e) => e.r)));
      l.record('rollout/ep_len_mean', mean(this.episodeWindow.map((e) => e.l)));
    }
    const elapsed = Math.max(1e-9, (performance.now() - this.startTime) / 1000);
    l.record('time/fps', Math.floor((this.numTimesteps - this.startTimesteps) / elapsed));
    l.record('time/time_elapsed', Math.floor(elapsed));
    l.record('time/total_timesteps', this.numTimesteps);
    for (const [k, v] of Object.entries(extra)) l.record(k, v);
  }

  /** Mean return and length over the last 100 finished episodes (NaN before any). */
  episodeStats(): { meanReward: number; meanLength: number; count: number } {
    const w = this.episodeWindow;
    return { meanReward: w.length ? mean(w.map((e) => e.r)) : NaN, meanLength: w.length ? mean(w.map((e) => e.l)) : NaN, count: w.length };
  }

  /** Encodes one observation to the network's float input. */
  protected encodeOne(observation: unknown): Float32Array {
    const out = new Float32Array(this.encoder.size);
    this.encoder.write(observation, out, 0);
    return out;
  }

  /**
   * Restores the base state from a checkpoint and checks it was written by this algorithm for these spaces.
   * Called by the subclasses' `load`.
   */
  protected restoreBase(contents: CheckpointContents, options: LoadOptions, where: string): void {
    const s = contents.state;
    const rng = s.rng as RngState | undefined;
    if (rng === undefined) throw new CheckpointError(`${where}: state.json has no RNG state`);
    this.rng.setState(rng);
    this.numTimesteps = asCount(s.numTimesteps, 'numTimesteps', where);
    this.totalTimestepsTarget = asCount(s.totalTimestepsTarget, 'totalTimestepsTarget', where);
    this.nUpdates = asCount(s.nUpdates, 'nUpdates', where);
    this.episodeWindow = Array.isArray(s.episodeWindow) ? (s.episodeWindow as EpisodeRecord[]) : [];
    const last = s.lastObs as number[] | null;
    this.continueEpisodes = options.continueEpisodes === true && Array.isArray(last) && last.length === this.numEnvs * this.encoder.size;
    if (this.continueEpisodes) {
      this.lastObs = Float32Array.from(last as number[]);
      if (s.envState !== null && this.envBatch !== undefined) this.envBatch.setState(s.envState as EnvBatchState);
    }
  }

  private firstResetSeed(): number | undefined {
    return this.seed;
  }
}

/** Reads a checkpoint and checks its algorithm and, when an env is given, its spaces and env count. */
export function openCheckpoint(dir: string, algorithmName: string, env: AgentEnv | undefined): { contents: CheckpointContents; spaces: AgentSpaces } {
  const contents = readCheckpoint(dir);
  const s = contents.state;
  if (s.algorithm !== algorithmName) throw new CheckpointError(`${dir}: checkpoint of ${String(s.algorithm)}, not ${algorithmName}`);
  const observationSpace = spaceFromJson(s.observationSpace, dir);
  const actionSpace = spaceFromJson(s.actionSpace, dir);
  if (env !== undefined) {
    const envObs = isVectorEnv(env) ? env.singleObservationSpace : env.observationSpace;
    const envAct = isVectorEnv(env) ? env.singleActionSpace : env.actionSpace;
    if (!envObs.equals(observationSpace)) throw new CheckpointError(`${dir}: checkpoint observation space ${observationSpace.toString()} differs from the env's ${envObs.toString()}`);
    if (!envAct.equals(actionSpace)) throw new CheckpointError(`${dir}: checkpoint action space ${actionSpace.toString()} differs from the env's ${envAct.toString()}`);
  }
  return { contents, spaces: { observationSpace, actionSpace } };
}

function asCount(v: unknown, name: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new CheckpointError(`${where}: state.json field "${name}" must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
