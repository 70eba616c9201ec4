import { Command, Option } from 'commander';
import { defaultWorkers } from '../../benchmarks/runner/choose-executor.js';
import { closeAll, connectQueue, DEFAULT_QUEUE_PREFIX, onShutdownSignals, type QueueConnection } from '../../queue/connection.js';
import { RedisUrlError } from '../../queue/redis-url.js';
import { DEFAULT_STALL, startSuiteConsumer, type Consumer } from '../../queue/suite-consumer.js';
import { startRolloutConsumer } from '../../queue/rollouts/consumer.js';
import { ModuleAllowList } from '../../queue/suite-job.js';
import { CliError } from '../lib/cli-error.js';
import { positiveInt } from '../lib/parse-flags.js';

/** The flags of `flash-gym worker`, as commander parses them. */
export interface WorkerFlags {
  queue: string;
  concurrency: number;
  allowModule: string[];
  prefix: string;
  isolation?: 'threads' | 'processes';
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
  connectTimeout: number;
}

/** Parses the Redis URL and checks the server answers; a bad URL is a usage error (exit 2). */
export async function connectOrExplain(url: string, timeoutSeconds: number): Promise<QueueConnection> {
  try {
    return await connectQueue(url, timeoutSeconds * 1000);
  } catch (error) {
    if (error instanceof RedisUrlError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * `flash-gym worker`: serves the queues of one Redis (suite runs; distributed training adds its own
 * consumer here) until Ctrl-C or SIGTERM. The worker is a Redis client only: it listens on nothing.
 */
export function workerCommand(): Command {
  return new Command('worker')
    .description('take benchmark runs from a BullMQ queue on Redis and run them on this machine\'s pool, until Ctrl-C')
    .requiredOption('--queue <url>', 'Redis URL: redis://[:password@]host[:port][/db], or rediss://… for TLS')
    .option('--concurrency <n>', 'runs at once on this machine (default: one per core)', positiveInt, defaultWorkers())
    .option('--allow-module <paths...>', 'run units from these module files or folders too (default: built-in suite units only)', [])
    .option('--prefix <name>', 'queue name prefix (the coordinator must use the same)', DEFAULT_QUEUE_PREFIX)
    .addOption(new Option('--isolation <how>', 'force worker threads or child processes (default: by each run\'s backend)').choices(['threads', 'processes']))
    .option('--lock-duration <ms>', 'job lock; a dead worker\'s run moves on after about this long', positiveInt, DEFAULT_STALL.lockDurationMs)
    .option('--stalled-interval <ms>', 'how often to look for runs of dead workers', positiveInt, DEFAULT_STALL.stalledIntervalMs)
    .option('--max-stalled <n>', 'a run whose worker died more often than this fails', positiveInt, DEFAULT_STALL.maxStalledCount)
    .option('--connect-timeout <s>', 'give up when Redis does not answer within this long at start', positiveInt, 10)
    .action(async (flags: WorkerFlags) => {
      const connection = await connectOrExplain(flags.queue, flags.connectTimeout);
      let allow: ModuleAllowList;
      try {
        allow = new ModuleAllowList(flags.allowModule);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const consumers: Consumer[] = [];
      consumers.push(
        startSuiteConsumer({
          connection,
          prefix: flags.prefix,
          concurrency: flags.concurrency,
          allow,
          isolation: flags.isolation,
          stall: { lockDurationMs: flags.lockDuration, stalledIntervalMs: flags.stalledInterval, maxStalledCount: flags.maxStalled },
        }),
      );
      // Distributed PPO rollouts (PPO's `rollouts` option) share the worker, its allow-list and stall settings.
      consumers.push(startRolloutConsumer(flags.queue, { prefix: flags.prefix, allow, lockDurationMs: flags.lockDuration, stalledIntervalMs: flags.stalledInterval, log: (line) => process.stderr.write(`${line}\n`) }));
      for (const consumer of consumers) process.stderr.write(`flash-gym worker: serving ${consumer.description}\n`);
      if (allow.entries().length > 0) process.stderr.write(`flash-gym worker: also allows units from ${allow.entries().join(', ')}\n`);
      process.stderr.write('flash-gym worker: Ctrl-C finishes the runs in progress and stops; a second Ctrl-C stops at once\n');
      await waitForShutdown(consumers);
    });
}

/** Resolves once the consumers are closed after Ctrl-C / SIGTERM (a second signal closes them at once). */
function waitForShutdown(consumers: readonly Consumer[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const close = (force: boolean): void => {
      closeAll(consumers.map((c) => ({ close: () => c.close(force) }))).then(
        () => {
          remove();
          resolve();
        },
        (error: unknown) => {
          remove();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
    const remove = onShutdownSignals(
      (signal) => {
        process.stderr.write(`flash-gym worker: ${signal}: finishing the runs in progress\n`);
        close(false);
      },
      (signal) => {
        process.stderr.write(`flash-gym worker: ${signal} again: stopping now (unfinished runs go to other workers)\n`);
        close(true);
      },
    );
  });
}
