import { InvalidOptionError, describeValue } from '../core/errors.js';
import { Box, isNumericArrayLike } from './box.js';
import { Dict } from './dict.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multi-binary.js';
import { MultiDiscrete } from './multi-discrete.js';
import { isPlainObject } from './plain-object.js';
import type { Space } from './space.js';
import { Tuple } from './tuple.js';

/** A flattened element: the typed array of {@link flattenSpace}'s Box. */
export type FlatArray = Float32Array | Float64Array;

/** Largest integer magnitude float32 holds exactly: an int32 Box beyond it flattens to float64. */
const FLOAT32_EXACT_INT = 2 ** 24;

interface FlatLayout {
  /** Length of the flat vector. */
  readonly dim: number;
  /** Whether the flat vector must be float64 to hold every element exactly. */
  readonly float64: boolean;
  /** A Dict's children in key order, a Tuple's in order (an array: faster to walk than the Dict's record). */
  readonly children: readonly Space<unknown>[];
}

// Spaces are immutable once built, so their layout is computed once (flatten runs on every env step).
const layouts = new WeakMap<Space<unknown>, FlatLayout>();

function layoutOf(space: Space<unknown>): FlatLayout {
  let layout = layouts.get(space);
  if (layout === undefined) {
    layout = computeLayout(space);
    layouts.set(space, layout);
  }
  return layout;
}

function computeLayout(space: Space<unknown>): FlatLayout {
  if (space instanceof Box) {
    const wideInt = space.dtype === 'int32' && (hasLargeValue(space.low) || hasLargeValue(space.high));
    return { dim: space.size, float64: space.dtype === 'float64' || wideInt, children: [] };
  }
  if (space instanceof Discrete) return { dim: space.n, float64: false, children: [] };
  if (space instanceof MultiDiscrete) return { dim: space.nvec.reduce((a, b) => a + b, 0), float64: false, children: [] };
  if (space instanceof MultiBinary) return { dim: space.size, float64: false, children: [] };
  if (space instanceof Dict || space instanceof Tuple) {
    const children = space instanceof Dict ? space.keys.map((key) => space.spaces[key] as Space<unknown>) : [...space.spaces];
    const layouts = children.map(layoutOf);
    return { dim: layouts.reduce((a, c) => a + c.dim, 0), float64: layouts.some((c) => c.float64), children };
  }
  throw new InvalidOptionError(
    `${space.toString()} cannot be flattened: only Box, Discrete, MultiDiscrete, MultiBinary and Dict/Tuple of them are flattenable`,
  );
}

function hasLargeValue(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) > FLOAT32_EXACT_INT) return true;
  return false;
}


/**
 * The length of the flat vector of `space` (Gymnasium's `flatdim`): a Box's size, a Discrete's `n` (one-hot),
 * the sum of a MultiDiscrete's `nvec`, a MultiBinary's size, and the sum over a Dict's or Tuple's children.
 */
export function flatdim(space: Space<unknown>): number {
  return layoutOf(space).dim;
}

/**
 * The Box of flat vectors of `space` (Gymnasium's `flatten_space`): bounds concatenated in flatten order,
 * one-hot entries in [0, 1]. Its dtype is float32 unless a component needs float64 to be held exactly (a
 * float64 Box, or an int32 Box with a bound beyond ±2^24); Gymnasium instead keeps numpy's promoted dtype
 * (int64 for a lone Discrete).
 */
export function flattenSpace(space: Space<unknown>): Box<FlatArray> {
  const { dim, float64 } = layoutOf(space);
  if (dim === 0) throw new InvalidOptionError(`${space.toString()} flattens to zero dimensions; a Box needs at least one`);
  const FlatArrayType = float64 ? Float64Array : Float32Array;
  const low = new FlatArrayType(dim);
  const high = new FlatArrayType(dim);
  writeBounds(space, low, high, 0);
  return new Box<FlatArray>(low, high, { shape: [dim], dtype: float64 ? 'float64' : 'float32' });
}

function writeBounds(space: Space<unknown>, low: FlatArray, high: FlatArray, offset: number): number {
  if (space instanceof Box) {
    low.set(space.low, offset);
    high.set(space.high, offset);
    return offset + space.size;
  }
  if (space instanceof Dict || space instanceof Tuple) {
    for (const child of layoutOf(space).children) offset = writeBounds(child, low, high, offset);
    return offset;
  }
  const dim = layoutOf(space).dim;
  high.fill(1, offset, offset + dim);
  return offset + dim;
}

