import { InvalidOptionError, describeValue } from '../core/errors.js';
import { Rng } from '../rng/rng.js';

/** Element types a Box or a discrete space stores. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'int8' | 'uint8';

/**
 * What `Space.seed` accepts: one integer (or nothing, for OS entropy) for any space; composite spaces also
 * take one seed per child, as Gymnasium's `Dict.seed({key: seed})` and `Tuple.seed([seed, …])` do.
 */
export type SeedSpec = number | undefined | readonly SeedSpec[] | { readonly [key: string]: SeedSpec };

/**
 * A space: the set of valid observations or actions (Gymnasium's `Space`). Each space owns a seeded RNG
 * for `sample`, so that sampling is reproducible.
 */
export abstract class Space<T> {
  protected rng: Rng;

  protected constructor(
    /** Dimensions of one element (empty for Discrete and Dict/Tuple). */
    readonly shape: readonly number[],
    /** Element type, where the space has one. */
    readonly dtype: DType | undefined,
    seed?: number,
  ) {
    this.rng = new Rng(seed);
  }

  /**
   * Seeds this space's sampler (and those of its children); returns the seeds used. A leaf space returns
   * `[seed]`; Dict and Tuple return their children's seeds concatenated in order (Gymnasium returns them
   * nested; flat keeps one return type for every space).
   */
  seed(seed?: SeedSpec): number[] {
    this.validateSeed(seed);
    this.rng = new Rng(seed as number | undefined);
    return [this.rng.seed as number];
  }

  /** Throws, naming the problem, unless {@link Space.seed} would accept `seed`; seeds nothing. */
  validateSeed(seed: SeedSpec): void {
    if (seed === undefined) return;
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
      throw new InvalidOptionError(`${this.toString()}.seed: the seed must be a non-negative safe integer or undefined, got ${describeValue(seed)}`);
    }
  }

  /**
   * A random element of the space. `mask` restricts it and `probability` weights it, where Gymnasium's
   * space of the same name takes them; a space that takes neither throws if one is given.
   */
  abstract sample(mask?: unknown, probability?: unknown): T;

  /** Whether `x` is an element of the space (type, shape and bounds). */
  abstract contains(x: unknown): x is T;

  /** Structural equality: same kind, shape, dtype and bounds. */
  abstract equals(other: Space<unknown>): boolean;

  /** A readable description, used in error messages, e.g. `Box(-1.0, 1.0, (3,), float32)`. */
  abstract toString(): string;

  /** Converts an element to plain JSON. */
  abstract toJsonable(x: T): unknown;

  /** Converts plain JSON (from {@link Space.toJsonable}) back to an element. */
  abstract fromJsonable(x: unknown): T;

  /** Whether the space is flattenable to a fixed-size Box. */
  get isFlattenable(): boolean {
    return true;
  }
}

/** The element type of a space. */
export type ElementOf<S> = S extends Space<infer T> ? T : never;
