import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Env } from '../core/env.js';
import { EnvError, InvalidOptionError, describeValue } from '../core/errors.js';
import { Box, type BoxArray } from '../spaces/box.js';
import { checkNumber, requireBox } from './argument-checks.js';
import { ObservationWrapper } from './observation-wrapper.js';
import { RunningMeanStd, type RunningMeanStdState } from './running-mean-std.js';

/** Saved statistics of a {@link NormalizeObservation}: the observation shape and the running moments. */
export interface NormalizeObservationState extends RunningMeanStdState {
  shape: number[];
}

/** Options of {@link NormalizeObservation}. */
export interface NormalizeObservationOptions {
  /** Added to the variance before the square root (default 1e-8). */
  epsilon?: number;
  /** Whether observations update the statistics (default true); false freezes them, e.g. for evaluation. */
  updateRunningMean?: boolean;
}

// Distinguishes temp files of concurrent saves from one process (no Math.random: a counter suffices).
let saveCounter = 0;

/**
 * Normalizes Box observations to zero mean and unit variance with running statistics (Gymnasium 1.x
 * `NormalizeObservation`): every observation of `reset` and `step` first updates the statistics (unless
 * frozen with `updateRunningMean = false`), then is returned as float32 `(obs − mean) / √(var + ε)`.
 * The observation space becomes an unbounded float32 Box of the same shape. The statistics can be
 * exported (`getState`/`setState`) and saved to / loaded from a JSON file, so a trained agent is
 * evaluated with the statistics it was trained with.
 */
export class NormalizeObservation<Act = unknown> extends ObservationWrapper<Float32Array, Act, BoxArray> {
  /** The running statistics of the observations (float64). */
  readonly obsRms: RunningMeanStd;
  readonly epsilon: number;
  /** Whether observations update the statistics; set false to freeze them. */
  updateRunningMean: boolean;
  private readonly space: Box;

  constructor(env: Env<BoxArray, Act>, options: NormalizeObservationOptions = {}) {
    super(env);
    const inner = requireBox('NormalizeObservation', env.observationSpace, 'observation');
    const { epsilon = 1e-8, updateRunningMean = true } = options;
    this.epsilon = checkNumber('NormalizeObservation', 'epsilon', epsilon, 0, Infinity, true);
    if (typeof updateRunningMean !== 'boolean') {
      throw new InvalidOptionError(`NormalizeObservation: updateRunningMean must be true or false, got ${describeValue(updateRunningMean)}`);
    }
    this.updateRunningMean = updateRunningMean;
    this.space = new Box(-Infinity, Infinity, { shape: inner.shape, dtype: 'float32' });
    this.obsRms = new RunningMeanStd(inner.size);
  }

  override get observationSpace(): Box {
    return this.space;
  }

  /** Updates the statistics with `observation` (unless frozen) and returns it normalized. */
  observation(observation: BoxArray): Float32Array {
    if (this.updateRunningMean) {
      try {
        this.obsRms.update(observation, 1);
      } catch (error) {
        // Say which wrapper and what the env returned, not just what RunningMeanStd was given.
        throw new EnvError(`NormalizeObservation: cannot update the statistics with the observation ${describeValue(observation)}: ${(error as Error).message}`);
      }
    }
    const { mean, var: variance } = this.obsRms;
    const out = new Float32Array(this.space.size);
    for (let i = 0; i < out.length; i++) out[i] = (observation[i] - mean[i]) / Math.sqrt(variance[i] + this.epsilon);
    return out;
  }

  /** The statistics as plain JSON. */
  getState(): NormalizeObservationState {
    return { shape: [...this.space.shape], ...this.obsRms.getState() };
  }

  /** Restores statistics from {@link NormalizeObservation.getState}; a mismatched or malformed state throws and changes nothing. */
  setState(state: NormalizeObservationState): void {
    if (state === null || typeof state !== 'object') {
      throw new InvalidOptionError(`NormalizeObservation.setState: state must be an object { shape, mean, var, count }, got ${describeValue(state)}`);
    }
    const expected = this.space.shape;
    const shape: unknown = state.shape;
    if (!Array.isArray(shape) || shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
      throw new InvalidOptionError(
        `NormalizeObservation.setState: the state is for shape ${describeValue(shape)}, this env's observations have shape [${expected.join(', ')}]`,
      );
    }
    this.obsRms.setState(state);
  }

  /** Writes the statistics to `path` as JSON, atomically (a temp file beside it, then a rename). */
  save(path: string): void {
    const temp = `${path}.${process.pid}.${saveCounter++}.tmp`;
    try {
      writeFileSync(temp, `${JSON.stringify(this.getState())}\n`);
      renameSync(temp, path);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // The temp file was never created, or is already gone.
      }
      throw error;
    }
  }

  /** Reads statistics saved by {@link NormalizeObservation.save}; a missing, malformed or mismatched file throws and changes nothing. */
  load(path: string): void {
    let state: unknown;
    try {
      state = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new InvalidOptionError(`NormalizeObservation.load: cannot read statistics from ${path}: ${(error as Error).message}`);
    }
    this.setState(state as NormalizeObservationState);
  }
}
