/**
 * The worker side of distributed suites: a BullMQ Worker on the suites queue that checks each job's
 * payload and runs it on the local pool. A malformed job, a unit the worker does not allow and a run that
 * throws all fail the job with the reason as an UnrecoverableError (never retried: they would fail again);
 * none of them stops the worker. A worker that dies mid-run stops renewing its job's lock, and BullMQ's
 * stall detection (in the surviving workers) puts the job back for another worker, at most
 * `maxStalledCount` times.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Isolation } from '../benchmarks/runner/choose-executor.js';
import { describeError } from '../benchmarks/runner/unit-call.js';
import { DEFAULT_QUEUE_PREFIX, queueName, type QueueConnection } from './connection.js';
import { LanePool } from './lane-pool.js';
import { validateSuiteJob, type ModuleAllowList, type SuiteJobResult } from './suite-job.js';

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
    const t0 = performance.now();
    try {
      const output = await pool.run({ unit: { module, exportName: data.unit.exportName }, run: data.run }, data.backend);
      return { metrics: output.metrics, timing: output.timing ?? {}, wallSeconds: (performance.now() - t0) / 1000, worker: me };
    } catch (error) {
      const reason = describeError(error);
      log(`run ${data.run.key} failed: ${reason}`);
      throw new UnrecoverableError(reason);
    }
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
