import type { Rng } from '../rng/rng.js';

/**
 * A change to a task that takes effect at a given step of an episode (a workload drift): `set` is a
 * shallow patch of the task's fields, applied when the episode reaches `atStep`.
 */
export interface DriftEvent {
  readonly atStep: number;
  readonly set: Readonly<Record<string, unknown>>;
}

/** A task: a plain, JSON-serializable object describing an application and its environment. */
export interface Task {
  /** A stable, human-readable id (e.g. `app-0042`). */
  readonly id: string;
  /** Changes that take effect during an episode. */
  readonly drift?: readonly DriftEvent[];
}

/** Train and held-out tasks. */
export interface TaskSplit<T> {
  readonly train: T[];
  readonly heldOut: T[];
}

/** Options of {@link TaskDistribution.split}. */
export interface SplitOptions {
  /** How many tasks go to training: a count (≥ 1) or a fraction in (0, 1). */
  readonly train: number;
  readonly seed: number;
}

/**
 * The tasks of an env family: how to sample them, a deterministic catalog, a train/held-out split, the
 * hand-crafted fingerprint that the TL+ baseline conditions on, and validated JSON.
 */
export interface TaskDistribution<T extends Task> {
  /** The family's name, e.g. `autoscaling`. */
  readonly family: string;
  /** Names of the fingerprint's components, in order. */
  readonly fingerprintNames: readonly string[];
  /** Draws a task with the given RNG (deterministic for the RNG's state). */
  sample(rng: Rng, id?: string): T;
  /** `n` distinct tasks, identical for the same `n` and `seed`. */
  catalog(n: number, seed: number): T[];
  /** Splits tasks into train and held-out sets, deterministically for the seed. */
  split(tasks: readonly T[], options: SplitOptions): TaskSplit<T>;
  /** The hand-crafted numeric description of a task (length `fingerprintNames.length`). */
  fingerprint(task: T): Float64Array;
  /** Validates a plain object as a task; throws an error naming the malformed field. */
  validate(value: unknown): T;
  /** Serializes a task to JSON text. */
  toJSON(task: T): string;
  /** Parses and validates JSON text (or an already parsed object). */
  fromJSON(text: string | unknown): T;
}

/** An env parameterized by a task: `reset({ options: { task } })` switches it at the next episode. */
export interface TaskEnv<T extends Task> {
  /** The task of the current episode (after drift, the task in effect now). */
  readonly task: T;
  readonly taskDistribution: TaskDistribution<T>;
}

/** Whether an (unwrapped) env is parameterized by tasks. */
export function isTaskEnv(env: unknown): env is TaskEnv<Task> {
  return env !== null && typeof env === 'object' && 'task' in env && 'taskDistribution' in env;
}
