import { runSuite, type RunSuiteOptions, type SuiteOutcome } from '../benchmarks/runner/run-suite.js';
import type { SuiteDefinition } from '../benchmarks/runner/types.js';
import { QueueExecutor, type QueueExecutorOptions } from './queue-executor.js';

/**
 * Runs a suite on the queue: the suite runner as for a local run (same results.jsonl, suite.json, progress
 * bar and resume), with every pending run enqueued at once as a BullMQ job and run by whichever
 * `flash-gym worker` is free. Runs that share an affinity key (the adaptation suite's runs of one pretrained
 * model) go as one job, run in turn by one worker thread, as they would on one lane of the local pool.
 */
export async function runSuiteOnQueue(suite: SuiteDefinition, options: Omit<RunSuiteOptions, 'executor' | 'workers' | 'isolation'> & QueueExecutorOptions): Promise<SuiteOutcome> {
  const executor = await QueueExecutor.open(suite, options);
  try {
    return await runSuite(suite, { ...options, executor });
  } finally {
    await executor.close();
  }
}
