import { InvalidOptionError, describeValue } from '../core/errors.js';

/** A number, or arbitrarily nested arrays of numbers (a numpy-style array literal), or a typed array. */
export type NestedNumbers = number | ArrayLike<number> | readonly NestedNumbers[];

/** The number of elements of an array of the given shape (1 for the scalar shape `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Throws unless every dimension of `shape` is a positive integer. */
export function assertShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new InvalidOptionError(`${what}: shape must be a non-empty list of positive integers, got ${describeValue(shape)}`);
  }
}

/**
 * Reads a (possibly nested) array literal into its shape and its row-major values. Nested arrays must be
 * rectangular, as numpy requires of `np.array(nvec)`.
 */
export function readNested(value: NestedNumbers, what: string): { shape: number[]; values: number[] } {
  if (typeof value === 'number') return { shape: [], values: [value] };
  if (ArrayBuffer.isView(value)) return { shape: [value.length], values: Array.from(value as ArrayLike<number>) };
  if (!Array.isArray(value)) throw new InvalidOptionError(`${what} must be a number or a (nested) array of numbers, got ${describeValue(value)}`);
  if (value.length === 0) throw new InvalidOptionError(`${what} must not be empty`);
  const parts = value.map((item: NestedNumbers, i: number) => readNested(item, `${what}[${i}]`));
  const inner = parts[0].shape;
  for (let i = 1; i < parts.length; i++) {
    const s = parts[i].shape;
    if (s.length !== inner.length || s.some((d, j) => d !== inner[j])) {
      throw new InvalidOptionError(`${what} is not rectangular: ${what}[0] has shape (${inner.join(', ')}), ${what}[${i}] has (${s.join(', ')})`);
    }
  }
  return { shape: [value.length, ...inner], values: parts.flatMap((p) => p.values) };
}

/** Formats row-major values of the given shape the way numpy prints an integer array, on one line: `[[1 2] [3 4]]`. */
export function formatNested(values: ArrayLike<number>, shape: readonly number[]): string {
  const go = (dim: number, offset: number): string => {
    if (dim === shape.length) return String(values[offset]);
    const stride = shapeSize(shape.slice(dim + 1));
    const items: string[] = [];
    for (let i = 0; i < shape[dim]; i++) items.push(go(dim + 1, offset + i * stride));
    return `[${items.join(' ')}]`;
  };
  return go(0, 0);
}

/** Formats a shape as Python prints a tuple: `(3,)`, `(2, 4)`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
