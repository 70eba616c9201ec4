import { isolationFor, type Isolation } from '../benchmarks/runner/choose-executor.js';
import { ProcessExecutor, ThreadExecutor, type Executor } from '../benchmarks/runner/executors.js';
import type { RunOutput } from '../benchmarks/runner/types.js';
import type { UnitTask } from '../benchmarks/runner/unit-call.js';

/** One lane of a {@link LanePool}, held for a job's runs. */
export interface LaneLease {
  run(task: UnitTask): Promise<RunOutput>;
  release(): void;
}

/**
 * A worker's local pool: `size` lanes of worker threads (or child processes, for the tfjs-node backends,
 * decided per job by its backend as the local runner does), built on first use. Each job takes a free
 * lane for the length of its runs; the queue's concurrency is the pool's size, so one is always free.
 */
export class LanePool {
  private readonly executors = new Map<Isolation, { executor: Executor; free: number[] }>();

  constructor(
    readonly size: number,
    private readonly forced?: Isolation,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`concurrency must be a positive integer, got ${String(size)}`);
  }

  /**
   * Takes a free lane of the executor a backend needs, for one or more runs in turn (an affinity group
   * stays on one thread, so per-thread caches are reused); `release` gives it back.
   */
  acquire(backend: string): LaneLease {
    const decided = isolationFor(backend);
    const isolation = this.forced ?? decided.isolation;
    let entry = this.executors.get(isolation);
    if (entry === undefined) {
      const executor = isolation === 'processes' ? new ProcessExecutor(this.size, this.forced !== undefined ? 'asked for' : decided.why) : new ThreadExecutor(this.size);
      entry = { executor, free: Array.from({ length: this.size }, (_, i) => this.size - 1 - i) };
      this.executors.set(isolation, entry);
    }
    const { executor, free } = entry;
    const lane = free.pop();
    if (lane === undefined) throw new Error(`all ${this.size} lanes are busy: more jobs in flight than the worker's concurrency`);
    let released = false;
    return {
      run: (task) => executor.run(task, lane),
      release: () => {
        if (!released) free.push(lane);
        released = true;
      },
    };
  }

  /** Stops every thread and child process. */
  async close(): Promise<void> {
    await Promise.all([...this.executors.values()].map((e) => e.executor.close()));
    this.executors.clear();
  }
}
