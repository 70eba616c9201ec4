import type { Rng } from '../rng/rng.js';
import { CONFIGURATION_FEATURE_NAMES, SCOUT_CONFIGURATIONS, configurationFeatures } from './configurations.js';
import { searchProblem } from './problem.js';
import { runCost, trueRuntime } from './runtime-model.js';
import { configSearchTasks, type JobTask } from './tasks.js';

/** One example of the supervised view: a job on a configuration. */
export interface DatasetRow {
  readonly taskId: string;
  readonly configIndex: number;
  /** The job's fingerprint (`jobFeatureNames`). */
  readonly job: Float64Array;
  /** The configuration's features (`configFeatureNames`). */
  readonly config: Float64Array;
  /** Runtime, seconds, and cost, USD: noise-free, or one noisy measurement when an RNG is given. */
  readonly runtime: number;
  readonly cost: number;
  readonly meetsDeadline: boolean;
}

/** The supervised view of a set of jobs. */
export interface ConfigSearchDataset {
  readonly jobFeatureNames: readonly string[];
  readonly configFeatureNames: readonly string[];
  readonly rows: DatasetRow[];
}

/**
 * FLASH's supervised case: (job features, configuration features) → runtime and cost, one row per job ×
 * configuration of the Scout-like space, task-major. Without `rng` the values are the model's
 * noise-free ones; with it, one measurement each (the job's noise), as a profiling run would give.
 */
export function dataset(tasks: readonly JobTask[], rng?: Rng): ConfigSearchDataset {
  const rows: DatasetRow[] = [];
  const configFeatures = SCOUT_CONFIGURATIONS.map(configurationFeatures);
  for (const raw of tasks) {
    const task = configSearchTasks.validate(raw);
    const job = configSearchTasks.fingerprint(task);
    if (rng === undefined) {
      SCOUT_CONFIGURATIONS.forEach((config, i) => {
        const runtime = trueRuntime(task, config);
        rows.push({ taskId: task.id, configIndex: i, job, config: configFeatures[i], runtime, cost: runCost(runtime, config), meetsDeadline: runtime <= task.deadline });
      });
    } else {
      const problem = searchProblem(task);
      SCOUT_CONFIGURATIONS.forEach((_, i) => {
        const m = problem.measure(i, rng);
        rows.push({ taskId: task.id, configIndex: i, job, config: configFeatures[i], runtime: m.runtime, cost: m.cost, meetsDeadline: m.runtime <= task.deadline });
      });
    }
  }
  return { jobFeatureNames: configSearchTasks.fingerprintNames, configFeatureNames: CONFIGURATION_FEATURE_NAMES, rows };
}
