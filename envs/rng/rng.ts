import seedrandom from 'seedrandom';
import { randomInt } from 'node:crypto';

/** Serializable state of an {@link Rng}, for checkpoints. */
export interface RngState {
  readonly alea: unknown;
  /** A cached second normal deviate from the Box–Muller pair, or null. */
  readonly spareNormal: number | null;
}

type AleaPrng = seedrandom.PRNG & { state(): object };

/** Largest seed accepted: seeds are non-negative safe integers, as numpy's SeedSequence expects. */
const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Draws a fresh seed from the operating system, for envs reset without one (Gymnasium's behaviour). */
export function entropySeed(): number {
  return randomInt(0, 2 ** 47);
}

/** Throws unless `seed` is a non-negative safe integer. */
export function assertValidSeed(seed: unknown, what = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`${what} must be a non-negative integer (0 … ${MAX_SEED}), got ${String(seed)}`);
  }
}

/**
 * The one random-number generator of flash-gym: seedrandom's Alea, with the draws an RL library needs.
 * Every env, space and agent owns one; nothing uses `Math.random`, so the same seed gives the same
 * trajectory in any process or worker thread.
 */
export class Rng {
  private prng: AleaPrng;
  private spareNormal: number | null = null;
  /** The seed this generator was created from (undefined when restored from a state). */
  readonly seed: number | undefined;

  constructor(seed?: number) {
    const s = seed ?? entropySeed();
    assertValidSeed(s);
    this.seed = s;
    this.prng = seedrandom.alea(`flash-gym:${s}`, { state: true }) as AleaPrng;
  }

  /** Restores a generator from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** The generator's full state (JSON-serializable). */
  getState(): RngState {
    return { alea: this.prng.state(), spareNormal: this.spareNormal };
  }

  /** Replaces the generator's state with one from {@link Rng.getState}. */
  setState(state: RngState): void {
    if (state === null || typeof state !== 'object' || typeof state.alea !== 'object' || state.alea === null) {
      throw new TypeError('RNG state must be an object from Rng.getState()');
    }
    this.prng = seedrandom.alea('', { state: state.alea as seedrandom.State.Alea }) as AleaPrng;
    this.spareNormal = state.spareNormal ?? null;
  }

  /** A float in [0, 1). */
  random(): number {
    return this.prng.double();
  }

  /** A float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.prng.double();
  }

  /** A normal deviate (Box–Muller, polar form). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.prng.double() - 1;
      v = 2 * this.prng.double() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return mean + std * u * factor;
  }

  /** An integer in [low, high) (numpy's `integers` convention); `integers(n)` is [0, n). */
  integers(low: number, high?: number): number {
    const [lo, hi] = high === undefined ? [0, low] : [low, high];
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi <= lo) {
      throw new RangeError(`integers(low, high) needs integers with low < high, got [${lo}, ${hi})`);
    }
    return lo + Math.floor(this.prng.double() * (hi - lo));
  }

  /** An exponential deviate with the given mean (numpy's `scale`). */
  exponential(scale = 1): number {
    return -scale * Math.log(1 - this.prng.double());
  }

  /**
   * A Poisson deviate with mean `lam`: Knuth's product method for small means, the PTRS
   * transformed-rejection method (Hörmann 1993, as numpy uses) for means of 10 and more.
   */
  poisson(lam: number): number {
    if (!(lam >= 0) || !Number.isFinite(lam)) throw new RangeError(`poisson(lam) needs a finite lam >= 0, got ${lam}`);
    if (lam === 0) return 0;
    if (lam < 10) {
      const limit = Math.exp(-lam);
      let k = 0;
      let p = this.prng.double();
      while (p > limit) {
        k++;
        p *= this.prng.double();
      }
      return k;
    }
    const slam = Math.sqrt(lam);
    const loglam = Math.log(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.prng.double() - 0.5;
      const v = this.prng.double();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) {
        return k;
      }
    }
  }

  /**
   * An index drawn from [0, n) (or an element of an array), uniformly or with the given probabilities.
   */
  choice<T>(items: readonly T[], probabilities?: ArrayLike<number>): T;
  choice(n: number, probabilities?: ArrayLike<number>): number;
  choice<T>(itemsOrN: readonly T[] | number, probabilities?: ArrayLike<number>): T | number {
    const n = typeof itemsOrN === 'number' ? itemsOrN : itemsOrN.length;
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`choice needs at least one item, got ${n}`);
    let index: number;
    if (probabilities === undefined) {
      index = this.integers(0, n);
    } else {
      if (probabilities.length !== n) {
        throw new RangeError(`choice: ${probabilities.length} probabilities for ${n} items`);
      }
      let total = 0;
      for (let i = 0; i < n; i++) {
        const p = probabilities[i];
        if (!(p >= 0)) throw new RangeError(`choice: probability ${i} is ${p}, must be >= 0`);
        total += p;
      }
      if (Math.abs(total - 1) > 1e-6) throw new RangeError(`choice: probabilities sum to ${total}, must sum to 1`);
      let u = this.prng.double() * total;
      index = n - 1;
      for (let i = 0; i < n; i++) {
        u -= probabilities[i];
        if (u < 0) {
          index = i;
          break;
        }
      }
    }
    return typeof itemsOrN === 'number' ? index : itemsOrN[index];
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T, A extends { length: number; [i: number]: T }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.integers(0, i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A new seed drawn from this generator, to seed a child generator deterministically. */
  spawnSeed(): number {
    return Math.floor(this.prng.double() * 2 ** 47);
  }
}

const LOG_FACTORIAL_TABLE: number[] = [0];
function logFactorial(k: number): number {
  if (k < 256) {
    while (LOG_FACTORIAL_TABLE.length <= k) {
      const n = LOG_FACTORIAL_TABLE.length;
      LOG_FACTORIAL_TABLE.push(LOG_FACTORIAL_TABLE[n - 1] + Math.log(n));
    }
    return LOG_FACTORIAL_TABLE[k];
  }
  // Stirling's series: exact to double precision for k >= 256.
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k ** 3);
}
