/**
 * The coordinator side of distributed suites: an {@link Executor} for the suite runner whose "lanes" are
 * BullMQ jobs. Each run becomes a job with a deterministic id, so adding it again (a second coordinator, a
 * restarted one) finds the job that is there instead of making another; the result comes back as the
 * job's return value. Completion is learnt from QueueEvents and, in case events were missed (Redis went
 * away, the coordinator was restarted), from a periodic sweep that also re-adds jobs Redis lost.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { RedisClient } from 'bullmq';
import type { Executor } from '../benchmarks/runner/executors.js';
import { SuiteInterrupted } from '../benchmarks/runner/run-suite.js';
import type { RunOutput, RunSpec, RunUnit, SuiteDefinition } from '../benchmarks/runner/types.js';
import { RemoteRunError, type UnitTask } from '../benchmarks/runner/unit-call.js';
import { DEFAULT_QUEUE_PREFIX, queueName, type QueueConnection } from './connection.js';
import { jobUnitOf, SUITE_JOB_VERSION, suiteHash, suiteJobId, type JobRunResult, type SuiteJobData, type SuiteJobResult } from './suite-job.js';

/** Options of {@link QueueExecutor}. */
export interface QueueExecutorOptions {
  readonly connection: QueueConnection;
  /** Queue name prefix (default `flash-gym`); workers must use the same. */
  readonly prefix?: string;
  /** How long Redis may stay unreachable mid-suite before the coordinator gives up (ms, default 60 s). */
  readonly reconnectTimeoutMs?: number;
  /**
   * How often every job still waited for is looked up besides the events (ms, default 30 s; also right after
   * a reconnect). Each sweep costs one Redis call per job waited for, so it stays a slow safety net.
   */
  readonly sweepIntervalMs?: number;
  /** Attempts of a job whose worker hit an error other than its run's own (default 3). */
  readonly attempts?: number;
  /** How long finished jobs stay in Redis for restarted coordinators to collect (s, default 7 days). */
  readonly keepSeconds?: number;
  /** Re-run jobs found failed (the suite runner's --retry-failed). */
  readonly retryFailed?: boolean;
}

interface RunWaiter {
  resolve(output: RunOutput): void;
  reject(error: Error): void;
}

/** A job waited for: one waiter per run, in the job's order. */
interface Waiter {
  readonly runs: RunWaiter[];
  /** Whether the job is known to be in Redis (only then does a sweep that misses it re-add it). */
  added: boolean;
  readonly data: SuiteJobData;
}

/** Runs a suite's runs as BullMQ jobs; see the module comment. Build it with {@link QueueExecutor.open}. */
export class QueueExecutor implements Executor {
  readonly description: string;
  readonly size: number;
  private readonly waiters = new Map<string, Waiter>();
  /** Results of runs sent ahead in a group job, by run key, until the runner asks for them. */
  private readonly grouped = new Map<string, Promise<RunOutput>>();
  private readonly hash: string;
  private readonly reconnectTimeoutMs: number;
  private downSince: number | undefined;
  private interrupted: SuiteInterrupted | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private sweeping = false;

  private constructor(
    private readonly suite: SuiteDefinition,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly client: RedisClient,
    private readonly options: QueueExecutorOptions,
  ) {
    this.size = Math.max(1, suite.runs.length);
    this.hash = suiteHash(suite);
    this.reconnectTimeoutMs = options.reconnectTimeoutMs ?? 60_000;
    this.description = `BullMQ queue ${queue.name} at ${options.connection.described} (flash-gym worker --queue … serves it)`;
    events.on('completed', ({ jobId }) => void this.check(jobId));
    events.on('failed', ({ jobId }) => void this.check(jobId));
    // Connection trouble is reported once, by the watch below; ioredis keeps reconnecting meanwhile.
    events.on('error', () => undefined);
    queue.on('error', () => undefined);
    client.on('close', () => (this.downSince ??= Date.now()));
    client.on('ready', () => {
      if (this.downSince === undefined) return;
      this.downSince = undefined;
      void this.sweep();
    });
    this.timers.push(setInterval(() => this.watch(), 250));
    this.timers.push(setInterval(() => void this.sweep(), options.sweepIntervalMs ?? 30_000));
  }

