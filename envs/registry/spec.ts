import type { AnyEnv } from '../core/env.js';

/** The schema of one keyword argument of an env, used to validate `make(id, kwargs)`. */
export type KwargSchema =
  | { type: 'number'; min?: number; max?: number; integer?: boolean; description?: string }
  | { type: 'boolean'; description?: string }
  | { type: 'string'; values?: readonly string[]; description?: string }
  | { type: 'object' | 'array'; description?: string; validate?: (value: unknown) => void };

/** Creates an env from validated kwargs. */
export type EnvFactory = (kwargs: Record<string, unknown>) => AnyEnv;

/** What `register` takes (Gymnasium's `register` arguments, camelCase). */
export interface EnvRegistration {
  /** `Name-vN`, optionally with a namespace: `ns/Name-vN`. */
  id: string;
  entryPoint: EnvFactory;
  /** Episode cut applied by `make` through TimeLimit. */
  maxEpisodeSteps?: number;
  /** The return at which the task counts as solved. */
  rewardThreshold?: number;
  /** Default kwargs, merged under the ones given to `make`. */
  kwargs?: Record<string, unknown>;
  /** Allowed kwargs; with a schema, unknown keys and out-of-range values are errors. */
  kwargsSchema?: Record<string, KwargSchema>;
  /** Whether the env is nondeterministic even with a seed. */
  nondeterministic?: boolean;
  /** Whether `make` enforces reset-before-step (default true). */
  orderEnforce?: boolean;
  /** Whether `make` skips the passive env checker (default false). */
  disableEnvChecker?: boolean;
  /** A line for `flash-gym list`. */
  description?: string;
  /** The task family's name, for system envs. */
  taskFamily?: string;
}

/** A registered env's specification (Gymnasium's `EnvSpec`). */
export interface EnvSpec extends Readonly<Required<Pick<EnvRegistration, 'id' | 'entryPoint' | 'nondeterministic' | 'orderEnforce' | 'disableEnvChecker'>>> {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly version: number;
  readonly maxEpisodeSteps: number | undefined;
  readonly rewardThreshold: number | undefined;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly kwargsSchema: Readonly<Record<string, KwargSchema>> | undefined;
  readonly description: string | undefined;
  readonly taskFamily: string | undefined;
}
