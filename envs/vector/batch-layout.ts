import { EnvError } from '../core/errors.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import type { Space } from '../spaces/space.js';
import type { BatchArray } from './vector-env.js';

/** Element types a batch row can be stored as. */
export type BatchDType = 'float32' | 'float64' | 'int32' | 'int8' | 'uint8';

type BatchArrayConstructor = {
  new (length: number): BatchArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): BatchArray;
  readonly BYTES_PER_ELEMENT: number;
};

const ARRAY_OF: Record<BatchDType, BatchArrayConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
};

/** The typed-array constructor of a batch dtype. */
export function batchArrayConstructor(dtype: BatchDType): BatchArrayConstructor {
  return ARRAY_OF[dtype];
}

/**
 * How one element of a space is stored as a row of a flat batch array: Discrete elements are one int32,
 * Box elements `size` values of the box's dtype, other fixed-size typed-array spaces (MultiDiscrete,
 * MultiBinary) `prod(shape)` values of their dtype. Structured spaces (Dict, Tuple) have no row layout.
 */
export interface SpaceLayout {
  /** Batch element type. */
  readonly dtype: BatchDType;
  /** Values per sub-env. */
  readonly rowSize: number;
  /** Shape of one element (`[]` for Discrete). */
  readonly shape: readonly number[];
  /** Whether an element is a plain number (Discrete) rather than a typed array. */
  readonly scalar: boolean;
  /** Whether values must be integers. */
  readonly integral: boolean;
  /** For Discrete: the smallest and largest allowed value, checked before anything is stepped. */
  readonly range: readonly [number, number] | undefined;
}

/** The row layout of a space; throws an error naming the space when it has none (Dict, Tuple, …). */
export function layoutOf(space: Space<unknown>, what: string): SpaceLayout {
  if (space instanceof Discrete) {
    return { dtype: 'int32', rowSize: 1, shape: [], scalar: true, integral: true, range: [space.start, space.start + space.n - 1] };
  }
  if (space instanceof Box) {
    return { dtype: space.dtype, rowSize: space.size, shape: [...space.shape], scalar: false, integral: space.dtype === 'int32', range: undefined };
  }
  const dtype = typedDtype(space.dtype);
  if (dtype !== undefined && space.shape.length > 0) {
    const rowSize = space.shape.reduce((a, b) => a * b, 1);
    return { dtype, rowSize, shape: [...space.shape], scalar: false, integral: dtype !== 'float32' && dtype !== 'float64', range: undefined };
  }
  throw new EnvError(
    `vector envs need a ${what} space whose elements are a number or a fixed-size typed array (Box, Discrete, MultiDiscrete, MultiBinary); got ${space.toString()}`,
  );
}

/** Maps a space dtype to a batch dtype; int64 elements are stored as Int32Array, as DESIGN.md fixes for MultiDiscrete. */
function typedDtype(dtype: string | undefined): BatchDType | undefined {
  switch (dtype) {
    case 'float32':
    case 'float64':
    case 'int32':
    case 'int8':
    case 'uint8':
      return dtype;
    case 'int64':
      return 'int32';
    default:
      return undefined;
  }
}

/** Allocates `numEnvs` rows of a layout, in a SharedArrayBuffer when `shared` (for worker threads). */
export function allocRows(layout: SpaceLayout, numEnvs: number, shared: boolean): BatchArray {
  return allocTyped(layout.dtype, numEnvs * layout.rowSize, shared);
}

/** Allocates a typed array of a dtype, over a SharedArrayBuffer when `shared`. */
export function allocTyped(dtype: BatchDType, length: number, shared: boolean): BatchArray {
  const ctor = ARRAY_OF[dtype];
  if (!shared) return new ctor(length);
  return new ctor(new SharedArrayBuffer(Math.max(1, length) * ctor.BYTES_PER_ELEMENT), 0, length);
}

/**
 * Copies an element (a number for scalar layouts, else an array of `rowSize` values) into row `index`;
 * throws naming the sub-env when the element does not fit the layout.
 */
export function writeRow(layout: SpaceLayout, rows: BatchArray, index: number, element: unknown, owner: string): void {
  const base = index * layout.rowSize;
  if (layout.scalar) {
    if (typeof element !== 'number') throw new EnvError(`${owner} returned the observation ${String(element)}; expected a number`);
    rows[base] = element;
    return;
  }
  const values = element as ArrayLike<number> | null | undefined;
  if (values === null || values === undefined || typeof values !== 'object' || values.length !== layout.rowSize) {
    throw new EnvError(`${owner} returned an observation that is not an array of ${layout.rowSize} values`);
  }
  if (ArrayBuffer.isView(values) && values.constructor === rows.constructor) {
    rows.set(values as BatchArray, base);
    return;
  }
  for (let k = 0; k < layout.rowSize; k++) rows[base + k] = values[k];
}

/** A fresh element of the layout's space read from row `index` (a copy, safe to keep). */
export function readRow(layout: SpaceLayout, rows: BatchArray, index: number): number | BatchArray {
  if (layout.scalar) return rows[index];
  const base = index * layout.rowSize;
  return rows.slice(base, base + layout.rowSize);
}
