import { InvalidOptionError, describeValue } from '../core/errors.js';
import { isNumericArrayLike } from '../spaces/box.js';

/**
 * Readers for the classic envs' reset options. They only read and check (they never touch an env), so a
 * reset with a bad option throws before anything changes.
 */

/**
 * Reads an optional finite number option (Gymnasium's `verify_number_and_cast`, minus string parsing:
 * a typed API takes numbers). Returns `fallback` when the key is absent or undefined.
 */
export function readNumberOption(envName: string, options: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidOptionError(`${envName}.reset: option "${key}" = ${describeValue(value)} is invalid; allowed: a finite number`);
  }
  return value;
}

/**
 * Reads the `state` option: exactly `names.length` finite numbers (an array or typed array), copied into a
 * new float64 array so later changes to the caller's array cannot reach the env.
 */
export function readStateOption(envName: string, value: unknown, names: readonly string[]): Float64Array {
  const expected = `an array of ${names.length} finite numbers [${names.join(', ')}]`;
  if (!isNumericArrayLike(value)) {
    throw new InvalidOptionError(`${envName}.reset: option "state" = ${describeValue(value)} is invalid; allowed: ${expected}`);
  }
  if (value.length !== names.length) {
    throw new InvalidOptionError(
      `${envName}.reset: option "state" has ${value.length} values, expected ${names.length}: ${expected}`,
    );
  }
  const state = new Float64Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const v = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidOptionError(
        `${envName}.reset: option "state" has ${describeValue(v)} for ${names[i]} (index ${i}); allowed: ${expected}`,
      );
    }
    state[i] = v;
  }
  return state;
}

/** Throws when `state` is combined with options that choose a random start (they would be silently ignored). */
export function assertStateAlone(envName: string, options: Readonly<Record<string, unknown>>, randomStartKeys: readonly string[]): void {
  const clashing = randomStartKeys.filter((key) => options[key] !== undefined);
  if (clashing.length > 0) {
    throw new InvalidOptionError(
      `${envName}.reset: option "state" sets the exact start, so it cannot be combined with ${clashing.map((k) => `"${k}"`).join(', ')} (which bound a random start)`,
    );
  }
}
