import type { Space } from '../spaces/space.js';
import type { EnvSpec } from '../registry/spec.js';

/** Auxiliary diagnostic information returned by `reset` and `step`. */
export type Info = Record<string, unknown>;

/** Arguments of {@link Env.reset}. */
export interface ResetArgs {
  /** Reseeds the env's RNG (Gymnasium semantics: a seed replaces the RNG; no seed continues it). */
  seed?: number;
  /** Env-specific reset options, e.g. `{ state: [...] }` or `{ task }`. */
  options?: Record<string, unknown>;
}

/** What {@link Env.reset} returns. */
export interface ResetResult<Obs> {
  observation: Obs;
  info: Info;
}

/** What {@link Env.step} returns (Gymnasium 1.x's five-tuple, as an object). */
export interface StepResult<Obs> {
  observation: Obs;
  reward: number;
  /** A true end of the MDP: bootstrap with zero. */
  terminated: boolean;
  /** A cut (e.g. a time limit): bootstrap with the value of `observation`. */
  truncated: boolean;
  info: Info;
}

/** The environment API: Gymnasium 1.x semantics with TypeScript shapes. */
export interface Env<Obs = unknown, Act = unknown> {
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  /** Set by `make()`. */
  spec?: EnvSpec;
  /** Metadata, e.g. `{ renderModes: [] }`. */
  readonly metadata?: Record<string, unknown>;
  reset(args?: ResetArgs): ResetResult<Obs>;
  step(action: Act): StepResult<Obs>;
  render?(): unknown;
  /** Releases resources; safe to call twice. */
  close(): void;
  /** The innermost env (through wrappers). */
  readonly unwrapped: Env<unknown, unknown>;
}

/** Any env, for code that handles envs generically (methods are bivariant, so every Env fits). */
export type AnyEnv = Env<unknown, unknown>;
