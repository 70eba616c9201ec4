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
  /** Duration of one run (and of the warm-up before the runs) in milliseconds. */
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
  /** Sum of rewards, returned so that the steps cannot be optimized away. */
  checksum: number;
}

/** Steps between wall-clock readings: small enough to stop on time, large enough that reading the clock is free. */
const STEPS_PER_CHUNK = 1024;
/** Reading CPU time is a system call (microseconds): read it only every this many chunks. */
const CHUNKS_PER_CPU_READING = 32;

/**
 * Steps an env as fast as it goes, resetting whenever an episode ends, and reports the median steps per
 * second over several timed runs of `runMs` each, after a warm-up run of the same length that lets the JIT
 * optimize. Reset time is included, as in Gymnasium's own throughput figures.
 */
export function measureStepThroughput(env: Env<unknown, unknown>, options: StepThroughputOptions): StepThroughput {
  const { actions, runs, runMs } = options;
  if (actions.length === 0) throw new RangeError('measureStepThroughput: no actions');
  const clock = options.clock === 'cpu' ? cpuSeconds : wallSeconds;
  const loop: LoopState = {
    episodeSteps: 0,
    checksum: 0,
    action: 0,
    episodeLimit: options.episodeLimit ?? Infinity,
    chunksPerReading: options.clock === 'cpu' ? CHUNKS_PER_CPU_READING : 1,
  };
  env.reset({ seed: 0 });
  timedRun(env, actions, runMs / 1000, loop, clock);
  const perRun: number[] = [];
  for (let r = 0; r < runs; r++) perRun.push(timedRun(env, actions, runMs / 1000, loop, clock));
  return { stepsPerSecond: median(perRun), runs: perRun, checksum: loop.checksum };
}

interface LoopState {
  episodeSteps: number;
  checksum: number;
  action: number;
  readonly episodeLimit: number;
  readonly chunksPerReading: number;
}

/** Steps in chunks until `seconds` have passed on `clock`; returns steps per second. */
function timedRun(env: Env<unknown, unknown>, actions: readonly unknown[], seconds: number, loop: LoopState, clock: () => number): number {
  const start = clock();
  let steps = 0;
  let elapsed = 0;
  do {
    for (let c = 0; c < loop.chunksPerReading; c++) stepChunk(env, actions, loop);
    steps += STEPS_PER_CHUNK * loop.chunksPerReading;
    elapsed = clock() - start;
  } while (elapsed < seconds);
  return steps / elapsed;
}

function stepChunk(env: Env<unknown, unknown>, actions: readonly unknown[], loop: LoopState): void {
  const count = actions.length;
  const limit = loop.episodeLimit;
  let episodeSteps = loop.episodeSteps;
  let checksum = loop.checksum;
  let a = loop.action;
  for (let i = 0; i < STEPS_PER_CHUNK; i++) {
    const result = env.step(actions[a]);
    if (++a === count) a = 0;
    checksum += result.reward;
    if (result.terminated || result.truncated || ++episodeSteps >= limit) {
      env.reset();
      episodeSteps = 0;
    }
  }
  loop.episodeSteps = episodeSteps;
  loop.checksum = checksum;
  loop.action = a;
}

function wallSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
