import { InvalidOptionError, describeValue } from '../core/errors.js';
import { assertNumbers } from './categorical.js';
import { formatShape, shapeSize } from './shape.js';
import { Space } from './space.js';

/** Options of the {@link MultiBinary} constructor. */
export interface MultiBinaryOptions {
  seed?: number;
}

/**
 * Binary arrays of a fixed shape (Gymnasium's `MultiBinary`): `n` is a length or a shape; elements are
 * Int8Array of 0s and 1s, row-major over `shape`.
 */
export class MultiBinary extends Space<Int8Array> {
  /** Number of entries: the product of `shape`. */
  readonly size: number;
  override readonly dtype = 'int8';

  constructor(
    /** The length (a number) or the shape (an array) the space was built with. */
    readonly n: number | readonly number[],
    options: MultiBinaryOptions = {},
  ) {
    const shape = typeof n === 'number' ? [n] : Array.isArray(n) ? [...(n as readonly number[])] : null;
    if (shape === null || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new InvalidOptionError(`MultiBinary: n must be a positive integer or a non-empty list of them, got ${describeValue(n)}`);
    }
    super(shape, 'int8', options.seed);
    this.n = typeof n === 'number' ? n : Object.freeze([...shape]);
    this.size = shapeSize(shape);
  }

  /**
   * A random element: fair coin tosses; with `mask` (0, 1 or 2 per entry, row-major), an entry is forced to
   * 0 or 1, or tossed where the mask is 2; with `probability`, entry i is 1 with probability `probability[i]`.
   */
  sample(mask?: ArrayLike<number> | null, probability?: ArrayLike<number> | null): Int8Array {
    const hasMask = mask !== undefined && mask !== null;
    const hasProbability = probability !== undefined && probability !== null;
    if (hasMask && hasProbability) throw new InvalidOptionError(`${this.toString()}.sample: give either a mask or a probability, not both`);
    const out = new Int8Array(this.size);
    if (hasMask) {
      assertNumbers(mask, this.size, `${this.toString()}.sample: mask`);
      for (let i = 0; i < this.size; i++) {
        const m = mask[i];
        if (m !== 0 && m !== 1 && m !== 2) throw new InvalidOptionError(`${this.toString()}.sample: mask values must be 0, 1 or 2, got ${describeValue(m)} at index ${i}`);
      }
      for (let i = 0; i < this.size; i++) out[i] = mask[i] === 2 ? this.rng.integers(0, 2) : mask[i];
      return out;
    }
    if (hasProbability) {
      assertNumbers(probability, this.size, `${this.toString()}.sample: probability`);
      for (let i = 0; i < this.size; i++) {
        const p = probability[i];
        if (!(p >= 0 && p <= 1)) throw new InvalidOptionError(`${this.toString()}.sample: probability values must lie in [0, 1], got ${describeValue(p)} at index ${i}`);
      }
      // `random() < p` (Gymnasium has `<=`): with random() in [0, 1), p = 0 then never gives 1 and p = 1 always does.
      for (let i = 0; i < this.size; i++) out[i] = this.rng.random() < probability[i] ? 1 : 0;
      return out;
    }
    for (let i = 0; i < this.size; i++) out[i] = this.rng.integers(0, 2);
    return out;
  }

  /** Accepts a plain or typed array of `size` entries, each 0 or 1. */
  contains(x: unknown): x is Int8Array {
    if (!(Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView)))) return false;
    const a = x as ArrayLike<unknown>;
    if (a.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) if (a[i] !== 0 && a[i] !== 1) return false;
    return true;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof MultiBinary && other.shape.length === this.shape.length && other.shape.every((d, i) => d === this.shape[i]);
  }

  toString(): string {
    return typeof this.n === 'number' ? `MultiBinary(${this.n})` : `MultiBinary(${formatShape(this.shape)})`;
  }

  toJsonable(x: Int8Array): number[] {
    return Array.from(x);
  }

  fromJsonable(x: unknown): Int8Array {
    if (!this.contains(x)) throw new InvalidOptionError(`${this.toString()}: ${describeValue(x)} is not an element`);
    return Int8Array.from(x);
  }
}
