import { InvalidOptionError, describeValue } from '../core/errors.js';
import { Space, type DType } from './space.js';

/** Typed-array constructor for each Box dtype. */
export type BoxArray = Float32Array | Float64Array | Int32Array;
export type BoxDType = 'float32' | 'float64' | 'int32';

const ARRAY_OF: Record<BoxDType, { new (n: number | ArrayLike<number>): BoxArray }> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
};

/** Allocates a typed array of a Box dtype. */
export function allocBoxArray(dtype: BoxDType, lengthOrValues: number | ArrayLike<number>): BoxArray {
  return new ARRAY_OF[dtype](lengthOrValues);
}

/** Options of the {@link Box} constructor. */
export interface BoxOptions {
  shape?: readonly number[];
  dtype?: BoxDType;
  seed?: number;
}

/**
 * The element type `A` defaults to Float32Array (the common case); give `Box<Float64Array>` with
 * `dtype: 'float64'` and `Box<Int32Array>` with `dtype: 'int32'`.
 *
 * A (possibly unbounded) box in R^n (Gymnasium's `Box`): elements are typed arrays (Float32Array for
 * float32, Float64Array for float64, Int32Array for int32), row-major over `shape`. `low`/`high` are per
 * dimension or scalars broadcast to `shape`. Sampling follows Gymnasium: uniform when bounded, normal when
 * unbounded, shifted exponential when bounded on one side; integer boxes sample integers.
 */
export class Box<A extends BoxArray = Float32Array> extends Space<A> {
  readonly low: BoxArray;
  readonly high: BoxArray;
  /** Number of elements: the product of `shape`. */
  readonly size: number;
  override readonly dtype: BoxDType;

  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, options: BoxOptions = {}) {
    const dtype = options.dtype ?? 'float32';
    const shape = options.shape ?? inferShape(low, high);
    super(shape, dtype satisfies DType, options.seed);
    this.dtype = dtype;
    if (!ARRAY_OF[dtype]) throw new InvalidOptionError(`Box: dtype must be float32, float64 or int32, got ${describeValue(dtype)}`);
    for (const d of shape) {
      if (!Number.isInteger(d) || d <= 0) throw new InvalidOptionError(`Box: shape must have positive integer dims, got [${shape.join(', ')}]`);
    }
    this.size = shape.reduce((a, b) => a * b, 1);
    this.low = broadcast('low', low, this.size, dtype);
    this.high = broadcast('high', high, this.size, dtype);
    for (let i = 0; i < this.size; i++) {
      if (Number.isNaN(this.low[i]) || Number.isNaN(this.high[i])) throw new InvalidOptionError(`Box: bounds must not be NaN (dimension ${i})`);
      if (this.low[i] > this.high[i]) {
        throw new InvalidOptionError(`Box: low[${i}] = ${this.low[i]} is above high[${i}] = ${this.high[i]}`);
      }
    }
  }

  /** Whether every dimension is bounded below and above. */
  isBounded(manner: 'both' | 'below' | 'above' = 'both'): boolean {
    let below = true;
    let above = true;
    for (let i = 0; i < this.size; i++) {
      if (this.low[i] === -Infinity) below = false;
      if (this.high[i] === Infinity) above = false;
    }
    return manner === 'both' ? below && above : manner === 'below' ? below : above;
  }

  /** Gymnasium's Box takes neither a mask nor a probability; giving one is an error. */
  sample(mask?: unknown, probability?: unknown): A {
    if (mask !== undefined && mask !== null) throw new InvalidOptionError(`${this.toString()}.sample: a Box takes no mask, got ${describeValue(mask)}`);
    if (probability !== undefined && probability !== null) {
      throw new InvalidOptionError(`${this.toString()}.sample: a Box takes no probability, got ${describeValue(probability)}`);
    }
    const out = allocBoxArray(this.dtype, this.size) as A;
    const isInt = this.dtype === 'int32';
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i];
      const hi = isInt ? this.high[i] + 1 : this.high[i];
      let value: number;
      if (lo === -Infinity && hi === Infinity) value = this.rng.normal();
      else if (hi === Infinity) value = lo + this.rng.exponential();
      else if (lo === -Infinity) value = hi - this.rng.exponential();
      else value = this.rng.uniform(lo, hi);
      if (isInt) value = Math.min(Math.floor(value), this.high[i]);
      out[i] = value;
    }
    // float32 rounding can push a uniform draw onto `high`; clamp to stay inside the box.
    if (this.dtype === 'float32') {
      for (let i = 0; i < this.size; i++) out[i] = Math.min(Math.max(out[i], this.low[i]), this.high[i]);
    }
    return out;
  }

  /** Accepts any numeric array of the right length whose values are finite-or-bounded, in bounds, and integral for int32. */
  contains(x: unknown): x is A {
    if (!isNumericArrayLike(x) || x.length !== this.size) return false;
    const isInt = this.dtype === 'int32';
    for (let i = 0; i < this.size; i++) {
      const v = x[i];
      if (typeof v !== 'number' || Number.isNaN(v)) return false;
      if (isInt && !Number.isInteger(v)) return false;
      if (v < this.low[i] || v > this.high[i]) return false;
    }
    return true;
  }

  equals(other: Space<unknown>): boolean {
    if (!(other instanceof Box) || other.dtype !== this.dtype || other.shape.length !== this.shape.length) return false;
    if (other.shape.some((d, i) => d !== this.shape[i])) return false;
    for (let i = 0; i < this.size; i++) {
      if (!Object.is(other.low[i], this.low[i]) || !Object.is(other.high[i], this.high[i])) return false;
    }
    return true;
  }

  toString(): string {
    return `Box(${boundText(this.low)}, ${boundText(this.high)}, (${this.shape.join(', ')}${this.shape.length === 1 ? ',' : ''}), ${this.dtype})`;
  }

  toJsonable(x: A): number[] {
    return Array.from(x);
  }

  fromJsonable(x: unknown): A {
    if (!Array.isArray(x) || x.length !== this.size || x.some((v) => typeof v !== 'number')) {
      throw new InvalidOptionError(`${this.toString()}: expected an array of ${this.size} numbers, got ${describeValue(x)}`);
    }
    return allocBoxArray(this.dtype, x as number[]) as A;
  }

  /** Clips `x` into the box, writing to `out` (a new array by default). */
  clip(x: ArrayLike<number>, out: A = allocBoxArray(this.dtype, this.size) as A): A {
    for (let i = 0; i < this.size; i++) out[i] = Math.min(Math.max(x[i], this.low[i]), this.high[i]);
    return out;
  }
}

