import { runSuite, type RunSuiteOptions, type SuiteOutcome } from '../benchmarks/runner/run-suite.js';
import type { SuiteDefinition } from '../benchmarks/runner/types.js';
import { QueueExecutor, type QueueExecutorOptions } from './queue-executor.js';

/**
 * Runs a suite on the queue: the suite runner as for a local run (same results.jsonl, suite.json, progress
 * bar and resume), with every pending run enqueued at once as a BullMQ job and run by whichever
 * `flash-gym worker` is free. The suite's affinity is dropped: it only keeps per-process caches warm on a
 * local pool, results do not depend on it, and keeping it would serialize each group on one job at a time.
 */
export async function runSuiteOnQueue(suite: SuiteDefinition, options: Omit<RunSuiteOptions, 'executor' | 'workers' | 'isolation'> & QueueExecutorOptions): Promise<SuiteOutcome> {
  const spread: SuiteDefinition = { name: suite.name, config: suite.config, runs: suite.runs, unit: suite.unit, backend: suite.backend, ...(suite.headline ? { headline: suite.headline.bind(suite) } : {}) };
  const executor = await QueueExecutor.open(spread, options);
  try {
    return await runSuite(spread, { ...options, executor });
  } finally {
    await executor.close();
  }
}
