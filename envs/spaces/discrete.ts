import { InvalidOptionError, describeValue } from '../core/errors.js';
import { sampleMaskedIndex, sampleProbabilityIndex } from './categorical.js';
import { Space } from './space.js';

/**
 * `{start, start + 1, …, start + n − 1}` (Gymnasium's `Discrete`). Elements are plain numbers.
 * `sample(mask)` takes an Int8Array/Uint8Array of length n (1 = allowed) and, with no allowed action,
 * returns `start` as Gymnasium does; `sample(undefined, probability)` draws by the given weights.
 */
export class Discrete extends Space<number> {
  constructor(
    readonly n: number,
    readonly start = 0,
    seed?: number,
  ) {
    super([], 'int64', seed);
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidOptionError(`Discrete: n must be a positive integer, got ${describeValue(n)}`);
    if (!Number.isSafeInteger(start)) throw new InvalidOptionError(`Discrete: start must be an integer, got ${describeValue(start)}`);
  }

  sample(mask?: ArrayLike<number> | null, probability?: ArrayLike<number> | null): number {
    const hasMask = mask !== undefined && mask !== null;
    const hasProbability = probability !== undefined && probability !== null;
    if (hasMask && hasProbability) throw new InvalidOptionError(`${this.toString()}.sample: give either a mask or a probability, not both`);
    if (hasMask) {
      const index = sampleMaskedIndex(this.rng, mask, this.n, `${this.toString()}.sample`);
      return this.start + (index < 0 ? 0 : index);
    }
    if (hasProbability) return this.start + sampleProbabilityIndex(this.rng, probability, this.n, `${this.toString()}.sample`);
    return this.start + this.rng.integers(0, this.n);
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof Discrete && other.n === this.n && other.start === this.start;
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }

  toJsonable(x: number): number {
    return x;
  }

  fromJsonable(x: unknown): number {
    if (!this.contains(x)) throw new InvalidOptionError(`${this.toString()}: ${describeValue(x)} is not an element`);
    return x;
  }
}
