import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { EnvError, InvalidOptionError, describeValue } from '../../core/errors.js';
import { Box } from '../../spaces/box.js';
import type { Space } from '../../spaces/space.js';
import { RunningMeanStd, type RunningMeanStdState } from '../../wrappers/running-mean-std.js';
import { batchSpace } from '../batch-space.js';
import type { BatchArray, VectorEnv, VectorResetArgs, VectorResetResult, VectorStepResult } from '../vector-env.js';
import { VectorWrapper } from './vector-wrapper.js';

/** Options of {@link NormalizeObservationVec}. */
export interface NormalizeObservationVecOptions {
  /** Added to the variance before the square root (Gymnasium's 1e-8). */
  epsilon?: number;
  /** Whether batches update the statistics (turn off to evaluate with frozen statistics). */
  updateRunningMean?: boolean;
}

/**
 * Gymnasium's vector `NormalizeObservation`: one running mean/variance over all sub-envs, updated with
 * each batch (reset and step; the whole batch, `numEnvs` samples), and observations returned as
 * `(obs − mean) / sqrt(var + epsilon)` in float32, in an unbounded float32 Box of the same shape. Only the
 * sub-envs a masked reset touched enter that reset's update.
 */
export class NormalizeObservationVec<Act = unknown> extends VectorWrapper<unknown, Act> {
  readonly obsRms: RunningMeanStd;
  updateRunningMean: boolean;
  private readonly epsilon: number;
  private readonly size: number;
  private readonly out: Float32Array;
  private readonly view: NdArray<Float32Array>;
  private readonly singleSpace: Box;
  private readonly batchedSpace: Space<unknown>;

  constructor(env: VectorEnv<unknown, Act>, options: NormalizeObservationVecOptions = {}) {
    super(env);
    const inner = env.singleObservationSpace;
    if (!(inner instanceof Box)) throw new EnvError(`NormalizeObservationVec: needs a Box observation space, got ${inner.toString()}`);
    const { epsilon = 1e-8, updateRunningMean = true } = options;
    if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new InvalidOptionError(`NormalizeObservationVec: epsilon must be a finite number > 0, got ${describeValue(epsilon)}`);
    }
    this.epsilon = epsilon;
    this.updateRunningMean = updateRunningMean;
    this.size = inner.size;
    this.obsRms = new RunningMeanStd(this.size);
    this.out = new Float32Array(env.numEnvs * this.size);
    this.view = ndarray(this.out, [env.numEnvs, ...inner.shape]);
    this.singleSpace = new Box(-Infinity, Infinity, { shape: inner.shape });
    this.batchedSpace = batchSpace(this.singleSpace, env.numEnvs);
  }

  override get singleObservationSpace(): Space<unknown> {
    return this.singleSpace;
  }

  override get observationSpace(): Space<unknown> {
    return this.batchedSpace;
  }

  /** The statistics, for saving with a trained policy. */
  getState(): RunningMeanStdState {
    return this.obsRms.getState();
  }

  /** Restores statistics from {@link NormalizeObservationVec.getState}. */
  setState(state: RunningMeanStdState): void {
    this.obsRms.setState(state);
  }

  protected override transformReset(args: VectorResetArgs, result: VectorResetResult): VectorResetResult {
    const rows = this.resetIndices(args);
    return { ...result, observations: this.normalize(result.observations.data, rows) };
  }

  protected override transformStep(result: VectorStepResult): VectorStepResult {
    return { ...result, observations: this.normalize(result.observations.data, undefined) };
  }

  private normalize(data: BatchArray, rows: number[] | undefined): NdArray<BatchArray> {
    const n = this.numEnvs;
    const size = this.size;
    if (this.updateRunningMean) {
      if (rows === undefined || rows.length === n) this.obsRms.update(data, n);
      else if (rows.length > 0) {
        const batch = new Float64Array(rows.length * size);
        rows.forEach((r, k) => batch.set(data.subarray(r * size, (r + 1) * size), k * size));
        this.obsRms.update(batch, rows.length);
      }
    }
    const { mean } = this.obsRms;
    const variance = this.obsRms.var;
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < size; d++) {
        const j = i * size + d;
        this.out[j] = (data[j] - mean[d]) / Math.sqrt(variance[d] + this.epsilon);
      }
    }
    return this.view;
  }
}