/**
 * Flattens an element of `space` to a new typed array of {@link flattenSpace}'s dtype (Gymnasium's
 * `flatten`): Box row-major, Discrete one-hot, MultiDiscrete concatenated one-hots, MultiBinary as is,
 * Dict/Tuple children concatenated in order. Throws, naming the offending part, if `x` does not have the
 * space's structure, or if a discrete value lies outside its space (it has no one-hot position); Box and
 * MultiBinary values are copied without a bounds check, as Gymnasium does.
 */
export function flatten<T>(space: Space<T>, x: T): FlatArray {
  const { dim, float64 } = layoutOf(space as Space<unknown>);
  const out = float64 ? new Float64Array(dim) : new Float32Array(dim);
  writeFlat(space as Space<unknown>, x, out, 0, []);
  return out;
}

/**
 * {@link flatten} into `out` from `offset`, allocating nothing (V8 allocates a typed array of more than 64
 * bytes outside its heap, which costs about ten times a small one, so a hot loop may prefer to reuse a buffer).
 * `out` must be of {@link flattenSpace}'s dtype. `x` is checked in full before anything is written, so on an
 * error `out` is unchanged. Returns `out`.
 */
export function flattenInto<T>(space: Space<T>, x: T, out: FlatArray, offset = 0): FlatArray {
  const { dim, float64 } = layoutOf(space as Space<unknown>);
  const expected = float64 ? Float64Array : Float32Array;
  if (!(out instanceof expected)) {
    throw new InvalidOptionError(`flattenInto(${space.toString()}): out must be a ${expected.name}, got ${describeValue(out)}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + dim > out.length) {
    throw new InvalidOptionError(`flattenInto(${space.toString()}): needs ${dim} entries from offset ${offset}, out has length ${out.length}`);
  }
  writeFlat(space as Space<unknown>, x, null, offset, []);
  out.fill(0, offset, offset + dim);
  writeFlat(space as Space<unknown>, x, out, offset, []);
  return out;
}

// Writes `x` into a zeroed `out` from `offset` (only checks `x` when `out` is null). `path` holds the keys and
// indices down to `x`; it is pushed and popped, and formatted only for an error message.
function writeFlat(space: Space<unknown>, x: unknown, out: FlatArray | null, offset: number, path: (string | number)[]): number {
  if (space instanceof Box || space instanceof MultiBinary) {
    if (!isNumericArrayLike(x) || x.length !== space.size) throw flattenError(space, path, x, `an array of ${space.size} numbers`);
    if (out !== null) for (let i = 0; i < space.size; i++) out[offset + i] = x[i];
    return offset + space.size;
  }
  if (space instanceof Discrete) {
    if (!space.contains(x)) throw flattenError(space, path, x, `an integer in [${space.start}, ${space.start + space.n})`);
    if (out !== null) out[offset + x - space.start] = 1;
    return offset + space.n;
  }
  if (space instanceof MultiDiscrete) {
    if (!isNumericArrayLike(x) || x.length !== space.size) throw flattenError(space, path, x, `an array of ${space.size} integers`);
    for (let i = 0; i < space.size; i++) {
      const v = x[i] - space.start[i];
      if (!Number.isInteger(v) || v < 0 || v >= space.nvec[i]) {
        throw flattenError(space, [...path, i], x[i], `an integer in [${space.start[i]}, ${space.start[i] + space.nvec[i]})`);
      }
      if (out !== null) out[offset + v] = 1;
      offset += space.nvec[i];
    }
    return offset;
  }
  if (space instanceof Dict) {
    if (!isPlainObject(x)) throw flattenError(space, path, x, 'an object keyed like the Dict');
    const children = layoutOf(space).children;
    for (let k = 0; k < children.length; k++) {
      const key = space.keys[k];
      const value = x[key]; // no element of any space is undefined, so this also finds a missing key
      if (value === undefined) throw flattenError(space, path, x, `an object with the key '${key}'`);
      path.push(key);
      offset = writeFlat(children[k], value, out, offset, path);
      path.pop();
    }
    return offset;
  }
  if (space instanceof Tuple) {
    if (!Array.isArray(x) || x.length !== space.length) throw flattenError(space, path, x, `a list of ${space.length} elements`);
    for (let i = 0; i < space.length; i++) {
      path.push(i);
      offset = writeFlat(space.spaces[i] as Space<unknown>, x[i], out, offset, path);
      path.pop();
    }
    return offset;
  }
  layoutOf(space); // throws the "cannot be flattened" error
  throw new Error(`unreachable: ${space.toString()} has a layout but no flatten rule`);
}

function flattenError(space: Space<unknown>, path: readonly (string | number)[], value: unknown, expected: string): InvalidOptionError {
  return new InvalidOptionError(`flatten(${space.toString()}): ${formatPath('x', path)} = ${describeValue(value)}, expected ${expected}`);
}

/** `x['pos'][1]` from the root name and the keys/indices below it. */
function formatPath(root: string, path: readonly (string | number)[]): string {
  return root + path.map((p) => (typeof p === 'number' ? `[${p}]` : `['${p}']`)).join('');
}

/**
 * Rebuilds an element of `space` from its flat vector (Gymnasium's `unflatten`), the inverse of
 * {@link flatten}. A one-hot block decodes to the position of its first nonzero entry and must have one.
 */
export function unflatten<T>(space: Space<T>, flat: ArrayLike<number>): T {
  const dim = layoutOf(space as Space<unknown>).dim;
  if (!isNumericArrayLike(flat) || flat.length !== dim) {
    throw new InvalidOptionError(`unflatten(${space.toString()}): expected an array of ${dim} numbers, got ${describeValue(flat)}`);
  }
  return readFlat(space as Space<unknown>, flat, 0, []).value as T;
}

function readFlat(space: Space<unknown>, flat: ArrayLike<number>, offset: number, path: (string | number)[]): { value: unknown; offset: number } {
  if (space instanceof Box) {
    const value = space.dtype === 'float64' ? new Float64Array(space.size) : space.dtype === 'int32' ? new Int32Array(space.size) : new Float32Array(space.size);
    for (let i = 0; i < space.size; i++) value[i] = flat[offset + i];
    return { value, offset: offset + space.size };
  }
  if (space instanceof MultiBinary) {
    const value = new Int8Array(space.size);
    for (let i = 0; i < space.size; i++) value[i] = flat[offset + i];
    return { value, offset: offset + space.size };
  }
  if (space instanceof Discrete) {
    return { value: space.start + oneHotIndex(space, flat, offset, space.n, path, undefined), offset: offset + space.n };
  }
  if (space instanceof MultiDiscrete) {
    const value = new Int32Array(space.size);
    for (let i = 0; i < space.size; i++) {
      value[i] = space.start[i] + oneHotIndex(space, flat, offset, space.nvec[i], path, i);
      offset += space.nvec[i];
    }
    return { value, offset };
  }
  if (space instanceof Dict) {
    const value: Record<string, unknown> = {};
    for (const key of space.keys) {
      path.push(key);
      const part = readFlat(space.spaces[key] as Space<unknown>, flat, offset, path);
      path.pop();
      value[key] = part.value;
      offset = part.offset;
    }
    return { value, offset };
  }
  if (space instanceof Tuple) {
    const value: unknown[] = [];
    for (let i = 0; i < space.length; i++) {
      path.push(i);
      const part = readFlat(space.spaces[i] as Space<unknown>, flat, offset, path);
      path.pop();
      value.push(part.value);
      offset = part.offset;
    }
    return { value, offset };
  }
  layoutOf(space); // throws the "cannot be flattened" error
  throw new Error(`unreachable: ${space.toString()} has a layout but no unflatten rule`);
}

function oneHotIndex(space: Space<unknown>, flat: ArrayLike<number>, offset: number, n: number, path: readonly (string | number)[], component: number | undefined): number {
  for (let i = 0; i < n; i++) if (flat[offset + i] !== 0) return i;
  throw new InvalidOptionError(
    `unflatten(${space.toString()}): ${formatPath('flat', path)}${component === undefined ? '' : ` (component ${component})`} entries ${offset}…${offset + n - 1} are all zero, not a one-hot vector`,
  );
}
