/**
 * The worker side of distributed rollouts: a BullMQ worker that takes rollout jobs, validates each
 * payload before anything runs (format and sizes; env id registered; modules only from the worker's own
 * allow-list; wrappers registered by name — no code from a job is ever evaluated), collects the shard and
 * returns its trajectories. A malformed job fails at once with the reason (BullMQ's UnrecoverableError:
 * retrying the same payload cannot help); nothing a job carries can crash the worker.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { spec } from '../../envs/registry/registry.js';
import { assertWrapperSpec } from '../../envs/vector/wrapper-registry.js';
import { DEFAULT_QUEUE_PREFIX, queueName } from '../connection.js';
import { describeRedisUrl, parseRedisUrl, redisConnectionOptions } from '../redis-url.js';
import { ModuleAllowList } from '../suite-job.js';
import { DEFAULT_JOB_LIMITS, parseRolloutJob, type RolloutJobData, type RolloutJobLimits } from './job-format.js';
import type { RolloutJobResult } from './result-format.js';
import { PolicyCache, collectShard } from './shard-collector.js';

/** Options of {@link startRolloutConsumer}. */
export interface RolloutConsumerOptions {
  /** Queue name prefix (default `flash-gym`: queue `flash-gym-rollouts`); the learner's `rollouts.queueName` must match. */
  readonly prefix?: string;
  /** Jobs run at once (default 1: a job is synchronous CPU work, so more helps only while one waits on Redis). */
  readonly concurrency?: number;
  /**
   * Module files or folders a job may ask to import (absolute paths; see `ModuleAllowList`, shared with
   * the suite worker's `--allow-module`); default none: registered env ids only.
   */
  readonly allow?: ModuleAllowList | readonly string[];
  /** BullMQ lock duration: a job whose worker stops renewing it (killed) is retried after this (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Payload size limits (defaults: {@link DEFAULT_JOB_LIMITS}). */
  readonly limits?: Partial<RolloutJobLimits>;
  /** Where to report jobs and failures (default: silent). */
  readonly log?: (line: string) => void;
}

/** A running consumer (the shape `flash-gym worker` closes its consumers by). */
export interface RolloutConsumer {
  /** One line saying what it serves. */
  readonly description: string;
  /** Resolves once connected to Redis. */
  ready(): Promise<void>;
  /** Stops taking jobs and waits for the running one, unless `force` (its job then stalls and moves on). */
  close(force?: boolean): Promise<void>;
}

/** Starts a rollout consumer on `url` (`redis://…` or `rediss://…`). */
export function startRolloutConsumer(url: string, options: RolloutConsumerOptions = {}): RolloutConsumer {
  const target = parseRedisUrl(url);
  const where = describeRedisUrl(url);
  const log = options.log ?? (() => {});
  const limits: RolloutJobLimits = { ...DEFAULT_JOB_LIMITS, ...(options.limits ?? {}) };
  const allow = options.allow instanceof ModuleAllowList ? options.allow : new ModuleAllowList(options.allow ?? []);
  const name = queueName(options.prefix ?? DEFAULT_QUEUE_PREFIX, 'rollouts');
  const policies = new PolicyCache();
  const runsSeen = new Set<string>();
  const handle = async (job: Job): Promise<RolloutJobResult> => {
    let data: RolloutJobData;
    try {
      data = parseRolloutJob(job.data, limits);
      await admit(data, allow);
    } catch (error) {
      const reason = `malformed rollout job ${String(job.id)}: ${(error as Error).message}`;
      log(reason);
      throw new UnrecoverableError(reason);
    }
    // One line per run and process (a run has a job per shard and phase: too many to log each).
    if (!runsSeen.has(data.runId)) {
      runsSeen.add(data.runId);
      if (runsSeen.size > 1000) runsSeen.clear();
      log(`rollout job ${String(job.id)} started: first of run ${data.runId} here (${data.subEnvs.length} sub-envs × ${data.nSteps} steps of ${data.env.id})`);
    }
    try {
      return collectShard(data, policies);
    } catch (error) {
      // A job is stateless: the same payload fails the same way anywhere, so do not retry it.
      const reason = `rollout job ${String(job.id)} failed: ${(error as Error).message}`;
      log(reason);
      throw new UnrecoverableError(reason);
    }
  };
  const worker = new Worker(name, handle, {
    connection: redisConnectionOptions(target),
    concurrency: options.concurrency ?? 1,
    ...(options.lockDurationMs !== undefined ? { lockDuration: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs !== undefined ? { stalledInterval: options.stalledIntervalMs } : {}),
  });
  // Connection errors are reported, never thrown: ioredis reconnects on its own.
  worker.on('error', (error) => log(`rollout consumer on ${where}: ${error.message.replaceAll(url, where)}`));
  return {
    description: `rollout jobs of queue ${name} on ${where}`,
    ready: async () => {
      await worker.waitUntilReady();
    },
    close: (force = false) => worker.close(force),
  };
}

/** Checks what a job asks the worker to load: allowed modules, a registered env id, registered wrappers. */
async function admit(job: RolloutJobData, allow: ModuleAllowList): Promise<void> {
  // Resolve every module before importing any, so a job with one forbidden module loads nothing.
  const urls = job.env.modules.map((path, i) => {
    try {
      return allow.resolve({ kind: 'path', path, exportName: 'default' });
    } catch (error) {
      throw new Error(`job.env.modules[${i}]: ${(error as Error).message}`);
    }
  });
  // Imports are cached by the module loader: a module registers its envs once per process.
  for (const url of urls) await import(url);
  try {
    spec(job.env.id);
  } catch (error) {
    throw new Error(`job.env.id: ${(error as Error).message}`);
  }
  job.env.wrappers.forEach((w, i) => assertWrapperSpec(w, `job.env.wrappers[${i}]`));
}