  /** Opens the suite's queue and its event stream. */
  static async open(suite: SuiteDefinition, options: QueueExecutorOptions): Promise<QueueExecutor> {
    const name = queueName(options.prefix ?? DEFAULT_QUEUE_PREFIX, 'suites');
    const queue = new Queue(name, { connection: options.connection.options() });
    const events = new QueueEvents(name, { connection: options.connection.options() });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const client = await queue.client;
    return new QueueExecutor(suite, queue, events, client, options);
  }

  /** The job id of a run, or of a group of runs sent as one job. */
  jobId(runKeys: readonly string[]): string {
    return suiteJobId(this.suite.name, this.hash, runKeys);
  }

  /**
   * The runner is about to run these runs one after another (an affinity group): they go as one job, which
   * a worker runs in turn on one lane, so the group's per-process state (a pretrained model) is built once.
   */
  prepareGroup(runs: readonly RunSpec[], unit: RunUnit): void {
    if (runs.length < 2 || this.interrupted !== undefined) return;
    const promises = this.submit(runs, unit);
    runs.forEach((run, i) => {
      // Handled here so that a group that fails before the runner asks for all its runs is no unhandled rejection.
      promises[i].catch(() => undefined);
      this.grouped.set(run.key, promises[i]);
    });
  }

  /** Resolves with the run's result: from its group's job, or from a job of its own, enqueued now (or found). */
  run(task: UnitTask): Promise<RunOutput> {
    if (this.interrupted !== undefined) return Promise.reject(this.interrupted);
    const ahead = this.grouped.get(task.run.key);
    if (ahead !== undefined) {
      this.grouped.delete(task.run.key);
      return ahead;
    }
    return this.submit([task.run], task.unit)[0];
  }

  /** Enqueues a job for the runs (or finds the one there) and returns a promise per run. */
  private submit(runs: readonly RunSpec[], unit: RunUnit): Array<Promise<RunOutput>> {
    const id = this.jobId(runs.map((r) => r.key));
    const data: SuiteJobData = { version: SUITE_JOB_VERSION, suite: this.suite.name, backend: this.suite.backend, unit: jobUnitOf(unit), runs: [...runs] };
    const waiter: Waiter = { runs: [], added: false, data };
    const promises = runs.map(() => new Promise<RunOutput>((resolve, reject) => waiter.runs.push({ resolve, reject })));
    this.waiters.set(id, waiter);
    void (async () => {
      try {
        await this.add(id, data);
        waiter.added = true;
        // A job that was already there may have finished (while a previous coordinator was away).
        await this.check(id, this.options.retryFailed === true);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.settle(id, (w) => w.reject(failure));
      }
    })();
    return promises;
  }

  /** Number of jobs of this suite waited for. */
  get outstanding(): number {
    return this.waiters.size;
  }

