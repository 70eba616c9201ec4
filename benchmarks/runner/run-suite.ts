import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseExecutor, defaultWorkers, isolationFor, type Isolation } from './choose-executor.js';
import type { Executor } from './executors.js';
import { SuiteProgress } from './progress.js';
import { ResultsFile } from './results-file.js';
import { configHash } from './run-key.js';
import type { Json, RunRecord, RunSpec, SuiteDefinition } from './types.js';
import { describeError } from './unit-call.js';

/** The file names of a suite's output folder. */
export const RESULTS_FILE = 'results.jsonl';
export const SUITE_FILE = 'suite.json';

/**
 * Thrown by an executor that cannot go on (the queue executor when Redis stays unreachable): the suite
 * stops with this error instead of recording the runs in flight as failed, so rerunning resumes them.
 */
export class SuiteInterrupted extends Error {
  override name = 'SuiteInterrupted';
}

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  /** Output folder: `suite.json` (what the suite is) and `results.jsonl` (one record per finished run). */
  readonly out: string;
  /** Runs in flight at once (default: one per core). */
  readonly workers?: number;
  /** Force worker threads or child processes (default: decided by the suite's backend). */
  readonly isolation?: Isolation;
  /** Run again the runs recorded as failed (default: they count as finished). */
  readonly retryFailed?: boolean;
  /** Where progress and the first lines go (default stderr); `null`: silent. */
  readonly write?: ((text: string) => void) | null;
  /** Redraw the progress bar in place (default: when stderr is a terminal). */
  readonly interactive?: boolean;
  /** Called in the main thread after each run's record is on disk. */
  readonly onRunDone?: (record: RunRecord) => void;
  /** An executor to use instead of building one (tests). */
  readonly executor?: Executor;
}

/** What {@link runSuite} returns. */
export interface SuiteOutcome {
  /** The record of every run of the suite, in the suite's order (finished before or now). */
  readonly records: RunRecord[];
  /** Runs executed in this call. */
  readonly ran: number;
  /** Runs skipped because they were already recorded. */
  readonly skipped: number;
  readonly failed: number;
  /** How the runs were spread (threads or processes, and why). */
  readonly executor: string;
  readonly wallSeconds: number;
}

/** What `suite.json` holds. */
export interface SuiteManifest {
  readonly suite: string;
  readonly config: { readonly [key: string]: Json };
  readonly configHash: string;
  readonly runs: number;
  readonly createdAt: string;
}

/**
 * Runs a suite: skips the runs already recorded in `<out>/results.jsonl`, spreads the others over an
 * executor (worker threads, or child processes for tfjs-node), appends each finished run's record to the
 * file as soon as it finishes (a failed run is recorded with its error; the others go on), and shows a
 * progress bar. Killing it and calling it again finishes the suite with every run recorded exactly once.
 * Results depend on each run's seed only, not on the number of workers or the order runs finish in.
 */
