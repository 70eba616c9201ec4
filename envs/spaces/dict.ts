import { InvalidOptionError, describeValue } from '../core/errors.js';
import { isPlainObject } from './plain-object.js';
import { Space, type ElementOf, type SeedSpec } from './space.js';

/** The child spaces of a {@link Dict}, by key. */
export type SpaceRecord = { readonly [key: string]: Space<unknown> };

/** The element type of a Dict over `S`: a plain object with one element of each child space. */
export type DictElement<S extends SpaceRecord> = { [K in keyof S]: ElementOf<S[K]> };

/** Options of the {@link Dict} constructor. */
export interface DictOptions {
  /** Seeds the children: one integer (children seeded from it) or one seed per key. */
  seed?: SeedSpec;
}

/** Largest child seed a Dict or Tuple draws; Gymnasium draws them below `np.iinfo(np.int32).max`. */
export const CHILD_SEED_BOUND = 2 ** 31 - 1;

/**
 * A dictionary of spaces (Gymnasium's `Dict`): elements are plain objects with one element per key. Keys
 * keep the order they were given in (the object's own key order, or the order of `[key, space]` entries),
 * and that order is the order of `flatten`. Gymnasium 1.x sorts the keys of a plain `dict` (not an
 * `OrderedDict`); pass the keys sorted to reproduce its flattening exactly.
 */
export class Dict<S extends SpaceRecord = SpaceRecord> extends Space<DictElement<S>> {
  /** The child spaces, by key (frozen). */
  readonly spaces: Readonly<S>;
  /** The keys, in order. */
  readonly keys: readonly (keyof S & string)[];

  constructor(spaces: S | readonly (readonly [string, Space<unknown>])[], options: DictOptions = {}) {
    super([], undefined);
    const entries = readEntries(spaces);
    const record: Record<string, Space<unknown>> = Object.create(null) as Record<string, Space<unknown>>;
    for (const [key, space] of entries) record[key] = space;
    this.spaces = Object.freeze(record) as Readonly<S>;
    this.keys = Object.freeze(entries.map(([key]) => key)) as readonly (keyof S & string)[];
    if (options.seed !== undefined) this.seed(options.seed);
  }

  /**
   * Seeds the children, as Gymnasium's `Dict.seed`: `undefined` reseeds every child from OS entropy; an
   * integer seeds this Dict's RNG, which draws one seed per child in key order; an object gives each key its
   * own seed (it must have exactly the Dict's keys). Returns the children's seeds concatenated in key order.
   */
  override seed(seed?: SeedSpec): number[] {
    this.validateSeed(seed);
    if (typeof seed === 'number') {
      super.seed(seed);
      const childSeeds = this.keys.map(() => this.rng.integers(0, CHILD_SEED_BOUND));
      return this.keys.flatMap((key, i) => this.spaces[key].seed(childSeeds[i]));
    }
    if (seed === undefined) return this.keys.flatMap((key) => this.spaces[key].seed(undefined));
    const perKey = seed as { readonly [key: string]: SeedSpec };
    return this.keys.flatMap((key) => this.spaces[key].seed(perKey[key]));
  }

  override validateSeed(seed: SeedSpec): void {
    if (seed === undefined || typeof seed === 'number') {
      super.validateSeed(seed);
      return;
    }
    if (!isPlainObject(seed)) {
      throw new InvalidOptionError(`${this.toString()}.seed: expected an integer, undefined or an object with one seed per key, got ${describeValue(seed)}`);
    }
    this.assertSameKeys(seed, 'seed');
    for (const key of this.keys) this.spaces[key].validateSeed(seed[key] as SeedSpec);
  }