  /** Stops listening and closes the queue's connections (within a bound, even when Redis is gone). */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    const closing = Promise.all([this.events.close(), this.queue.close()]).then(() => undefined);
    const bound = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 2_000).unref());
    if ((await Promise.race([closing, bound])) === 'timeout') {
      this.client.disconnect();
      void closing.catch(() => undefined);
    }
  }

  private async add(id: string, data: SuiteJobData): Promise<void> {
    const keep = { age: this.options.keepSeconds ?? 7 * 24 * 3600 };
    await this.queue.add(this.suite.name, data, {
      jobId: id,
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: keep,
      removeOnFail: keep,
    });
  }

  /** Looks the job up; settles its waiter if it finished; re-adds it if Redis lost it. */
  private async check(id: string, retryIfFailed = false): Promise<void> {
    const waiter = this.waiters.get(id);
    if (waiter === undefined || this.interrupted !== undefined) return;
    let job: Job | undefined;
    let state: string;
    try {
      // The state first: a job read before it completes would have no return value yet.
      state = await this.queue.getJobState(id);
      if (state === 'unknown') {
        if (waiter.added) await this.add(id, waiter.data);
        return;
      }
      if (state !== 'completed' && state !== 'failed') return;
      job = await this.queue.getJob(id);
      if (job === undefined) return; // removed in between: the next sweep re-adds it
      if (state === 'failed' && retryIfFailed) {
        await job.retry('failed');
        return;
      }
      if (state === 'completed' && retryIfFailed && hasFailedRun(job.returnvalue)) {
        // Finished with failed runs, and asked to run failures again: a fresh job under the same id.
        await job.remove();
        await this.add(id, waiter.data);
        return;
      }
    } catch {
      return; // Redis trouble: the watch decides when to give up; the next sweep looks again.
    }
    const finished = job;
    if (state === 'failed') {
      this.settle(id, (w) => w.reject(new RemoteRunError(finished.failedReason || 'failed without a reason')));
      return;
    }
    const value = parseResult(finished.returnvalue, waiter.runs.length);
    if (typeof value === 'string') {
      this.settle(id, (w) => w.reject(new Error(`job ${id}: ${value}`)));
      return;
    }
    this.settleEach(id, value.results);
  }

  /** Settles each run of a finished job with its own result. */
  private settleEach(id: string, results: readonly JobRunResult[]): void {
    const waiter = this.waiters.get(id);
    if (waiter === undefined) return;
    this.waiters.delete(id);
    results.forEach((result, i) => {
      if (result.ok) waiter.runs[i].resolve({ metrics: result.metrics, timing: { ...result.timing }, wallSeconds: result.wallSeconds });
      else waiter.runs[i].reject(new RemoteRunError(result.error));
    });
  }

  /** Settles every run of a job the same way (the job failed, Redis is gone). */
  private settle(id: string, how: (run: RunWaiter) => void): void {
    const waiter = this.waiters.get(id);
    if (waiter === undefined) return;
    this.waiters.delete(id);
    waiter.runs.forEach(how);
  }

  /** Looks up every job still waited for (events may have been missed). */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.downSince !== undefined) return;
    this.sweeping = true;
    try {
      const ids = [...this.waiters.entries()].filter(([, w]) => w.added).map(([id]) => id);
      for (let i = 0; i < ids.length; i += 64) await Promise.all(ids.slice(i, i + 64).map((id) => this.check(id)));
    } finally {
      this.sweeping = false;
    }
  }

  /** Gives up when Redis has been unreachable for longer than the bound: every waiter gets the same error. */
  private watch(): void {
    if (this.downSince === undefined || this.interrupted !== undefined) return;
    const seconds = (Date.now() - this.downSince) / 1000;
    if (seconds * 1000 < this.reconnectTimeoutMs) return;
    this.interrupted = new SuiteInterrupted(
      `lost Redis at ${this.options.connection.described} for ${seconds.toFixed(1)} s (more than the ${this.reconnectTimeoutMs / 1000} s allowed); finished runs are on disk, run the same command again to resume`,
    );
    for (const id of [...this.waiters.keys()]) this.settle(id, (w) => w.reject(this.interrupted as SuiteInterrupted));
  }
}

/** A job's return value as a result per run, or what is wrong with it. */
function parseResult(value: unknown, runs: number): SuiteJobResult | string {
  const obj = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (obj === null || typeof obj !== 'object') return `return value is not an object: ${JSON.stringify(value)}`;
  const r = obj as Partial<SuiteJobResult>;
  if (!Array.isArray(r.results) || r.results.length !== runs) return `return value must hold ${runs} run results`;
  for (const result of r.results as unknown[]) {
    const one = result as Partial<Record<'ok' | 'metrics' | 'error' | 'wallSeconds', unknown>>;
    if (typeof one !== 'object' || one === null || typeof one.wallSeconds !== 'number') return 'a run result has no wallSeconds';
    if (one.ok === true ? typeof one.metrics !== 'object' || one.metrics === null : one.ok !== false || typeof one.error !== 'string') return 'a run result is neither { ok: true, metrics } nor { ok: false, error }';
  }
  return { results: r.results, worker: r.worker ?? '?' };
}

/** Whether a completed job's return value holds a failed run. */
function hasFailedRun(value: unknown): boolean {
  const parsed = parseResult(value, Array.isArray((value as Partial<SuiteJobResult> | null)?.results) ? (value as SuiteJobResult).results.length : -1);
  return typeof parsed !== 'string' && parsed.results.some((r) => !r.ok);
}
