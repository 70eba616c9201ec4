/** Checks of hyperparameters; each error names the agent, the option, the value and what is allowed. */

/** Throws unless `v` is a positive integer. */
export function positiveInt(who: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new RangeError(`${who}: ${name} must be a positive integer, got ${String(v)}`);
}

/** Throws unless `v` is a non-negative integer. */
export function nonNegativeInt(who: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`${who}: ${name} must be an integer >= 0, got ${String(v)}`);
}

/** Throws unless `v` is a number in [lo, hi]. */
export function inRange(who: string, name: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new RangeError(`${who}: ${name} must be in [${lo}, ${hi}], got ${String(v)}`);
}

/** Throws unless `v` is a finite number >= 0. */
export function nonNegative(who: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${who}: ${name} must be a finite number >= 0, got ${String(v)}`);
}

/** Throws unless every key of `options` is in `allowed`. */
export function assertKnownKeys(who: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new RangeError(`${who}: unknown option "${key}"; allowed: ${allowed.join(', ')}`);
  }
}

/** A copy of `o` without its undefined fields (so that defaults apply). */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The option names every agent accepts besides its hyperparameters. */
export const COMMON_OPTION_KEYS: readonly string[] = ['seed', 'backend', 'verbose', 'logFormats', 'logFolder'];
