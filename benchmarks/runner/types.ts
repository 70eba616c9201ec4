/** JSON values: what runs take and return (they cross thread and process boundaries). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * One run of a suite: an env, a method (an algorithm or a meta-learning method), a task and a seed, plus the
 * suite's parameters for it. Everything is plain JSON, so that a run can be sent to a worker thread or a
 * child process and identified on disk by its {@link RunSpec.key}.
 */
export interface RunSpec {
  /** Stable identity of the run within its suite (see `runKey`); finished keys are skipped on resume. */
  readonly key: string;
  readonly env: string;
  readonly method: string;
  /** The task's id, or `default` for envs without tasks. */
  readonly task: string;
  readonly seed: number;
  /** Everything else the run unit needs (budgets, hyperparameters, the task object, ...). */
  readonly params: { readonly [key: string]: Json };
}

/** Where a run is executed: a module (file URL) exporting a function `(run: RunSpec) => Promise<RunOutput>`. */
export interface RunUnit {
  /** File URL of the module, e.g. `new URL('./learning-unit.js', import.meta.url).href`. */
  readonly module: string;
  /** Name of the exported function. */
  readonly exportName: string;
}

/**
 * What a run unit returns. `metrics` must depend only on the run (its seed and params): they are what the
 * runner promises to be identical whatever the number of workers. `timing` holds wall-clock figures, which
 * are not expected to repeat.
 */
export interface RunOutput {
  readonly metrics: { readonly [key: string]: Json };
  readonly timing?: { readonly [key: string]: number };
  /**
   * The run's wall time where it ran, set by executors whose own clock would also count waiting (the queue
   * executor: a job waits in Redis for a free worker). Recorded instead of the runner's measurement.
   */
  readonly wallSeconds?: number;
}

/** One line of a suite's results file. */
export type RunRecord =
  | {
      readonly key: string;
      readonly status: 'ok';
      readonly run: RunSpec;
      readonly metrics: { readonly [key: string]: Json };
      readonly timing: { readonly [key: string]: number };
      readonly wallSeconds: number;
      readonly finishedAt: string;
    }
  | {
      readonly key: string;
      readonly status: 'failed';
      readonly run: RunSpec;
      readonly error: string;
      readonly wallSeconds: number;
      readonly finishedAt: string;
    };

/** A number shown on the progress bar as "best so far", e.g. the best evaluation return per env and method. */
export interface Headline {
  /** Groups results whose best is kept together, e.g. `CartPole-v1 ppo`. */
  readonly group: string;
  readonly value: number;
  /** Whether a larger value is better (returns) or a smaller one (errors, episodes to adapt). */
  readonly higherIsBetter: boolean;
  /** Printed after the value, e.g. `steps/s`. */
  readonly unit?: string;
  /** Show the best value of the group (default) or the running mean over its runs. */
  readonly aggregate?: 'best' | 'mean';
}

/** A suite: its runs, the unit that executes one, and what to show while it runs. */
export interface SuiteDefinition {
  /** The suite's name, e.g. `learning`. */
  readonly name: string;
  /** The configuration that produced the runs (recorded in `suite.json`; a different one refuses to mix). */
  readonly config: { readonly [key: string]: Json };
  readonly runs: readonly RunSpec[];
  readonly unit: RunUnit;
  /**
   * The tfjs backend the runs use (`cpu`, `wasm`, `node`, `node-gpu`, `auto`), or `none` when they do not
   * use tfjs. The tfjs-node backends cannot be loaded in several worker threads, which decides the executor.
   */
  readonly backend: string;
  /**
   * Runs with the same affinity key go to the same worker, one after another (default: every run on its own,
   * spread to whichever worker is free). For units that cache costly per-process state, such as a model
   * pretrained once per (method, seed) and then adapted to many tasks. Results must not depend on it.
   */
  affinity?(run: RunSpec): string;
  /** The progress bar's "best" number for a finished run (none: nothing shown). */
  headline?(record: RunRecord & { status: 'ok' }): Headline | undefined;
}