  /**
   * One element: each child sampled in key order. `mask` / `probability`, if given, are objects with exactly
   * the Dict's keys, holding each child's mask / probability (`undefined` or `null` for none).
   */
  sample(mask?: { readonly [key: string]: unknown } | null, probability?: { readonly [key: string]: unknown } | null): DictElement<S> {
    const hasMask = mask !== undefined && mask !== null;
    const hasProbability = probability !== undefined && probability !== null;
    if (hasMask && hasProbability) throw new InvalidOptionError(`${this.toString()}.sample: give either a mask or a probability, not both`);
    const given = hasMask ? mask : hasProbability ? probability : undefined;
    if (given !== undefined) {
      if (!isPlainObject(given)) throw new InvalidOptionError(`${this.toString()}.sample: the ${hasMask ? 'mask' : 'probability'} must be an object keyed like the Dict, got ${describeValue(given)}`);
      this.assertSameKeys(given, hasMask ? 'mask' : 'probability');
    }
    const out: Record<string, unknown> = {};
    for (const key of this.keys) {
      const space = this.spaces[key];
      out[key] = hasMask ? space.sample(mask[key]) : hasProbability ? space.sample(undefined, probability[key]) : space.sample();
    }
    return out as DictElement<S>;
  }

  /** Accepts a plain object with exactly the Dict's keys (in any order), each holding an element of its space. */
  contains(x: unknown): x is DictElement<S> {
    if (!isPlainObject(x)) return false;
    const xKeys = Object.keys(x);
    if (xKeys.length !== this.keys.length) return false;
    for (const key of this.keys) {
      if (!Object.prototype.hasOwnProperty.call(x, key) || !this.spaces[key].contains(x[key])) return false;
    }
    return true;
  }

  /** Equal when the keys are the same, in the same order (the order fixes the flattening), with equal spaces. */
  equals(other: Space<unknown>): boolean {
    if (!(other instanceof Dict) || other.keys.length !== this.keys.length) return false;
    return this.keys.every((key, i) => other.keys[i] === key && this.spaces[key].equals(other.spaces[key] as Space<unknown>));
  }

  toString(): string {
    return `Dict(${this.keys.map((key) => `'${key}': ${this.spaces[key].toString()}`).join(', ')})`;
  }

  toJsonable(x: DictElement<S>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys) out[key] = this.spaces[key].toJsonable(x[key]);
    return out;
  }

  fromJsonable(x: unknown): DictElement<S> {
    if (!isPlainObject(x)) throw new InvalidOptionError(`${this.toString()}: expected an object keyed like the Dict, got ${describeValue(x)}`);
    this.assertSameKeys(x, 'element');
    const out: Record<string, unknown> = {};
    for (const key of this.keys) out[key] = this.spaces[key].fromJsonable(x[key]);
    return out as DictElement<S>;
  }

  override get isFlattenable(): boolean {
    return this.keys.every((key) => this.spaces[key].isFlattenable);
  }

  /** Throws, naming the missing and the unexpected keys, unless `x` has exactly the Dict's keys. */
  private assertSameKeys(x: object, what: string): void {
    const given = Object.keys(x);
    const missing = this.keys.filter((key) => !given.includes(key));
    const extra = given.filter((key) => !(this.keys as readonly string[]).includes(key));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [missing.length > 0 ? `missing ${missing.map((k) => `'${k}'`).join(', ')}` : '', extra.length > 0 ? `unexpected ${extra.map((k) => `'${k}'`).join(', ')}` : ''];
      throw new InvalidOptionError(`${this.toString()}: the ${what} must have exactly the keys ${this.keys.map((k) => `'${k}'`).join(', ')}; ${parts.filter(Boolean).join('; ')}`);
    }
  }
}

function readEntries(spaces: unknown): [string, Space<unknown>][] {
  let entries: [unknown, unknown][];
  if (Array.isArray(spaces)) {
    entries = spaces.map((entry: unknown, i: number) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw new InvalidOptionError(`Dict: entry ${i} must be a [key, space] pair, got ${describeValue(entry)}`);
      return [entry[0], entry[1]];
    });
  } else if (isPlainObject(spaces)) {
    entries = Object.entries(spaces);
  } else {
    throw new InvalidOptionError(`Dict: expected an object of spaces or a list of [key, space] pairs, got ${describeValue(spaces)}`);
  }
  const seen = new Set<string>();
  return entries.map(([key, space]) => {
    if (typeof key !== 'string') throw new InvalidOptionError(`Dict: keys must be strings, got ${describeValue(key)}`);
    if (seen.has(key)) throw new InvalidOptionError(`Dict: the key '${key}' is given twice`);
    seen.add(key);
    if (!(space instanceof Space)) throw new InvalidOptionError(`Dict: the value of key '${key}' must be a Space, got ${describeValue(space)}`);
    return [key, space];
  });
}
