import type { Env } from '../../envs/core/env.js';
import type { Space } from '../../envs/spaces/space.js';
import type { AutoresetMode, VectorEnv } from '../../envs/vector/vector-env.js';
import { observationEncoder, type ObservationEncoder } from './spaces.js';

/** What one step of an {@link EnvBatch} returns; arrays are reused by the next step. */
export interface BatchStep {
  /** Encoded observations to act on next, `[numEnvs × obsSize]`. */
  readonly observations: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /**
   * For each env whose episode ended in this step, its encoded final observation (null elsewhere): what a
   * truncated episode bootstraps from.
   */
  readonly finalObservations: (Float32Array | null)[];
  /**
   * 1 where this step was a Gymnasium `next-step` autoreset step: the env ignored the action and returned
   * the first observation of a new episode; there is nothing to learn from it.
   */
  readonly resetSteps: Uint8Array;
}

/** A finished episode's return and length (SB3's Monitor `r` and `l`). */
export interface EpisodeRecord {
  readonly r: number;
  readonly l: number;
}

/** Per-env bookkeeping that a checkpoint needs to continue an interrupted run exactly. */
export interface EnvBatchState {
  readonly pendingReset: number[];
  readonly episodeReturns: number[];
  readonly episodeLengths: number[];
}

/**
 * The agents' view of their env: one `Env` or a `VectorEnv`, stepped as a batch of `numEnvs` with encoded
 * float observations, and with episode returns tracked as SB3's Monitor does.
 *
 * A single env is reset as soon as an episode ends (same-step autoreset, like SB3's DummyVecEnv), and the
 * final observation is reported in `finalObservations`. A vector env keeps its own autoreset mode:
 * `same-step` reports `infos.finalObs`; `next-step` (Gymnasium 1.x's default) returns the final
 * observation with the done flags, and the next step of that sub-env is marked in `resetSteps`.
 */
export interface EnvBatch {
  readonly numEnvs: number;
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Space<unknown>;
  readonly encoder: ObservationEncoder;
  readonly autoresetMode: AutoresetMode;
  /** Resets every env (sub-env i gets `seed + i` when a seed is given); returns the encoded observations. */
  reset(seed?: number): Float32Array;
  /** Steps every env with actions built by `actionOf(i)`. */
  step(actionOf: (i: number) => unknown, batched: ArrayLike<number>): BatchStep;
  /** Episodes finished since the last call (and clears them). */
  takeFinishedEpisodes(): EpisodeRecord[];
  getState(): EnvBatchState;
  setState(state: EnvBatchState): void;
  close(): void;
}

/** Whether `env` is a vector env (duck-typed on `numEnvs` and `singleObservationSpace`). */
export function isVectorEnv(env: unknown): env is VectorEnv {
  return typeof env === 'object' && env !== null && 'numEnvs' in env && 'singleObservationSpace' in env;
}

/** Wraps an env or a vector env as an {@link EnvBatch}. */
export function toEnvBatch(env: Env | VectorEnv, who: string): EnvBatch {
  return isVectorEnv(env) ? new VectorEnvBatch(env, who) : new SingleEnvBatch(env, who);
}

abstract class MonitoredBatch {
  protected readonly episodeReturns: Float64Array;
  protected readonly episodeLengths: Int32Array;
  protected readonly pendingReset: Uint8Array;
  private finished: EpisodeRecord[] = [];

  protected constructor(readonly numEnvs: number) {
    this.episodeReturns = new Float64Array(numEnvs);
    this.episodeLengths = new Int32Array(numEnvs);
    this.pendingReset = new Uint8Array(numEnvs);
  }

  protected track(i: number, reward: number, done: boolean): void {
    this.episodeReturns[i] += reward;
    this.episodeLengths[i] += 1;
    if (done) {
      this.finished.push({ r: this.episodeReturns[i], l: this.episodeLengths[i] });
      this.episodeReturns[i] = 0;
      this.episodeLengths[i] = 0;
    }
  }

  protected clearEpisodes(): void {
    this.episodeReturns.fill(0);
    this.episodeLengths.fill(0);
    this.pendingReset.fill(0);
  }

  takeFinishedEpisodes(): EpisodeRecord[] {
    const out = this.finished;
    this.finished = [];
    return out;
  }

  getState(): EnvBatchState {
    return { pendingReset: Array.from(this.pendingReset), episodeReturns: Array.from(this.episodeReturns), episodeLengths: Array.from(this.episodeLengths) };
  }

  setState(state: EnvBatchState): void {
    if (state.pendingReset.length !== this.numEnvs || state.episodeReturns.length !== this.numEnvs || state.episodeLengths.length !== this.numEnvs) {
      throw new RangeError(`env state is for ${state.pendingReset.length} envs, this env batch has ${this.numEnvs}`);
    }
    this.pendingReset.set(state.pendingReset);
    this.episodeReturns.set(state.episodeReturns);
    this.episodeLengths.set(state.episodeLengths);
  }
}

class SingleEnvBatch extends MonitoredBatch implements EnvBatch {
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Space<unknown>;
  readonly encoder: ObservationEncoder;
  readonly autoresetMode = 'same-step' as const;
  private readonly out: { observations: Float32Array; rewards: Float64Array; terminated: Uint8Array; truncated: Uint8Array; finalObservations: (Float32Array | null)[]; resetSteps: Uint8Array };

