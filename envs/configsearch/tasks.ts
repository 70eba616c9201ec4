import type { Rng } from '../rng/rng.js';
import { defineTaskDistribution } from '../tasks/distribution.js';
import type { Task, TaskDistribution } from '../tasks/task.js';
import { readArray, readNumber, readObject, readString, taskFieldError } from '../tasks/validate.js';
import { SCOUT_CONFIGURATIONS } from './configurations.js';
import { trueRuntime, type JobSpec } from './runtime-model.js';

const FAMILY = 'configsearch';

/** A configuration-search task on the Scout-like space: a job, its deadline and the measurement noise. */
export interface JobTask extends Task, JobSpec {
  readonly kind: 'job';
  /** Runtime deadline, seconds: the objective is the cheapest configuration that meets it. */
  readonly deadline: number;
  /** Measurement noise: a measured runtime is the model's × exp(N(0, noise²)). */
  readonly noise: number;
}

/** One recorded run of a replay task. */
export interface RecordedRun {
  readonly runtime: number;
  readonly cost: number;
  /** `ok`, or the error the run ended with (e.g. `Timed out.`). */
  readonly status: string;
}

/** A configuration of a replay task: a name and its features in [0, 1]. */
export interface ReplayConfiguration {
  readonly name: string;
  readonly features: readonly number[];
}

/**
 * A task that replays measured runs (e.g. a workload of IBM's multi-cloud dataset): per configuration the
 * runs recorded for it (failed and timed-out ones included); a configuration with no runs cannot be tried.
 */
export interface ReplayTask extends Task {
  readonly kind: 'replay';
  readonly configurations: readonly ReplayConfiguration[];
  readonly runs: readonly (readonly RecordedRun[])[];
  /** Runtime deadline in seconds, or null to minimize cost alone. */
  readonly deadline: number | null;
  /**
   * Whether failed runs count as completed ones (their measured runtime and cost taken at face value);
   * default false: a failed run never qualifies as a solution.
   */
  readonly failedRunsQualify?: boolean;
}

/** Any configuration-search task. */
export type ConfigSearchTask = JobTask | ReplayTask;

const FRACTION_KEYS = ['cpuFraction', 'memoryFraction', 'ioFraction', 'networkFraction'] as const;

/** Fingerprint names of job tasks. */
const JOB_FINGERPRINT = ['log10InputGB', 'log10Work', 'cpuFraction', 'memoryFraction', 'ioFraction', 'networkFraction', 'parallelFraction', 'memoryPerGB', 'log10Deadline'];

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

/**
 * Draws a job: input 5–500 GB (log-uniform), 20–200 s/GB, bound fractions from a flat Dirichlet, parallel
 * fraction 0.8–0.999, working set 0.5–4 × input, shuffle overhead 0–2 s/node, setup 10–60 s, noise 2–10%,
 * and a deadline 1.3–4 × the fastest configuration's runtime (so some, not all, configurations meet it).
 */
function sampleJob(rng: Rng, id: string): JobTask {
  const raw = FRACTION_KEYS.map(() => rng.exponential());
  const sum = raw.reduce((a, b) => a + b, 0);
  const fractions = raw.map((r) => round(r / sum, 4));
  fractions[0] = round(1 - fractions[1] - fractions[2] - fractions[3], 4);
  const job: JobSpec = {
    inputGB: round(Math.exp(rng.uniform(Math.log(5), Math.log(500))), 2),
    secondsPerGB: round(rng.uniform(20, 200), 2),
    cpuFraction: fractions[0],
    memoryFraction: fractions[1],
    ioFraction: fractions[2],
    networkFraction: fractions[3],
    parallelFraction: round(rng.uniform(0.8, 0.999), 4),
    memoryPerGB: round(rng.uniform(0.5, 4), 3),
    shuffleOverhead: round(rng.uniform(0, 2), 3),
    setupSeconds: round(rng.uniform(10, 60), 2),
  };
  const fastest = Math.min(...SCOUT_CONFIGURATIONS.map((c) => trueRuntime(job, c)));
  return { id, kind: 'job', ...job, deadline: round(fastest * rng.uniform(1.3, 4), 2), noise: round(rng.uniform(0.02, 0.1), 4) };
}

function validateJob(obj: Record<string, unknown>): JobTask {
  const num = (key: string, min: number, max = Infinity): number => readNumber(FAMILY, obj, key, { min, max });
  const fractions = FRACTION_KEYS.map((k) => num(k, 0, 1));
  const sum = fractions.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-3) throw taskFieldError(FAMILY, FRACTION_KEYS.join('+'), sum, 'fractions that sum to 1 (within 1e-3)');
  const task: JobTask = {
    id: obj.id as string,
    kind: 'job',
    inputGB: num('inputGB', Number.MIN_VALUE),
    secondsPerGB: num('secondsPerGB', Number.MIN_VALUE),
    cpuFraction: fractions[0],
    memoryFraction: fractions[1],
    ioFraction: fractions[2],
    networkFraction: fractions[3],
    parallelFraction: num('parallelFraction', 0, 1),
    memoryPerGB: num('memoryPerGB', 0),
    shuffleOverhead: num('shuffleOverhead', 0),
    setupSeconds: num('setupSeconds', 0),
    deadline: num('deadline', Number.MIN_VALUE),
    noise: num('noise', 0, 1),
  };
  const fastest = Math.min(...SCOUT_CONFIGURATIONS.map((c) => trueRuntime(task, c)));
  if (fastest > task.deadline) {
    throw taskFieldError(FAMILY, 'deadline', task.deadline, `a deadline some configuration meets (the fastest takes ${fastest.toFixed(1)} s)`);
  }
  return obj.drift === undefined ? task : { ...task, drift: obj.drift as JobTask['drift'] };
}

