import { InvalidOptionError, describeValue } from '../core/errors.js';

/** Throws an error naming the task family, the field path and what is allowed. */
export function taskFieldError(family: string, path: string, value: unknown, allowed: string): InvalidOptionError {
  return new InvalidOptionError(`${family} task: field "${path}" = ${describeValue(value)} is invalid; expected ${allowed}`);
}

/** Reads a plain object, or throws naming the path. */
export function readObject(family: string, value: unknown, path = '(task)'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw taskFieldError(family, path, value, 'an object');
  return value as Record<string, unknown>;
}

/** Reads a finite number field within [min, max] (and integral if asked), or throws naming the field. */
export function readNumber(
  family: string,
  obj: Record<string, unknown>,
  key: string,
  range: { min?: number; max?: number; integer?: boolean; path?: string } = {},
): number {
  const value = obj[key];
  const path = range.path ? `${range.path}.${key}` : key;
  const lo = range.min ?? -Infinity;
  const hi = range.max ?? Infinity;
  const allowed = `${range.integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw taskFieldError(family, path, value, allowed);
  if (range.integer && !Number.isInteger(value)) throw taskFieldError(family, path, value, allowed);
  if (value < lo || value > hi) throw taskFieldError(family, path, value, allowed);
  return value;
}

/** Reads a string field (one of `values` if given), or throws naming the field. */
export function readString<S extends string>(family: string, obj: Record<string, unknown>, key: string, values?: readonly S[], path?: string): S {
  const value = obj[key];
  const where = path ? `${path}.${key}` : key;
  if (typeof value !== 'string' || (values !== undefined && !values.includes(value as S))) {
    throw taskFieldError(family, where, value, values ? `one of ${values.map((v) => JSON.stringify(v)).join(', ')}` : 'a string');
  }
  return value as S;
}

/** Reads an array field (with length bounds), or throws naming the field. */
export function readArray(family: string, obj: Record<string, unknown>, key: string, length: { min?: number; max?: number } = {}, path?: string): unknown[] {
  const value = obj[key];
  const where = path ? `${path}.${key}` : key;
  const lo = length.min ?? 0;
  const hi = length.max ?? Infinity;
  if (!Array.isArray(value) || value.length < lo || value.length > hi) {
    throw taskFieldError(family, where, value, `an array of ${lo}…${hi} items`);
  }
  return value;
}