/** Whether `x` is a typed array (not a DataView) or an array of numbers. */
export function isNumericArrayLike(x: unknown): x is ArrayLike<number> {
  if (ArrayBuffer.isView(x)) return !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
  return Array.isArray(x);
}

function inferShape(low: number | ArrayLike<number>, high: number | ArrayLike<number>): number[] {
  if (typeof low !== 'number') return [low.length];
  if (typeof high !== 'number') return [high.length];
  throw new InvalidOptionError('Box: give a shape when both low and high are scalars');
}

function broadcast(name: string, bound: number | ArrayLike<number>, size: number, dtype: BoxDType): BoxArray {
  if (typeof bound !== 'number' && !isNumericArrayLike(bound)) {
    throw new InvalidOptionError(`Box: ${name} must be a number or an array of numbers, got ${describeValue(bound)}`);
  }
  if (typeof bound !== 'number' && bound.length !== size) throw new InvalidOptionError(`Box: ${name} has ${bound.length} values, the shape needs ${size}`);
  const arr = allocBoxArray(dtype, size);
  for (let i = 0; i < size; i++) {
    const v = typeof bound === 'number' ? bound : bound[i];
    // Checked before the typed-array store, which would turn NaN into 0 and wrap large values in an Int32Array.
    if (typeof v !== 'number' || Number.isNaN(v)) throw new InvalidOptionError(`Box: ${name}[${i}] must be a number, got ${describeValue(v)}`);
    if (dtype === 'int32') arr[i] = int32Bound(name, i, v);
    else arr[i] = v;
  }
  return arr;
}

/** An int32 bound: ±Infinity becomes the int32 extreme (an int box has no infinity); others must be int32 integers. */
function int32Bound(name: string, i: number, v: number): number {
  if (v === Infinity) return INT32_MAX;
  if (v === -Infinity) return INT32_MIN;
  if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new InvalidOptionError(`Box: ${name}[${i}] = ${v} must be an integer in the int32 range (or ±Infinity) for dtype int32`);
  }
  return v;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function boundText(bound: BoxArray): string {
  const first = bound[0];
  for (let i = 1; i < bound.length; i++) if (!Object.is(bound[i], first)) return `[${Array.from(bound, fmt).join(' ')}]`;
  return fmt(first);
}

function fmt(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return Number.isInteger(v) ? v.toFixed(1) : String(Math.fround(v) === v ? Number(v.toPrecision(8)) : v);
}
