import type { NdArray } from 'ndarray';
import type { Space } from '../spaces/space.js';

/** Gymnasium 1.x autoreset modes. */
export type AutoresetMode = 'next-step' | 'same-step' | 'disabled';

/** Typed arrays a batch of observations can live in. */
export type BatchArray = Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array;

/**
 * Infos of a batch, as Gymnasium's vector envs return them: for each key, an array over sub-envs, and a
 * `_key` boolean mask (Uint8Array) saying which sub-envs set it. Nested dicts nest the same way.
 */
export type VectorInfo = Record<string, unknown>;

/** Arguments of {@link VectorEnv.reset}. */
export interface VectorResetArgs {
  /** Sub-env i gets `seed + i`; an array gives each sub-env its own seed. */
  seed?: number | readonly number[];
  /** Passed to every sub-env's reset; `resetMask` (length numEnvs) resets only the marked sub-envs. */
  options?: Record<string, unknown> & { resetMask?: ArrayLike<number | boolean> };
}

/** What {@link VectorEnv.reset} returns. */
export interface VectorResetResult {
  /** View `[numEnvs, ...obsShape]`; valid until the next call on the vector env. */
  observations: NdArray<BatchArray>;
  infos: VectorInfo;
}

/** What {@link VectorEnv.step} returns; arrays are views valid until the next call on the vector env. */
export interface VectorStepResult {
  observations: NdArray<BatchArray>;
  rewards: Float64Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
  infos: VectorInfo;
}

/**
 * Batched actions: a typed array (or ndarray) `[numEnvs, ...actShape]` for Box/MultiDiscrete/MultiBinary
 * action spaces, or `[numEnvs]` of integers for Discrete ones; an array of per-env rows is accepted too.
 */
export type BatchedActions = ArrayLike<number> | NdArray<BatchArray> | ReadonlyArray<ArrayLike<number>>;

/** N copies of an env stepped together (Gymnasium's `VectorEnv`). */
export interface VectorEnv<Obs = unknown, Act = unknown> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<Obs>;
  readonly singleActionSpace: Space<Act>;
  /** The batched observation space. */
  readonly observationSpace: Space<unknown>;
  /** The batched action space. */
  readonly actionSpace: Space<unknown>;
  readonly autoresetMode: AutoresetMode;
  reset(args?: VectorResetArgs): VectorResetResult;
  step(actions: BatchedActions): VectorStepResult;
  /** Idempotent; stepping a closed vector env is an error. */
  close(): void | Promise<void>;
}