/**
 * The configuration-search jobs on the Scout-like space. Fingerprint: log10 input GB, log10 work
 * (reference core-seconds), the four bound fractions, the parallel fraction, the working set per GB and
 * log10 deadline. A drift may change the input size or the deadline.
 */
export const configSearchTasks: TaskDistribution<JobTask> = defineTaskDistribution<JobTask>({
  family: FAMILY,
  fingerprintNames: JOB_FINGERPRINT,
  sample: sampleJob,
  fingerprint: (t) =>
    Float64Array.from([
      Math.log10(t.inputGB),
      Math.log10(t.inputGB * t.secondsPerGB),
      t.cpuFraction,
      t.memoryFraction,
      t.ioFraction,
      t.networkFraction,
      t.parallelFraction,
      t.memoryPerGB,
      Math.log10(t.deadline),
    ]),
  validateFields(obj) {
    if (obj.kind !== 'job') throw taskFieldError(FAMILY, 'kind', obj.kind, '"job" (replay tasks: validateReplayTask)');
    return validateJob(obj);
  },
  driftableKeys: ['inputGB', 'deadline'],
});

/** Validates a replay task; errors name the field path (e.g. `runs[3][0].runtime`). */
export function validateReplayTask(value: unknown): ReplayTask {
  const obj = readObject(FAMILY, value);
  if (typeof obj.id !== 'string' || obj.id.length === 0) throw taskFieldError(FAMILY, 'id', obj.id, 'a non-empty string');
  readString(FAMILY, obj, 'kind', ['replay']);
  if (obj.drift !== undefined) throw taskFieldError(FAMILY, 'drift', obj.drift, 'no drift (replay tasks replay fixed measurements)');
  const configurations = readArray(FAMILY, obj, 'configurations', { min: 1 }).map((c, i): ReplayConfiguration => {
    const path = `configurations[${i}]`;
    const config = readObject(FAMILY, c, path);
    const name = readString(FAMILY, config, 'name', undefined, path);
    const features = readArray(FAMILY, config, 'features', { min: 1 }, path);
    features.forEach((f, j) => {
      if (typeof f !== 'number' || !(f >= 0 && f <= 1)) throw taskFieldError(FAMILY, `${path}.features[${j}]`, f, 'a number in [0, 1]');
    });
    return { name, features: features as number[] };
  });
  const width = configurations[0].features.length;
  configurations.forEach((c, i) => {
    if (c.features.length !== width) throw taskFieldError(FAMILY, `configurations[${i}].features`, c.features, `${width} features, as configurations[0]`);
  });
  const runs = readArray(FAMILY, obj, 'runs', { min: configurations.length, max: configurations.length }).map((list, i) => {
    if (!Array.isArray(list)) throw taskFieldError(FAMILY, `runs[${i}]`, list, 'an array of recorded runs (empty when never run)');
    return list.map((r, j): RecordedRun => {
      const path = `runs[${i}][${j}]`;
      const run = readObject(FAMILY, r, path);
      return {
        runtime: readNumber(FAMILY, run, 'runtime', { min: 0, path }),
        cost: readNumber(FAMILY, run, 'cost', { min: 0, path }),
        status: readString(FAMILY, run, 'status', undefined, path),
      };
    });
  });
  const deadline = obj.deadline === null ? null : readNumber(FAMILY, obj, 'deadline', { min: Number.MIN_VALUE });
  if (obj.failedRunsQualify !== undefined && typeof obj.failedRunsQualify !== 'boolean') {
    throw taskFieldError(FAMILY, 'failedRunsQualify', obj.failedRunsQualify, 'a boolean');
  }
  const failedRunsQualify = obj.failedRunsQualify === true;
  const task: ReplayTask = { id: obj.id, kind: 'replay', configurations, runs, deadline, failedRunsQualify };
  if (!runs.some((list) => {
    const mean = meanSuccessfulRuntime(list, failedRunsQualify);
    return mean !== undefined && (deadline === null || mean <= deadline);
  })) {
    throw taskFieldError(FAMILY, 'runs', '(recorded runs)', 'a configuration whose successful runs meet the deadline on average');
  }
  return task;
}

/** Validates either kind of task (by its `kind`). */
export function validateConfigSearchTask(value: unknown): ConfigSearchTask {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === 'replay') return validateReplayTask(value);
  if (kind === 'job') return configSearchTasks.validate(value);
  throw taskFieldError(FAMILY, 'kind', kind, '"job" or "replay"');
}

/**
 * The mean runtime of a configuration's successful (`ok`) runs (all runs when failed ones qualify), or
 * undefined when none succeeded.
 */
export function meanSuccessfulRuntime(runs: readonly RecordedRun[], failedRunsQualify = false): number | undefined {
  let sum = 0;
  let count = 0;
  for (const r of runs) {
    if (failedRunsQualify || r.status === 'ok') {
      sum += r.runtime;
      count++;
    }
  }
  return count === 0 ? undefined : sum / count;
}
