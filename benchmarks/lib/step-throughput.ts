import type { Env } from '../../envs/core/env.js';

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Options of {@link measureStepThroughput}. */
export interface StepThroughputOptions {
  /** Actions cycled through in order (pre-sampled, so sampling is not timed). */
  actions: readonly unknown[];
  /** Timed runs; the median is reported. */
  runs: number;
  /** Target duration of one run in milliseconds (steps per run are calibrated by a warm-up). */
  runMs: number;
  /**
   * `wall`: elapsed time (the usual figure, on a quiet machine). `cpu`: this process's CPU time, which stays
   * meaningful when other processes compete for the cores (it then excludes the time spent waiting).
   */
  clock?: 'wall' | 'cpu';
  /**
   * Ends episodes after this many steps in the harness, for bare envs that have no TimeLimit, so that
   * bare and wrapped envs reset equally often. Undefined: only terminated/truncated end episodes.
   */
  episodeLimit?: number;
}

/** Result of {@link measureStepThroughput}. */
export interface StepThroughput {
  /** Median steps per second over the runs. */
  stepsPerSecond: number;
  /** Steps per second of each run. */
  runs: number[];
  /** Steps per run. */
  stepsPerRun: number;
  /** Sum of rewards, returned so that the steps cannot be optimized away. */
  checksum: number;
}

/**
 * Steps an env as fast as it goes, resetting whenever an episode ends, and reports the median steps per
 * second over several timed runs (after a warm-up that lets the JIT optimize and sizes the runs). Reset
 * time is included, as in Gymnasium's own throughput figures.
 */
export function measureStepThroughput(env: Env<unknown, unknown>, options: StepThroughputOptions): StepThroughput {
  const { actions, runs, runMs } = options;
  if (actions.length === 0) throw new RangeError('measureStepThroughput: no actions');
  const limit = options.episodeLimit ?? Infinity;
  const clock = options.clock === 'cpu' ? cpuSeconds : wallSeconds;
  const state = { episodeSteps: 0, checksum: 0 };
  env.reset({ seed: 0 });

  // Warm-up: grow the batch until it takes a tenth of a run, then size the runs from its rate.
  let batch = 64;
  let rate = 0;
  for (;;) {
    const seconds = timeSteps(env, actions, batch, limit, state, clock);
    rate = batch / Math.max(seconds, 1e-9);
    if (seconds * 1000 >= runMs / 10 || batch >= 2 ** 26) break;
    batch *= 4;
  }
  timeSteps(env, actions, Math.ceil(rate * (runMs / 1000)), limit, state, clock);
  const stepsPerRun = Math.max(1, Math.ceil(rate * (runMs / 1000)));

  const perRun: number[] = [];
  for (let r = 0; r < runs; r++) perRun.push(stepsPerRun / timeSteps(env, actions, stepsPerRun, limit, state, clock));
  return { stepsPerSecond: median(perRun), runs: perRun, stepsPerRun, checksum: state.checksum };
}

/** Runs `n` steps and returns the elapsed seconds. */
function timeSteps(
  env: Env<unknown, unknown>,
  actions: readonly unknown[],
  n: number,
  episodeLimit: number,
  state: { episodeSteps: number; checksum: number },
  clock: () => number,
): number {
  const count = actions.length;
  let episodeSteps = state.episodeSteps;
  let checksum = state.checksum;
  let a = 0;
  const start = clock();
  for (let i = 0; i < n; i++) {
    const result = env.step(actions[a]);
    if (++a === count) a = 0;
    checksum += result.reward;
    if (result.terminated || result.truncated || ++episodeSteps >= episodeLimit) {
      env.reset();
      episodeSteps = 0;
    }
  }
  const elapsed = clock() - start;
  state.episodeSteps = episodeSteps;
  state.checksum = checksum;
  return elapsed;
}

function wallSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
