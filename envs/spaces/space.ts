import { Rng } from '../rng/rng.js';

/** Element types a Box or a discrete space stores. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'int8' | 'uint8';

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

  /** Seeds this space's sampler (and those of its children); returns the seeds used. */
  seed(seed?: number): number[] {
    this.rng = new Rng(seed);
    return [this.rng.seed as number];
  }

  /** A random element of the space; `mask` restricts it where Gymnasium allows a mask. */
  abstract sample(mask?: unknown): T;

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
