import { InvalidActionError, InvalidOptionError, describeValue } from '../core/errors.js';
import { Box, isNumericArrayLike, type BoxArray } from '../spaces/box.js';
import type { Space } from '../spaces/space.js';

/** Throws unless `space` is a Box: the wrapper named `wrapper` needs a Box `role` ('observation' or 'action') space. */
export function requireBox<A extends BoxArray>(wrapper: string, space: Space<A>, role: 'observation' | 'action'): Box<A> {
  if (!(space instanceof Box)) {
    throw new InvalidOptionError(`${wrapper}: the env's ${role} space must be a Box, got ${String(space)}`);
  }
  return space as Box<A>;
}

/**
 * Reads a per-dimension bound argument: a number (broadcast to every dimension) or an array of `size`
 * numbers. Throws naming the wrapper and the argument otherwise.
 */
export function perDimension(wrapper: string, name: string, value: unknown, size: number): Float64Array {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new InvalidOptionError(`${wrapper}: ${name} must not be NaN`);
    return new Float64Array(size).fill(value);
  }
  if (!isNumericArrayLike(value)) {
    throw new InvalidOptionError(`${wrapper}: ${name} must be a number or an array of ${size} numbers, got ${describeValue(value)}`);
  }
  if (value.length !== size) {
    throw new InvalidOptionError(`${wrapper}: ${name} has ${value.length} values; the space has ${size} dimensions`);
  }
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const v = value[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new InvalidOptionError(`${wrapper}: ${name}[${i}] must be a number, got ${describeValue(v)}`);
    }
    out[i] = v;
  }
  return out;
}

/** Throws unless `value` is a finite number within [min, max] (bounds inclusive unless `exclusiveMin`). */
export function checkNumber(wrapper: string, name: string, value: unknown, min: number, max: number, exclusiveMin = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (exclusiveMin ? value > min : value >= min) && value <= max;
  if (!ok) {
    const range = `${exclusiveMin ? '(' : '['}${min}, ${max === Infinity ? 'inf)' : `${max}]`}`;
    throw new InvalidOptionError(`${wrapper}: ${name} must be a finite number in ${range}, got ${describeValue(value)}`);
  }
  return value as number;
}

/** Throws unless `value` is a function; `what` describes its signature for the message. */
export function checkFunction(wrapper: string, name: string, value: unknown, what: string): void {
  if (typeof value !== 'function') {
    throw new InvalidOptionError(`${wrapper}: ${name} must be a function ${what}, got ${describeValue(value)}`);
  }
}

/**
 * Throws an {@link InvalidActionError} unless `action` is a numeric array of `size` non-NaN numbers, so
 * that an affine action transform never silently turns a malformed action into NaNs.
 */
export function checkActionVector(wrapper: string, action: unknown, size: number, space: Space<unknown>): asserts action is ArrayLike<number> {
  let ok = isNumericArrayLike(action) && action.length === size;
  if (ok) {
    const a = action as ArrayLike<unknown>;
    for (let i = 0; i < size; i++) {
      if (typeof a[i] !== 'number' || Number.isNaN(a[i])) {
        ok = false;
        break;
      }
    }
  }
  if (!ok) {
    throw new InvalidActionError(`${wrapper}.step: invalid action ${describeValue(action)}; expected ${size} numbers (${space.toString()})`);
  }
}
