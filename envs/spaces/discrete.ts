import { InvalidOptionError } from '../core/errors.js';
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
    if (!Number.isInteger(n) || n <= 0) throw new InvalidOptionError(`Discrete: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(start)) throw new InvalidOptionError(`Discrete: start must be an integer, got ${start}`);
  }

  sample(mask?: ArrayLike<number>, probability?: ArrayLike<number>): number {
    if (mask !== undefined && probability !== undefined) {
      throw new InvalidOptionError('Discrete.sample: give either a mask or a probability, not both');
    }
    if (mask !== undefined) {
      if (mask.length !== this.n) throw new InvalidOptionError(`Discrete.sample: mask length ${mask.length}, expected ${this.n}`);
      const allowed: number[] = [];
      for (let i = 0; i < this.n; i++) {
        if (mask[i] !== 0 && mask[i] !== 1) throw new InvalidOptionError(`Discrete.sample: mask values must be 0 or 1, got ${mask[i]} at ${i}`);
        if (mask[i] === 1) allowed.push(i);
      }
      return this.start + (allowed.length === 0 ? 0 : allowed[this.rng.integers(0, allowed.length)]);
    }
    if (probability !== undefined) {
      if (probability.length !== this.n) throw new InvalidOptionError(`Discrete.sample: probability length ${probability.length}, expected ${this.n}`);
      return this.start + this.rng.choice(this.n, probability);
    }
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
    if (!this.contains(x)) throw new InvalidOptionError(`${this.toString()}: ${String(x)} is not an element`);
    return x;
  }
}
