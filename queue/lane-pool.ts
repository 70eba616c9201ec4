import { isolationFor, type Isolation } from '../benchmarks/runner/choose-executor.js';
import { ProcessExecutor, ThreadExecutor, type Executor } from '../benchmarks/runner/executors.js';
import type { RunOutput } from '../benchmarks/runner/types.js';
import type { UnitTask } from '../benchmarks/runner/unit-call.js';

/**
 * A worker's local pool: `size` lanes of worker threads (or child processes, for the tfjs-node backends,
 * decided per job by its backend as the local runner does), built on first use. Each job takes a free
 * lane for the length of its run; the queue's concurrency is the pool's size, so one is always free.
 */
export class LanePool {
  private readonly executors = new Map<Isolation, { executor: Executor; free: number[] }>();

  constructor(
    readonly size: number,
    private readonly forced?: Isolation,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`concurrency must be a positive integer, got ${String(size)}`);
  }

  /** Runs one run on a free lane of the executor its backend needs. */
  async run(task: UnitTask, backend: string): Promise<RunOutput> {
    const decided = isolationFor(backend);
    const isolation = this.forced ?? decided.isolation;
    let entry = this.executors.get(isolation);
    if (entry === undefined) {
      const executor = isolation === 'processes' ? new ProcessExecutor(this.size, this.forced !== undefined ? 'asked for' : decided.why) : new ThreadExecutor(this.size);
      entry = { executor, free: Array.from({ length: this.size }, (_, i) => this.size - 1 - i) };
      this.executors.set(isolation, entry);
    }
    const lane = entry.free.pop();
    if (lane === undefined) throw new Error(`all ${this.size} lanes are busy: more jobs in flight than the worker's concurrency`);
    try {
      return await entry.executor.run(task, lane);
    } finally {
      entry.free.push(lane);
    }
  }

  /** Stops every thread and child process. */
  async close(): Promise<void> {
    await Promise.all([...this.executors.values()].map((e) => e.executor.close()));
    this.executors.clear();
  }
}
