import type { Env } from '../core/env.js';
import { EnvError, InvalidOptionError, describeValue } from '../core/errors.js';
import type { BoxArray } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { perDimension, requireBox } from './argument-checks.js';
import { ObservationWrapper } from './observation-wrapper.js';

/** Options of {@link DiscretizeObservation}. */
export interface DiscretizeObservationOptions {
  /** Bins per dimension: one count for every dimension, or one per dimension (integers ≥ 1). */
  bins: number | ArrayLike<number>;
  /** Lower edge of the first bin per dimension (default: the Box's low; required where that is -inf). */
  low?: number | ArrayLike<number>;
  /** Upper edge of the last bin per dimension (default: the Box's high; required where that is inf). */
  high?: number | ArrayLike<number>;
}

/**
 * Maps a Box observation to one Discrete index, for tabular agents. Each dimension d is cut into
 * `bins[d]` equal bins over `[low[d], high[d]]`; bin k holds `edges[k] ≤ x < edges[k+1]` (the last bin
 * also holds `high`), and values below `low` or above `high` fall in the edge bins. The per-dimension bin
 * indices are combined in mixed radix, row-major like numpy's `ravel_multi_index`: the first dimension is
 * the most significant, so the index is `((i0·b1 + i1)·b2 + i2)…`. The observation space is
 * `Discrete(∏ bins)`. A NaN observation is an error.
 */
export class DiscretizeObservation<Act = unknown> extends ObservationWrapper<number, Act, BoxArray> {
  /** Bins per dimension. */
  readonly bins: readonly number[];
  private readonly edgesPerDim: Float64Array[];
  private readonly space: Discrete;

  constructor(env: Env<BoxArray, Act>, options: DiscretizeObservationOptions) {
    super(env);
    const name = 'DiscretizeObservation';
    const inner = requireBox(name, env.observationSpace, 'observation');
    if (options === null || typeof options !== 'object') {
      throw new InvalidOptionError(`${name}: options { bins, low?, high? } are required, got ${describeValue(options)}`);
    }
    const size = inner.size;
    const bins = perDimension(name, 'bins', options.bins, size);
    const low = options.low === undefined ? Float64Array.from(inner.low) : perDimension(name, 'low', options.low, size);
    const high = options.high === undefined ? Float64Array.from(inner.high) : perDimension(name, 'high', options.high, size);
    let total = 1;
    for (let d = 0; d < size; d++) {
      if (!Number.isInteger(bins[d]) || bins[d] < 1) {
        throw new InvalidOptionError(`${name}: bins[${d}] must be an integer >= 1, got ${bins[d]}`);
      }
      for (const [which, value] of [['low', low[d]], ['high', high[d]]] as const) {
        if (!Number.isFinite(value)) {
          throw new InvalidOptionError(
            `${name}: ${which}[${d}] is ${value}${options[which] === undefined ? ` (the observation space ${inner.toString()} is unbounded there)` : ''}; give a finite ${which} for every dimension`,
          );
        }
      }
      if (!(low[d] < high[d])) throw new InvalidOptionError(`${name}: low[${d}] = ${low[d]} must be below high[${d}] = ${high[d]}`);
      total *= bins[d];
    }
    if (!Number.isSafeInteger(total)) {
      throw new InvalidOptionError(`${name}: the product of bins (${Array.from(bins).join(' × ')}) exceeds ${Number.MAX_SAFE_INTEGER} states`);
    }
    this.bins = Array.from(bins);
    this.edgesPerDim = this.bins.map((b, d) => {
      const edges = new Float64Array(b + 1);
      for (let k = 0; k <= b; k++) edges[k] = low[d] + ((high[d] - low[d]) * k) / b;
      edges[b] = high[d];
      return edges;
    });
    this.space = new Discrete(total);
  }

  override get observationSpace(): Discrete {
    return this.space;
  }

  /** The bin edges of dimension `dim` (`bins[dim] + 1` values from low to high); a copy. */
  edges(dim: number): Float64Array {
    const edges = this.edgesPerDim[dim];
    if (edges === undefined) throw new RangeError(`DiscretizeObservation.edges: dim must be an integer in [0, ${this.bins.length}), got ${dim}`);
    return edges.slice();
  }

  /** The bin index of each dimension of `observation`. */
  binIndices(observation: ArrayLike<number>): number[] {
    if (observation?.length !== this.bins.length) {
      throw new EnvError(`DiscretizeObservation: expected an observation of ${this.bins.length} values, got ${describeValue(observation)}`);
    }
    const out = new Array<number>(this.bins.length);
    for (let d = 0; d < this.bins.length; d++) out[d] = this.binOf(d, observation[d]);
    return out;
  }

  /** The Discrete index of `observation` (mixed radix over the per-dimension bins, first dimension most significant). */
  observation(observation: BoxArray): number {
    if (observation?.length !== this.bins.length) {
      throw new EnvError(`DiscretizeObservation: expected an observation of ${this.bins.length} values, got ${describeValue(observation)}`);
    }
    let index = 0;
    for (let d = 0; d < this.bins.length; d++) index = index * this.bins[d] + this.binOf(d, observation[d]);
    return index;
  }

  /** The per-dimension bin indices of a Discrete index (inverse of the mixed-radix combination). */
  unravel(index: number): number[] {
    if (!this.space.contains(index)) throw new RangeError(`DiscretizeObservation.unravel: index must be an element of ${this.space.toString()}, got ${index}`);
    const out = new Array<number>(this.bins.length);
    for (let d = this.bins.length - 1; d >= 0; d--) {
      out[d] = index % this.bins[d];
      index = Math.floor(index / this.bins[d]);
    }
    return out;
  }

  private binOf(dim: number, x: number): number {
    if (Number.isNaN(x)) throw new EnvError(`DiscretizeObservation: observation value ${dim} is NaN`);
    const edges = this.edgesPerDim[dim];
    const b = edges.length - 1;
    if (x <= edges[0]) return 0;
    if (x >= edges[b]) return b - 1;
    // Guess arithmetically, then settle against the stored edges so that a value equal to an edge is
    // always in the bin that edge opens, whatever the rounding of the division.
    let k = Math.min(b - 1, Math.max(0, Math.floor(((x - edges[0]) / (edges[b] - edges[0])) * b)));
    while (k > 0 && x < edges[k]) k--;
    while (k < b - 1 && x >= edges[k + 1]) k++;
    return k;
  }
}
