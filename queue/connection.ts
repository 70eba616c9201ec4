/**
 * What every BullMQ consumer and producer of flash-gym shares: queue names, one checked connection to
 * Redis (a clear error naming the redacted URL when it cannot be reached), closing things in order, and
 * the Ctrl-C / SIGTERM handling of long-running commands (`flash-gym worker`, `flash-gym bench --queue`).
 * Workers and coordinators are Redis clients only: nothing here listens on a socket.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { describeRedisUrl, parseRedisUrl, redisConnectionOptions, type RedisTarget } from './redis-url.js';

/** The kinds of work flash-gym puts on queues: suite runs, and rollout batches of distributed training. */
export type QueueKind = 'suites' | 'rollouts';

/** The default prefix of flash-gym's queue names (`flash-gym-suites`, `flash-gym-rollouts`). */
export const DEFAULT_QUEUE_PREFIX = 'flash-gym';

/** How long a first connection may take before it is reported as unreachable (ms). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** A Redis server that could not be reached or refused us (wrong password, not Redis, ...). */
export class QueueConnectionError extends Error {
  override readonly name = 'QueueConnectionError';
}

/**
 * The BullMQ queue name of a kind of work, `<prefix>-<kind>`. BullMQ forbids ':' in queue names (it
 * separates the parts of its Redis keys), so a prefix is letters, digits, '.', '_' and '-' only.
 */
export function queueName(prefix: string, kind: QueueKind): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) {
    throw new RangeError(`queue prefix must be 1 to 64 letters, digits, '.', '_' or '-', got ${JSON.stringify(prefix)}`);
  }
  return `${prefix}-${kind}`;
}

/** A Redis server, checked reachable: its (redacted) URL and the ioredis options BullMQ connects with. */
export interface QueueConnection {
  /** The URL with its password redacted: the only form that appears in messages. */
  readonly described: string;
  readonly target: RedisTarget;
  /** Fresh ioredis options for BullMQ's `connection` (each Queue/Worker/QueueEvents opens its own client). */
  options(extra?: Partial<RedisOptions>): RedisOptions;
}

/**
 * Parses the URL and checks within `timeoutMs` that a Redis server answers PING there (with the URL's
 * password and database). Throws {@link RedisUrlError} for a bad URL, and {@link QueueConnectionError}
 * naming the redacted URL and the cause when the server cannot be reached or refuses the client.
 */
export async function connectQueue(url: string, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<QueueConnection> {
  const target = parseRedisUrl(url);
  const described = describeRedisUrl(url);
  const options = (extra: Partial<RedisOptions> = {}): RedisOptions => redisConnectionOptions(target, extra);
  await probe(options(), described, timeoutMs);
  return { described, target, options };
}

/** Connects once (retrying until the deadline), PINGs and disconnects. */
async function probe(options: RedisOptions, described: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  const client = new Redis({
    ...options,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(100, Math.min(timeoutMs, 5_000)),
    // Keep trying (a server that is still starting) until the deadline, then give up.
    retryStrategy: () => (Date.now() + 200 < deadline ? 200 : null),
  });
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  try {
    await withDeadline(
      (async () => {
        await client.connect();
        const answer = await client.ping();
        if (answer !== 'PONG') throw new Error(`answered PING with ${JSON.stringify(answer)}`);
      })(),
      timeoutMs,
    );
  } catch (error) {
    const cause = error instanceof Error && !/deadline|Connection is closed/.test(error.message) ? error.message : lastError;
    throw new QueueConnectionError(`cannot use Redis at ${described}: ${cause.split('\n')[0]} (tried for ${(timeoutMs / 1000).toFixed(1)} s)`);
  } finally {
    client.disconnect();
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('deadline')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Something that can be closed (a BullMQ Queue, Worker, QueueEvents, an executor). */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Closes each in turn (consumers before the connections they use), going on past errors, and throws the
 * first error once all were tried.
 */
export async function closeAll(items: ReadonlyArray<Closable | undefined>): Promise<void> {
  let first: unknown;
  for (const item of items) {
    if (item === undefined) continue;
    try {
      await item.close();
    } catch (error) {
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
}

/**
 * Handles Ctrl-C and SIGTERM for a long-running command: the first signal calls `graceful` (finish what is
 * running, take nothing new), a second one calls `force` (stop now; BullMQ hands the unfinished jobs to
 * another worker after stall detection). Returns a function that removes the handlers.
 */
export function onShutdownSignals(graceful: (signal: NodeJS.Signals) => void, force: (signal: NodeJS.Signals) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received === 1) graceful(signal);
    else force(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
