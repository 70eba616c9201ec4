import { describeValue } from '../core/errors.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { MultiDiscrete } from '../spaces/multi-discrete.js';
import { Space } from '../spaces/space.js';
import type { BatchArray } from './vector-env.js';
import { allocTyped, layoutOf, type SpaceLayout } from './batch-layout.js';

/**
 * `numEnvs` copies of a non-Box space as one flat typed array `[numEnvs, ...shape]` (for Discrete, a
 * row of ints: Gymnasium's `MultiDiscrete([n] * numEnvs)` as far as `contains`/`sample` go). An element is
 * valid when every row is an element of the single space.
 */
export class BatchedSpace extends Space<BatchArray> {
  private readonly layout: SpaceLayout;

  constructor(
    readonly single: Space<unknown>,
    readonly numEnvs: number,
  ) {
    const layout = layoutOf(single, 'batched');
    super([numEnvs, ...layout.shape], layout.dtype);
    this.layout = layout;
  }

  /** Samples each row from the single space (seeded through {@link BatchedSpace.seed}). */
  sample(): BatchArray {
    const out = allocTyped(this.layout.dtype, this.numEnvs * this.layout.rowSize, false);
    for (let i = 0; i < this.numEnvs; i++) {
      const row = this.single.sample();
      if (this.layout.scalar) out[i] = row as number;
      else out.set(row as ArrayLike<number>, i * this.layout.rowSize);
    }
    return out;
  }

  override seed(seed?: number): number[] {
    return this.single.seed(seed);
  }

  contains(x: unknown): x is BatchArray {
    if (!ArrayBuffer.isView(x) && !Array.isArray(x)) return false;
    const values = x as unknown as ArrayLike<number>;
    if (values.length !== this.numEnvs * this.layout.rowSize) return false;
    for (let i = 0; i < this.numEnvs; i++) {
      const row = this.layout.scalar ? values[i] : Array.prototype.slice.call(values, i * this.layout.rowSize, (i + 1) * this.layout.rowSize);
      const element = this.layout.scalar ? row : this.single.fromJsonable(row);
      if (!this.single.contains(element)) return false;
    }
    return true;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof BatchedSpace && other.numEnvs === this.numEnvs && other.single.equals(this.single);
  }

  toString(): string {
    return `Batched(${this.single.toString()}, ${this.numEnvs})`;
  }

  toJsonable(x: BatchArray): number[] {
    return Array.from(x);
  }

  fromJsonable(x: unknown): BatchArray {
    if (!Array.isArray(x) || x.length !== this.numEnvs * this.layout.rowSize) {
      throw new RangeError(`${this.toString()}: expected an array of ${this.numEnvs * this.layout.rowSize} numbers, got ${describeValue(x)}`);
    }
    const out = allocTyped(this.layout.dtype, x.length, false);
    out.set(x as number[]);
    return out;
  }
}

/**
 * Gymnasium's `batch_space`: a Box becomes a Box of shape `[numEnvs, ...shape]` with tiled bounds, a
 * Discrete a MultiDiscrete of `numEnvs` components; other spaces with a row layout become a {@link BatchedSpace}.
 */
export function batchSpace(space: Space<unknown>, numEnvs: number): Space<unknown> {
  if (space instanceof Box) {
    const low = new Float64Array(numEnvs * space.size);
    const high = new Float64Array(numEnvs * space.size);
    for (let i = 0; i < numEnvs; i++) {
      low.set(space.low, i * space.size);
      high.set(space.high, i * space.size);
    }
    return new Box(low, high, { shape: [numEnvs, ...space.shape], dtype: space.dtype });
  }
  if (space instanceof Discrete) return new MultiDiscrete(new Array<number>(numEnvs).fill(space.n), { start: space.start });
  return new BatchedSpace(space, numEnvs);
}
