/**
 * The worker side of distributed suites: a BullMQ Worker on the suites queue that checks each job's
 * payload and runs its runs in turn on one lane of the local pool. A malformed job and a unit the worker
 * does not allow fail the job with the reason as an UnrecoverableError (never retried: it would fail
 * again); a run that throws is returned with its error, and the job's other runs go on. None of them stops
 * the worker. A worker that dies mid-run stops renewing its job's lock, and BullMQ's
 * stall detection (in the surviving workers) puts the job back for another worker, at most
 * `maxStalledCount` times.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Isolation } from '../benchmarks/runner/choose-executor.js';
import { describeError } from '../benchmarks/runner/unit-call.js';
import { DEFAULT_QUEUE_PREFIX, queueName, type QueueConnection } from './connection.js';
import { LanePool } from './lane-pool.js';
import { validateSuiteJob, type JobRunResult, type ModuleAllowList, type SuiteJobResult } from './suite-job.js';

/** BullMQ's stall detection: how fast a dead worker's job goes to another, and how many times. */
export interface StallOptions {
  /** A job's lock lasts this long (ms); a live worker renews it every half of it. */
  readonly lockDurationMs: number;
  /** How often a worker looks for jobs whose lock expired (ms). */
  readonly stalledIntervalMs: number;
  /** A job stalled more often than this fails ("job stalled more than allowable limit"). */
  readonly maxStalledCount: number;
}

/** The defaults: BullMQ's 30 s lock and check, and 2 stalls (so a run survives two dead workers). */
export const DEFAULT_STALL: StallOptions = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 2 };

/** Options of {@link startSuiteConsumer}. */
export interface SuiteConsumerOptions {
  readonly connection: QueueConnection;
  /** Queue name prefix (default `flash-gym`: the queue is `flash-gym-suites`). */
  readonly prefix?: string;
  /** Runs at once on this machine (the local pool's lanes). */
  readonly concurrency: number;
  readonly allow: ModuleAllowList;
  /** Force worker threads or child processes (default: by each job's backend). */
  readonly isolation?: Isolation;
  readonly stall?: Partial<StallOptions>;
  /** Where a line per job and per problem goes (default: stderr). */
  readonly log?: (line: string) => void;
}

/** A running consumer. */
export interface Consumer {
  /** One line saying what it serves, for the worker's start-up output. */
  readonly description: string;
  /** Stops taking jobs; waits for the runs in progress unless `force` (their jobs then stall and move on). */
  close(force?: boolean): Promise<void>;
}

/** Starts consuming suite-run jobs. */
export function startSuiteConsumer(options: SuiteConsumerOptions): Consumer {
  const stall = { ...DEFAULT_STALL, ...options.stall };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pool = new LanePool(options.concurrency, options.isolation);
  const name = queueName(options.prefix ?? DEFAULT_QUEUE_PREFIX, 'suites');
  const me = `${hostname()}:${process.pid}`;

  const processor = async (job: Job): Promise<SuiteJobResult> => {
    let data;
    let module: string;
    try {
      data = validateSuiteJob(job.data);
      module = options.allow.resolve(data.unit);
    } catch (error) {
      const reason = `rejected job ${job.id ?? '?'}: ${(error as Error).message}`;
      log(reason);
      throw new UnrecoverableError(reason);
    }
    // The runs in turn on one lane; a run that throws is recorded with its error and the others go on.
    const lane = pool.acquire(data.backend);
    const results: JobRunResult[] = [];
    try {
      for (const run of data.runs) {
        const t0 = performance.now();
        try {
          const output = await lane.run({ unit: { module, exportName: data.unit.exportName }, run });
          results.push({ ok: true, metrics: output.metrics, timing: output.timing ?? {}, wallSeconds: (performance.now() - t0) / 1000 });
        } catch (error) {
          const reason = describeError(error);
          log(`run ${run.key} failed: ${reason}`);
          results.push({ ok: false, error: reason, wallSeconds: (performance.now() - t0) / 1000 });
        }
      }
    } finally {
      lane.release();
    }
    return { results, worker: me };
  };

  const worker = new Worker(name, processor, {
    connection: options.connection.options(),
    concurrency: options.concurrency,
    lockDuration: stall.lockDurationMs,
    stalledInterval: stall.stalledIntervalMs,
    maxStalledCount: stall.maxStalledCount,
  });
  // Without a listener an 'error' event would crash the process; connection trouble is retried by ioredis.
  worker.on('error', (error) => log(`worker: ${error.message}`));
  let closing: Promise<void> | undefined;
  return {
    description: `suite runs from ${name} at ${options.connection.described}, ${options.concurrency} at once (lock ${stall.lockDurationMs} ms, stall check every ${stall.stalledIntervalMs} ms, at most ${stall.maxStalledCount} stalls per run)`,
    close(force = false) {
      if (force) return worker.close(true).then(() => pool.close());
      closing ??= worker.close().then(() => pool.close());
      return closing;
    },
  };
}
