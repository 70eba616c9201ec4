import { InvalidOptionError, describeValue } from '../core/errors.js';

/** JSON form of a {@link RunningMeanStd}: its statistics, per dimension. */
export interface RunningMeanStdState {
  mean: number[];
  var: number[];
  count: number;
}

/**
 * Running mean and (population) variance of vectors of `size` numbers, merged batch by batch with the
 * parallel-variance formula (Chan et al.), as Gymnasium's and Stable-Baselines3's `RunningMeanStd` do.
 * It starts as Gymnasium's does: mean 0, variance 1, and a pseudo-count `epsilon` so that the first
 * batch almost entirely replaces the prior (and no division by zero ever happens).
 * Statistics are float64 whatever the observation dtype, so long runs do not lose precision.
 */
export class RunningMeanStd {
  /** Running mean per dimension. */
  readonly mean: Float64Array;
  /** Running population variance per dimension. */
  readonly var: Float64Array;
  /** Number of samples merged so far, plus the initial pseudo-count `epsilon`. */
  count: number;
  // Scratch for one batch's moments, reused so that per-step updates allocate nothing.
  private readonly batchMean: Float64Array;
  private readonly batchVar: Float64Array;

  /**
   * @param size number of dimensions (a positive integer; 1 for a scalar such as a return)
   * @param epsilon initial pseudo-count (> 0), Gymnasium's default 1e-4
   */
  constructor(
    readonly size: number,
    epsilon = 1e-4,
  ) {
    if (!Number.isInteger(size) || size <= 0) {
      throw new InvalidOptionError(`RunningMeanStd: size must be a positive integer, got ${describeValue(size)}`);
    }
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0) {
      throw new InvalidOptionError(`RunningMeanStd: epsilon must be a finite number > 0, got ${describeValue(epsilon)}`);
    }
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
    this.batchMean = new Float64Array(size);
    this.batchVar = new Float64Array(size);
  }

  /**
   * Merges a batch of `batchCount` samples, given row-major as `batchCount × size` numbers. A non-finite
   * value or a wrong length throws before anything changes.
   */
  update(batch: ArrayLike<number>, batchCount = 1): void {
    if (!Number.isInteger(batchCount) || batchCount <= 0) {
      throw new InvalidOptionError(`RunningMeanStd.update: batchCount must be a positive integer, got ${describeValue(batchCount)}`);
    }
    if (batch === null || typeof batch !== 'object' || typeof batch.length !== 'number') {
      throw new InvalidOptionError(`RunningMeanStd.update: batch must be an array of numbers, got ${describeValue(batch)}`);
    }
    const size = this.size;
    if (batch.length !== batchCount * size) {
      throw new InvalidOptionError(
        `RunningMeanStd.update: batch has ${batch.length} values; batchCount × size = ${batchCount} × ${size} = ${batchCount * size}`,
      );
    }
    for (let i = 0; i < batch.length; i++) {
      const v = batch[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InvalidOptionError(
          `RunningMeanStd.update: value ${describeValue(v)} at row ${Math.floor(i / size)}, dimension ${i % size} is not a finite number`,
        );
      }
    }
    if (batchCount === 1) {
      // The per-step case of the wrappers: the batch is its own mean, with variance 0 (same formula, one pass).
      const count = this.count;
      const total = count + 1;
      for (let d = 0; d < size; d++) {
        const delta = batch[d] - this.mean[d];
        this.var[d] = (this.var[d] * count + delta * delta * (count / total)) / total;
        this.mean[d] += delta / total;
      }
      this.count = total;
      return;
    }
    // Two passes (mean, then squared deviations) as numpy's var does: stable when values are far from 0.
    const bm = this.batchMean;
    const bv = this.batchVar;
    bm.fill(0);
    bv.fill(0);
    for (let r = 0; r < batchCount; r++) {
      const row = r * size;
      for (let d = 0; d < size; d++) bm[d] += batch[row + d];
    }
    for (let d = 0; d < size; d++) bm[d] /= batchCount;
    for (let r = 0; r < batchCount; r++) {
      const row = r * size;
      for (let d = 0; d < size; d++) {
        const dev = batch[row + d] - bm[d];
        bv[d] += dev * dev;
      }
    }
    for (let d = 0; d < size; d++) bv[d] /= batchCount;
    this.updateFromMoments(bm, bv, batchCount);
  }

  /**
   * Merges a batch given by its moments: per-dimension mean and population variance of `batchCount`
   * samples (Gymnasium's `update_from_moments`).
   */
  updateFromMoments(batchMean: ArrayLike<number>, batchVar: ArrayLike<number>, batchCount: number): void {
    if (batchMean.length !== this.size || batchVar.length !== this.size) {
      throw new InvalidOptionError(
        `RunningMeanStd.updateFromMoments: batchMean and batchVar need ${this.size} values, got ${batchMean.length} and ${batchVar.length}`,
      );
    }
    if (!(batchCount > 0) || !Number.isFinite(batchCount)) {
      throw new InvalidOptionError(`RunningMeanStd.updateFromMoments: batchCount must be a finite number > 0, got ${describeValue(batchCount)}`);
    }
    const count = this.count;
    const total = count + batchCount;
    for (let d = 0; d < this.size; d++) {
      const delta = batchMean[d] - this.mean[d];
      const m2 = this.var[d] * count + batchVar[d] * batchCount + delta * delta * ((count * batchCount) / total);
      this.mean[d] += (delta * batchCount) / total;
      this.var[d] = m2 / total;
    }
    this.count = total;
  }

  /** The statistics as plain JSON (exact: doubles survive JSON round trips). */
  getState(): RunningMeanStdState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Restores statistics from {@link RunningMeanStd.getState}; validates everything before changing anything. */
  setState(state: RunningMeanStdState): void {
    if (state === null || typeof state !== 'object') {
      throw new InvalidOptionError(`RunningMeanStd.setState: state must be an object { mean, var, count }, got ${describeValue(state)}`);
    }
    const check = (name: 'mean' | 'var', min: number): void => {
      const values: unknown = state[name];
      if (!Array.isArray(values) && !(values instanceof Float64Array)) {
        throw new InvalidOptionError(`RunningMeanStd.setState: ${name} must be an array of ${this.size} numbers, got ${describeValue(values)}`);
      }
      if (values.length !== this.size) {
        throw new InvalidOptionError(`RunningMeanStd.setState: ${name} has ${values.length} values, this RunningMeanStd has size ${this.size}`);
      }
      for (let d = 0; d < values.length; d++) {
        const v: unknown = values[d];
        if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
          throw new InvalidOptionError(
            `RunningMeanStd.setState: ${name}[${d}] must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${describeValue(v)}`,
          );
        }
      }
    };
    check('mean', -Infinity);
    check('var', 0);
    if (typeof state.count !== 'number' || !Number.isFinite(state.count) || state.count <= 0) {
      throw new InvalidOptionError(`RunningMeanStd.setState: count must be a finite number > 0, got ${describeValue(state.count)}`);
    }
    this.mean.set(state.mean);
    this.var.set(state.var);
    this.count = state.count;
  }
}