  constructor(
    private readonly env: Env,
    who: string,
  ) {
    super(1);
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.encoder = observationEncoder(env.observationSpace, who);
    this.out = {
      observations: new Float32Array(this.encoder.size),
      rewards: new Float64Array(1),
      terminated: new Uint8Array(1),
      truncated: new Uint8Array(1),
      finalObservations: [null],
      resetSteps: new Uint8Array(1),
    };
  }

  reset(seed?: number): Float32Array {
    this.clearEpisodes();
    const { observation } = this.env.reset(seed === undefined ? {} : { seed });
    this.encoder.write(observation, this.out.observations, 0);
    return this.out.observations;
  }

  step(actionOf: (i: number) => unknown): BatchStep {
    const result = this.env.step(actionOf(0));
    const out = this.out;
    out.rewards[0] = result.reward;
    out.terminated[0] = result.terminated ? 1 : 0;
    out.truncated[0] = result.truncated ? 1 : 0;
    const done = result.terminated || result.truncated;
    this.track(0, result.reward, done);
    if (done) {
      const final = new Float32Array(this.encoder.size);
      this.encoder.write(result.observation, final, 0);
      out.finalObservations[0] = final;
      this.encoder.write(this.env.reset().observation, out.observations, 0);
    } else {
      out.finalObservations[0] = null;
      this.encoder.write(result.observation, out.observations, 0);
    }
    return out;
  }

  close(): void {
    this.env.close();
  }
}

class VectorEnvBatch extends MonitoredBatch implements EnvBatch {
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Space<unknown>;
  readonly encoder: ObservationEncoder;
  readonly autoresetMode: AutoresetMode;
  private readonly out: { observations: Float32Array; rewards: Float64Array; terminated: Uint8Array; truncated: Uint8Array; finalObservations: (Float32Array | null)[]; resetSteps: Uint8Array };

  constructor(
    private readonly env: VectorEnv,
    private readonly who: string,
  ) {
    super(env.numEnvs);
    if (env.autoresetMode === 'disabled') {
      throw new RangeError(`${who}: the vector env's autoreset mode is "disabled"; agents need "next-step" or "same-step"`);
    }
    this.autoresetMode = env.autoresetMode;
    this.observationSpace = env.singleObservationSpace;
    this.actionSpace = env.singleActionSpace;
    this.encoder = observationEncoder(env.singleObservationSpace, who);
    const n = env.numEnvs;
    this.out = {
      observations: new Float32Array(n * this.encoder.size),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalObservations: new Array<Float32Array | null>(n).fill(null),
      resetSteps: new Uint8Array(n),
    };
  }

  reset(seed?: number): Float32Array {
    this.clearEpisodes();
    const { observations } = this.env.reset(seed === undefined ? {} : { seed });
    this.readObservations(observations);
    return this.out.observations;
  }

  step(_actionOf: (i: number) => unknown, batched: ArrayLike<number>): BatchStep {
    const result = this.env.step(batched);
    const out = this.out;
    const n = this.numEnvs;
    this.readObservations(result.observations);
    out.rewards.set(result.rewards);
    out.terminated.set(result.terminations);
    out.truncated.set(result.truncations);
    const finalObs = this.autoresetMode === 'same-step' ? (result.infos.finalObs as unknown[] | undefined) : undefined;
    for (let i = 0; i < n; i++) {
      out.resetSteps[i] = this.pendingReset[i];
      const done = result.terminations[i] === 1 || result.truncations[i] === 1;
      if (this.pendingReset[i] === 1) {
        // next-step autoreset: this sub-env ignored its action and started a new episode.
        out.finalObservations[i] = null;
      } else {
        this.track(i, result.rewards[i], done);
        if (!done) out.finalObservations[i] = null;
        else if (this.autoresetMode === 'next-step') out.finalObservations[i] = out.observations.slice(i * this.encoder.size, (i + 1) * this.encoder.size);
        else {
          const raw = finalObs?.[i];
          if (raw === undefined || raw === null) throw new Error(`${this.who}: same-step vector env ended sub-env ${i}'s episode without infos.finalObs`);
          const final = new Float32Array(this.encoder.size);
          this.encoder.write(raw, final, 0);
          out.finalObservations[i] = final;
        }
      }
      this.pendingReset[i] = this.autoresetMode === 'next-step' && done ? 1 : 0;
    }
    return out;
  }

  close(): void {
    void this.env.close();
  }

  private readObservations(obs: { data: ArrayLike<number>; offset: number; size: number }): void {
    const size = this.encoder.size;
    const n = this.numEnvs;
    if (this.observationSpace.shape.length === 0) {
      // Discrete observations: one integer per sub-env, one-hot encoded.
      for (let i = 0; i < n; i++) this.encoder.write(obs.data[obs.offset + i], this.out.observations, i * size);
      return;
    }
    if (obs.size !== n * size) throw new RangeError(`${this.who}: vector env returned ${obs.size} observation values, expected ${n * size}`);
    const data = obs.data;
    const base = obs.offset;
    for (let k = 0; k < n * size; k++) this.out.observations[k] = data[base + k];
  }
}
