import { InvalidOptionError, describeValue } from '../core/errors.js';
import { CHILD_SEED_BOUND } from './dict.js';
import { Space, type ElementOf, type SeedSpec } from './space.js';

/** The element type of a Tuple over `S`: an array with one element of each child space, in order. */
export type TupleElement<S extends readonly Space<unknown>[]> = { -readonly [K in keyof S]: ElementOf<S[K]> };

/** Options of the {@link Tuple} constructor. */
export interface TupleOptions {
  /** Seeds the children: one integer (children seeded from it) or one seed per child. */
  seed?: SeedSpec;
}

/**
 * The cartesian product of spaces (Gymnasium's `Tuple`): elements are arrays with one element of each
 * child space, in order.
 */
export class Tuple<const S extends readonly Space<unknown>[] = readonly Space<unknown>[]> extends Space<TupleElement<S>> {
  /** The child spaces, in order (frozen). */
  readonly spaces: S;

  constructor(spaces: S, options: TupleOptions = {}) {
    super([], undefined);
    if (!Array.isArray(spaces)) throw new InvalidOptionError(`Tuple: expected a list of spaces, got ${describeValue(spaces)}`);
    spaces.forEach((space: unknown, i: number) => {
      if (!(space instanceof Space)) throw new InvalidOptionError(`Tuple: item ${i} must be a Space, got ${describeValue(space)}`);
    });
    this.spaces = Object.freeze([...spaces]) as unknown as S;
    if (options.seed !== undefined) this.seed(options.seed);
  }

  /** Number of child spaces. */
  get length(): number {
    return this.spaces.length;
  }

  /**
   * Seeds the children, as Gymnasium's `Tuple.seed`: `undefined` reseeds every child from OS entropy; an
   * integer seeds this Tuple's RNG, which draws one seed per child in order; an array gives each child its
   * own seed. Returns the children's seeds concatenated in order.
   */
  override seed(seed?: SeedSpec): number[] {
    this.validateSeed(seed);
    if (typeof seed === 'number') {
      super.seed(seed);
      const childSeeds = this.spaces.map(() => this.rng.integers(0, CHILD_SEED_BOUND));
      return this.spaces.flatMap((space, i) => space.seed(childSeeds[i]));
    }
    if (seed === undefined) return this.spaces.flatMap((space) => space.seed(undefined));
    const perChild = seed as readonly SeedSpec[];
    return this.spaces.flatMap((space, i) => space.seed(perChild[i]));
  }

  override validateSeed(seed: SeedSpec): void {
    if (seed === undefined || typeof seed === 'number') {
      super.validateSeed(seed);
      return;
    }
    if (!Array.isArray(seed) || seed.length !== this.spaces.length) {
      throw new InvalidOptionError(`${this.toString()}.seed: expected an integer, undefined or a list of ${this.spaces.length} seeds, got ${describeValue(seed)}`);
    }
    this.spaces.forEach((space, i) => space.validateSeed(seed[i] as SeedSpec));
  }

  /**
   * One element: each child sampled in order. `mask` / `probability`, if given, are arrays with one entry
   * per child, holding its mask / probability (`undefined` or `null` for none).
   */
  sample(mask?: readonly unknown[] | null, probability?: readonly unknown[] | null): TupleElement<S> {
    const hasMask = mask !== undefined && mask !== null;
    const hasProbability = probability !== undefined && probability !== null;
    if (hasMask && hasProbability) throw new InvalidOptionError(`${this.toString()}.sample: give either a mask or a probability, not both`);
    const given = hasMask ? mask : hasProbability ? probability : undefined;
    if (given !== undefined && (!Array.isArray(given) || given.length !== this.spaces.length)) {
      throw new InvalidOptionError(`${this.toString()}.sample: the ${hasMask ? 'mask' : 'probability'} must be a list of ${this.spaces.length} entries, got ${describeValue(given)}`);
    }
    return this.spaces.map((space, i) =>
      hasMask ? space.sample(mask[i]) : hasProbability ? space.sample(undefined, probability[i]) : space.sample(),
    ) as TupleElement<S>;
  }

  /** Accepts an array with one element of each child space, in order. */
  contains(x: unknown): x is TupleElement<S> {
    return Array.isArray(x) && x.length === this.spaces.length && this.spaces.every((space, i) => space.contains(x[i]));
  }

  equals(other: Space<unknown>): boolean {
    return (
      other instanceof Tuple &&
      other.spaces.length === this.spaces.length &&
      this.spaces.every((space, i) => space.equals(other.spaces[i] as Space<unknown>))
    );
  }

  toString(): string {
    return `Tuple(${this.spaces.map((space) => space.toString()).join(', ')})`;
  }

  toJsonable(x: TupleElement<S>): unknown[] {
    return this.spaces.map((space, i) => space.toJsonable((x as unknown[])[i]));
  }

  fromJsonable(x: unknown): TupleElement<S> {
    if (!Array.isArray(x) || x.length !== this.spaces.length) {
      throw new InvalidOptionError(`${this.toString()}: expected a list of ${this.spaces.length} elements, got ${describeValue(x)}`);
    }
    return this.spaces.map((space, i) => space.fromJsonable(x[i])) as TupleElement<S>;
  }

  override get isFlattenable(): boolean {
    return this.spaces.every((space) => space.isFlattenable);
  }
}
