import type { Rng } from '../rng/rng.js';
import { CONFIGURATION_FEATURE_NAMES, SCOUT_CONFIGURATIONS, configurationFeatures } from './configurations.js';
import { runCost, trueRuntime } from './runtime-model.js';
import { meanSuccessfulRuntime, type ConfigSearchTask, type JobTask, type ReplayTask } from './tasks.js';

/** One trial's measurement. */
export interface Measurement {
  runtime: number;
  cost: number;
  /** Whether the run completed (a replayed run may have failed or timed out). */
  succeeded: boolean;
}

/**
 * A task seen as a black-box search problem: configurations with features, a measurement per trial, and
 * the truth a searcher never sees (noise-free runtime and cost, the cheapest configuration meeting the
 * deadline) for scoring.
 */
export interface SearchProblem {
  readonly task: ConfigSearchTask;
  readonly size: number;
  readonly featureNames: readonly string[];
  /** Features of each configuration, in [0, 1]. */
  readonly features: readonly Float64Array[];
  /** 1 where a configuration can be tried (replays: it was run at least once). */
  readonly available: Uint8Array;
  /** Runtime deadline, seconds (Infinity when there is none). */
  readonly deadline: number;
  /** Noise-free runtime and cost per configuration (replays: the mean of the successful runs; NaN if none). */
  readonly trueRuntimes: Float64Array;
  readonly trueCosts: Float64Array;
  /** 1 where a configuration truly meets the deadline (and, for replays, has successful runs). */
  readonly feasible: Uint8Array;
  /** The cheapest feasible configuration (found by brute force), and its cost. */
  readonly optimum: number;
  readonly optimalCost: number;
  /** The most expensive available configuration's true cost: the regret of finding nothing. */
  readonly worstCost: number;
  /** Median true runtime and cost of the available configurations, to normalize observations. */
  readonly runtimeScale: number;
  readonly costScale: number;
  /** Measures one trial of configuration `index`, drawing its noise from `rng`. */
  measure(index: number, rng: Rng): Measurement;
}

const cache = new WeakMap<object, SearchProblem>();
const SCOUT_FEATURES: readonly Float64Array[] = SCOUT_CONFIGURATIONS.map(configurationFeatures);
const SCOUT_AVAILABLE = new Uint8Array(SCOUT_CONFIGURATIONS.length).fill(1);

/**
 * The search problem of a task, computed once per task object and cached (`cache: false` skips the
 * cache, for a task used once, such as one sampled for a single episode).
 */
export function searchProblem(task: ConfigSearchTask, options: { cache?: boolean } = {}): SearchProblem {
  let problem = cache.get(task);
  if (problem === undefined) {
    problem = task.kind === 'job' ? jobProblem(task) : replayProblem(task);
    if (options.cache !== false) cache.set(task, problem);
  }
  return problem;
}

function jobProblem(task: JobTask): SearchProblem {
  const configs = SCOUT_CONFIGURATIONS;
  const trueRuntimes = Float64Array.from(configs, (c) => trueRuntime(task, c));
  const trueCosts = Float64Array.from(configs, (c, i) => runCost(trueRuntimes[i], c));
  const prices = Float64Array.from(configs, (c) => (c.nodes * c.vm.hourlyPrice) / 3600);
  return finish(task, CONFIGURATION_FEATURE_NAMES, SCOUT_FEATURES, SCOUT_AVAILABLE, task.deadline, trueRuntimes, trueCosts, (i, rng) => {
    const runtime = task.noise > 0 ? trueRuntimes[i] * Math.exp(rng.normal(0, task.noise)) : trueRuntimes[i];
    return { runtime, cost: runtime * prices[i], succeeded: true };
  });
}

function replayProblem(task: ReplayTask): SearchProblem {
  const n = task.configurations.length;
  const available = Uint8Array.from(task.runs, (runs) => (runs.length > 0 ? 1 : 0));
  const trueRuntimes = new Float64Array(n).fill(Number.NaN);
  const trueCosts = new Float64Array(n).fill(Number.NaN);
  const anyRun = task.failedRunsQualify === true;
  task.runs.forEach((runs, i) => {
    const mean = meanSuccessfulRuntime(runs, anyRun);
    if (mean === undefined) return;
    trueRuntimes[i] = mean;
    const ok = runs.filter((r) => anyRun || r.status === 'ok');
    trueCosts[i] = ok.reduce((s, r) => s + r.cost, 0) / ok.length;
  });
  const names = task.configurations[0].features.map((_, j) => `feature${j}`);
  return finish(task, names, task.configurations.map((c) => Float64Array.from(c.features)), available, task.deadline ?? Infinity, trueRuntimes, trueCosts, (i, rng) => {
    const runs = task.runs[i];
    const run = runs[runs.length === 1 ? 0 : rng.integers(0, runs.length)];
    return { runtime: run.runtime, cost: run.cost, succeeded: anyRun || run.status === 'ok' };
  });
}

function finish(
  task: ConfigSearchTask,
  featureNames: readonly string[],
  features: readonly Float64Array[],
  available: Uint8Array,
  deadline: number,
  trueRuntimes: Float64Array,
  trueCosts: Float64Array,
  measure: (index: number, rng: Rng) => Measurement,
): SearchProblem {
  const n = features.length;
  const feasible = new Uint8Array(n);
  let optimum = -1;
  let worstCost = 0;
  for (let i = 0; i < n; i++) {
    if (!available[i] || Number.isNaN(trueCosts[i])) continue;
    if (trueCosts[i] > worstCost) worstCost = trueCosts[i];
    if (trueRuntimes[i] <= deadline) {
      feasible[i] = 1;
      if (optimum < 0 || trueCosts[i] < trueCosts[optimum]) optimum = i;
    }
  }
  if (optimum < 0) throw new Error(`configsearch task ${task.id}: no configuration meets the deadline`);
  const median = (values: Float64Array): number => {
    const finite = Array.from(values).filter((v, i) => available[i] && Number.isFinite(v)).sort((a, b) => a - b);
    return finite[Math.floor(finite.length / 2)];
  };
  return {
    task,
    size: n,
    featureNames,
    features,
    available,
    deadline,
    trueRuntimes,
    trueCosts,
    feasible,
    optimum,
    optimalCost: trueCosts[optimum],
    worstCost,
    runtimeScale: median(trueRuntimes),
    costScale: median(trueCosts),
    measure,
  };
}

/** Relative regret of choosing `incumbent` (−1: nothing found, scored as the worst configuration). */
export function regretOf(problem: SearchProblem, incumbent: number): number {
  const cost = incumbent < 0 ? problem.worstCost : problem.trueCosts[incumbent];
  return (cost - problem.optimalCost) / problem.optimalCost;
}
