import { InvalidOptionError, describeValue } from '../core/errors.js';
import type { Rng } from '../rng/rng.js';

/**
 * Draws an index uniformly among those whose mask value is 1 (Gymnasium's action masks). Returns -1 when
 * no index is allowed, so that the caller can fall back to its `start`, as Gymnasium does.
 */
export function sampleMaskedIndex(rng: Rng, mask: unknown, n: number, what: string): number {
  assertNumbers(mask, n, `${what}: mask`);
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    const m = mask[i];
    if (m !== 0 && m !== 1) throw new InvalidOptionError(`${what}: mask values must be 0 or 1, got ${describeValue(m)} at index ${i}`);
    allowed += m;
  }
  if (allowed === 0) return -1;
  let k = rng.integers(0, allowed);
  for (let i = 0; i < n; i++) {
    if (mask[i] === 1 && k-- === 0) return i;
  }
  throw new Error('unreachable: masked draw ran past the allowed indices');
}

/**
 * Draws an index with the given probabilities (Gymnasium's `probability` argument): every value must lie
 * in [0, 1] and they must sum to 1 (within numpy's `isclose` tolerance). An index of probability 0 is never
 * drawn, even when rounding leaves a residue at the end of the cumulative sum.
 */
export function sampleProbabilityIndex(rng: Rng, probability: unknown, n: number, what: string): number {
  assertNumbers(probability, n, `${what}: probability`);
  let total = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const p = probability[i];
    if (!(p >= 0 && p <= 1)) throw new InvalidOptionError(`${what}: probability values must lie in [0, 1], got ${describeValue(p)} at index ${i}`);
    total += p;
    if (p > 0) last = i;
  }
  // numpy.isclose(sum, 1): |sum - 1| <= atol + rtol * 1 with atol = 1e-8, rtol = 1e-5.
  if (!(Math.abs(total - 1) <= 1e-8 + 1e-5)) {
    throw new InvalidOptionError(`${what}: probability values must sum to 1, got a sum of ${total}`);
  }
  let u = rng.random() * total;
  for (let i = 0; i < n; i++) {
    const p = probability[i];
    if (p > 0 && (u -= p) < 0) return i;
  }
  return last;
}

/** Throws unless `x` is an array-like of exactly `n` numbers. */
export function assertNumbers(x: unknown, n: number, what: string): asserts x is ArrayLike<number> {
  const arrayLike = Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
  if (!arrayLike) throw new InvalidOptionError(`${what} must be an array of ${n} numbers, got ${describeValue(x)}`);
  const a = x as ArrayLike<unknown>;
  if (a.length !== n) throw new InvalidOptionError(`${what} must have length ${n}, got ${a.length}`);
  for (let i = 0; i < n; i++) {
    if (typeof a[i] !== 'number') throw new InvalidOptionError(`${what}[${i}] must be a number, got ${describeValue(a[i])}`);
  }
}
