import { InvalidOptionError, describeValue } from '../core/errors.js';
import { sampleMaskedIndex, sampleProbabilityIndex } from './categorical.js';
import { formatNested, readNested, type NestedNumbers } from './shape.js';
import { Space } from './space.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Options of the {@link MultiDiscrete} constructor. */
export interface MultiDiscreteOptions {
  /** Smallest value of each component: a scalar for all, or an array shaped like `nvec` (default 0). */
  start?: NestedNumbers;
  seed?: number;
}

/**
 * Per-component masks or probabilities for {@link MultiDiscrete.sample}: one array of `nvec[i]` numbers per
 * component, nested like `nvec` (Gymnasium's tuple of arrays).
 */
export type MultiDiscreteMask = readonly (ArrayLike<number> | MultiDiscreteMask)[];

/**
 * The cartesian product of Discrete spaces (Gymnasium's `MultiDiscrete`): component i takes values in
 * `{start[i], …, start[i] + nvec[i] − 1}`. `nvec` may be nested arrays (several axes); elements are
 * Int32Array, row-major over `shape`.
 */
export class MultiDiscrete extends Space<Int32Array> {
  /** Number of values of each component, row-major. */
  readonly nvec: Int32Array;
  /** Smallest value of each component, row-major. */
  readonly start: Int32Array;
  /** Number of components: the product of `shape`. */
  readonly size: number;
  override readonly dtype = 'int32';

  constructor(nvec: NestedNumbers, options: MultiDiscreteOptions = {}) {
    const parsed = readNested(nvec, 'MultiDiscrete: nvec');
    if (parsed.shape.length === 0) throw new InvalidOptionError(`MultiDiscrete: nvec must be an array, got the scalar ${parsed.values[0]}; use Discrete for one component`);
    super(parsed.shape, 'int32', options.seed);
    this.size = parsed.values.length;
    parsed.values.forEach((n, i) => {
      if (!Number.isInteger(n) || n <= 0 || n > INT32_MAX) {
        throw new InvalidOptionError(`MultiDiscrete: nvec values must be positive integers, got ${describeValue(n)} at index ${i}`);
      }
    });
    const start = readStart(options.start, parsed.shape, this.size);
    start.forEach((s, i) => {
      if (!Number.isInteger(s) || s < INT32_MIN || s + parsed.values[i] - 1 > INT32_MAX) {
        throw new InvalidOptionError(`MultiDiscrete: start[${i}] = ${describeValue(s)} must be an integer with start + nvec - 1 within int32`);
      }
    });
    this.nvec = Int32Array.from(parsed.values);
    this.start = Int32Array.from(start);
  }

  /**
   * A random element. With `mask`, component i is drawn uniformly among the values whose mask entry is 1,
   * or is `start[i]` when its mask is all zeros; with `probability`, component i is drawn by its weights.
   */
  sample(mask?: MultiDiscreteMask | null, probability?: MultiDiscreteMask | null): Int32Array {
    const hasMask = mask !== undefined && mask !== null;
    const hasProbability = probability !== undefined && probability !== null;
    if (hasMask && hasProbability) throw new InvalidOptionError(`${this.toString()}.sample: give either a mask or a probability, not both`);
    const out = new Int32Array(this.size);
    if (hasMask || hasProbability) {
      const leaves = this.componentArrays((hasMask ? mask : probability) as MultiDiscreteMask, hasMask ? 'mask' : 'probability');
      for (let i = 0; i < this.size; i++) {
        const what = `${this.toString()}.sample (component ${i})`;
        const index = hasMask
          ? sampleMaskedIndex(this.rng, leaves[i], this.nvec[i], what)
          : sampleProbabilityIndex(this.rng, leaves[i], this.nvec[i], what);
        out[i] = this.start[i] + Math.max(index, 0);
      }
      return out;
    }
    for (let i = 0; i < this.size; i++) out[i] = this.start[i] + this.rng.integers(0, this.nvec[i]);
    return out;
  }

  /**
   * Accepts a plain array or an integer typed array of `size` integers within the components' ranges.
   * Float typed arrays are rejected, as Gymnasium rejects arrays that cannot be cast to its integer dtype.
   */
  contains(x: unknown): x is Int32Array {
    if (x instanceof Float32Array || x instanceof Float64Array) return false;
    if (!(Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView)))) return false;
    const a = x as ArrayLike<unknown>;
    if (a.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = a[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < this.start[i] || v - this.start[i] >= this.nvec[i]) return false;
    }
    return true;
  }

  equals(other: Space<unknown>): boolean {
    if (!(other instanceof MultiDiscrete) || other.shape.length !== this.shape.length) return false;
    if (other.shape.some((d, i) => d !== this.shape[i])) return false;
    for (let i = 0; i < this.size; i++) {
      if (other.nvec[i] !== this.nvec[i] || other.start[i] !== this.start[i]) return false;
    }
    return true;
  }

  toString(): string {
    const nvec = formatNested(this.nvec, this.shape);
    return this.start.some((s) => s !== 0) ? `MultiDiscrete(${nvec}, start=${formatNested(this.start, this.shape)})` : `MultiDiscrete(${nvec})`;
  }

  toJsonable(x: Int32Array): number[] {
    return Array.from(x);
  }

  fromJsonable(x: unknown): Int32Array {
    if (!this.contains(x)) throw new InvalidOptionError(`${this.toString()}: ${describeValue(x)} is not an element`);
    return Int32Array.from(x);
  }

  /** Collects the per-component arrays of a nested mask/probability, checking its nesting against `shape`. */
  private componentArrays(nested: MultiDiscreteMask, name: string): unknown[] {
    const leaves: unknown[] = [];
    const walk = (node: unknown, dim: number, path: string): void => {
      if (dim === this.shape.length) {
        leaves.push(node);
        return;
      }
      if (!Array.isArray(node) || node.length !== this.shape[dim]) {
        throw new InvalidOptionError(
          `${this.toString()}.sample: ${path} must be a list of ${this.shape[dim]} ${dim + 1 === this.shape.length ? 'arrays' : 'lists'}, got ${describeValue(node)}`,
        );
      }
      node.forEach((child: unknown, i: number) => walk(child, dim + 1, `${path}[${i}]`));
    };
    walk(nested, 0, name);
    return leaves;
  }
}

function readStart(start: NestedNumbers | undefined, shape: readonly number[], size: number): number[] {
  if (start === undefined) return new Array<number>(size).fill(0);
  if (typeof start === 'number') return new Array<number>(size).fill(start);
  const parsed = readNested(start, 'MultiDiscrete: start');
  if (parsed.shape.length !== shape.length || parsed.shape.some((d, i) => d !== shape[i])) {
    throw new InvalidOptionError(`MultiDiscrete: start has shape (${parsed.shape.join(', ')}), nvec has (${shape.join(', ')})`);
  }
  return parsed.values;
}
