/**
 * The learner side of distributed rollouts: adds one rollout phase's jobs to the queue under deterministic
 * ids and waits for their results. BullMQ retries a job whose worker died (stall detection) on another
 * worker; since a job is stateless, the retry returns the same result.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { describeRedisUrl, parseRedisUrl, redisConnectionOptions } from '../redis-url.js';
import type { RolloutJobData } from './job-format.js';
import { DEFAULT_ROLLOUT_QUEUE, rolloutJobId } from './names.js';

/** Options of {@link RolloutClient.open}. */
export interface RolloutClientOptions {
  readonly queueName?: string;
  /** How long to wait for a phase's jobs before failing (default 10 minutes). */
  readonly jobTimeoutMs?: number;
  /** Attempts per job when a worker fails it with a recoverable error (default 3). */
  readonly attempts?: number;
}

/** A connection to the rollout queue. */
export class RolloutClient {
  private constructor(
    private readonly url: string,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly jobTimeoutMs: number,
    private readonly attempts: number,
  ) {}

  /** Connects to the queue; the error names the (redacted) URL when Redis cannot be reached. */
  static async open(url: string, options: RolloutClientOptions = {}): Promise<RolloutClient> {
    const connection = redisConnectionOptions(parseRedisUrl(url));
    const name = options.queueName ?? DEFAULT_ROLLOUT_QUEUE;
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    const where = describeRedisUrl(url);
    // Errors are reported through waitUntilReady; keep the emitters from throwing unhandled.
    queue.on('error', () => {});
    events.on('error', () => {});
    try {
      await withTimeout(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), 10_000, `cannot reach Redis at ${where} within 10 s`);
    } catch (error) {
      await Promise.allSettled([queue.close(), events.close()]);
      throw new Error(`distributed rollouts: ${(error as Error).message.replaceAll(url, where)}`);
    }
    return new RolloutClient(url, queue, events, options.jobTimeoutMs ?? 600_000, options.attempts ?? 3);
  }

  /** Runs one phase's jobs and resolves to their results, in the jobs' order (then deletes the jobs). */
  async run(jobs: readonly RolloutJobData[]): Promise<unknown[]> {
    const where = describeRedisUrl(this.url);
    const added = await Promise.all(
      jobs.map((data) => this.queue.add('rollout', data, { jobId: rolloutJobId(data.runId, data.update, data.shard), attempts: this.attempts, backoff: { type: 'fixed', delay: 100 } })),
    );
    try {
      await Promise.all(
        added.map(async (job) => {
          try {
            await job.waitUntilFinished(this.events, this.jobTimeoutMs);
          } catch (error) {
            const message = (error as Error).message;
            if (/timed out/.test(message)) throw new Error(`distributed rollouts: job ${String(job.id)} did not finish within ${this.jobTimeoutMs} ms; is a rollout worker running on ${where}?`);
            throw new Error(`distributed rollouts: job ${String(job.id)} failed: ${message}`);
          }
        }),
      );
      // Read the stored return values (the event's copy may be a JSON string, the job's is parsed).
      return await Promise.all(
        added.map(async (job) => {
          const done = await Job.fromId(this.queue, job.id as string);
          if (done === undefined) throw new Error(`distributed rollouts: job ${String(job.id)} vanished from ${where} before its result was read`);
          return done.returnvalue as unknown;
        }),
      );
    } finally {
      await Promise.allSettled(added.map((job) => this.queue.remove(job.id as string)));
    }
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