export async function runSuite(suite: SuiteDefinition, options: RunSuiteOptions): Promise<SuiteOutcome> {
  const started = performance.now();
  const keys = new Set<string>();
  for (const run of suite.runs) {
    if (keys.has(run.key)) throw new RangeError(`suite ${suite.name}: two runs have the key ${run.key}`);
    keys.add(run.key);
  }
  mkdirSync(options.out, { recursive: true });
  writeManifest(suite, options.out);
  const results = ResultsFile.open(join(options.out, RESULTS_FILE));
  const write = options.write === null ? undefined : (options.write ?? ((text: string) => process.stderr.write(text)));
  const isDone = (key: string): boolean => {
    const record = results.get(key);
    return record !== undefined && (record.status === 'ok' || !options.retryFailed);
  };
  const pending = suite.runs.filter((run) => !isDone(run.key));
  const skipped = suite.runs.length - pending.length;
  const workers = Math.min(options.workers ?? defaultWorkers(), Math.max(1, pending.length));
  let executor: Executor | undefined;
  let failed = 0;
  try {
    if (pending.length > 0) executor = options.executor ?? chooseExecutor(suite.backend, workers, options.isolation);
    const how = executor?.description ?? `none (${isolationFor(suite.backend).why})`;
    write?.(`suite ${suite.name}: ${suite.runs.length} runs, ${skipped} already in ${join(options.out, RESULTS_FILE)}, ${pending.length} to run${executor ? ` on ${how}` : ''}\n`);
    const progress = new SuiteProgress(suite.runs.length, skipped, write, options.interactive ?? process.stderr.isTTY === true);
    const active = executor as Executor;
    const runOne = async (run: RunSpec, lane: number): Promise<void> => {
      const t0 = performance.now();
      let record: RunRecord;
      try {
        const output = await active.run({ unit: suite.unit, run }, lane);
        record = { key: run.key, status: 'ok', run, metrics: output.metrics, timing: output.timing ?? {}, wallSeconds: output.wallSeconds ?? (performance.now() - t0) / 1000, finishedAt: new Date().toISOString() };
      } catch (error) {
        // The executor cannot go on (the queue's Redis is gone): stop, recording nothing for the runs in flight.
        if (error instanceof SuiteInterrupted) throw error;
        failed += 1;
        record = { key: run.key, status: 'failed', run, error: describeError(error), wallSeconds: (performance.now() - t0) / 1000, finishedAt: new Date().toISOString() };
      }
      results.append(record);
      progress.finished(record.status === 'ok', record.status === 'ok' ? suite.headline?.(record) : undefined);
      options.onRunDone?.(record);
    };
    // Each lane takes the next group when its own is exhausted; a group (same affinity key) stays on one lane.
    const groups = groupByAffinity(pending, suite.affinity?.bind(suite));
    let nextGroup = 0;
    const lane = async (index: number): Promise<void> => {
      let current: RunSpec[] = [];
      for (;;) {
        if (current.length === 0) {
          if (nextGroup >= groups.length) return;
          current = groups[nextGroup++];
          active.prepareGroup?.([...current], suite.unit);
        }
        await runOne(current.shift() as RunSpec, index);
      }
    };
    if (pending.length > 0) await Promise.all(Array.from({ length: active.size }, (_, i) => lane(i)));
    const records = suite.runs.map((run) => results.get(run.key) as RunRecord);
    return { records, ran: pending.length, skipped, failed, executor: how, wallSeconds: (performance.now() - started) / 1000 };
  } finally {
    results.close();
    if (executor !== undefined && options.executor === undefined) await executor.close();
  }
}

/** Writes `suite.json`, or checks that the one there describes the same suite and configuration. */
function writeManifest(suite: SuiteDefinition, out: string): void {
  const path = join(out, SUITE_FILE);
  const hash = configHash({ suite: suite.name, config: suite.config, runs: suite.runs.map((r) => r.key) });
  if (existsSync(path)) {
    const old = JSON.parse(readFileSync(path, 'utf8')) as Partial<SuiteManifest>;
    if (old.suite !== suite.name || old.configHash !== hash) {
      throw new Error(
        `${out} holds results of ${old.suite === suite.name ? 'another configuration of' : `suite "${String(old.suite)}", not`} suite "${suite.name}"; ` +
          'use another --out folder (or delete that one to start afresh)',
      );
    }
    return;
  }
  const manifest: SuiteManifest = { suite: suite.name, config: suite.config, configHash: hash, runs: suite.runs.length, createdAt: new Date().toISOString() };
  writeFileSync(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Reads a suite folder's manifest. */
export function readManifest(out: string): SuiteManifest {
  const path = join(out, SUITE_FILE);
  if (!existsSync(path)) throw new Error(`${out} has no ${SUITE_FILE}: not a suite's output folder (flash-gym bench … --out DIR writes one)`);
  return JSON.parse(readFileSync(path, 'utf8')) as SuiteManifest;
}

/** Runs grouped by affinity key, groups in the order of their first run (no key: a group per run). */
function groupByAffinity(runs: readonly RunSpec[], affinity: ((run: RunSpec) => string) | undefined): RunSpec[][] {
  if (affinity === undefined) return runs.map((run) => [run]);
  const groups = new Map<string, RunSpec[]>();
  for (const run of runs) {
    const key = affinity(run);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [run]);
    else group.push(run);
  }
  return [...groups.values()];
}
