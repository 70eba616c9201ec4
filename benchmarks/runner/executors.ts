import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RunOutput, RunSpec, RunUnit } from './types.js';
import { RemoteRunError, type UnitReply, type UnitTask } from './unit-call.js';

/**
 * Runs units off the main thread on `size` lanes (a worker thread or a child process each), one run per
 * lane at a time. The runner picks the lane, so that runs sharing expensive per-process state (a pretrained
 * model cached by the unit's module) go to the same lane.
 */
export interface Executor {
  /** How the runs are spread, for the suite's first line (e.g. `2 worker threads (piscina)`). */
  readonly description: string;
  readonly size: number;
  run(task: UnitTask, lane: number): Promise<RunOutput>;
  /**
   * Told, before the first of them is run, the runs one lane is about to run in turn (a group of runs with
   * one affinity key). The queue executor sends such a group as one job, so that a single worker thread runs
   * it and builds the group's per-process state once; the local executors need no notice.
   */
  prepareGroup?(runs: readonly RunSpec[], unit: RunUnit): void;
  close(): Promise<void>;
}

const THREAD_ENTRY = new URL('./thread-entry.js', import.meta.url);
const CHILD_ENTRY = new URL('./child-entry.js', import.meta.url);

function checkLane(lane: number, size: number): void {
  if (!Number.isInteger(lane) || lane < 0 || lane >= size) throw new RangeError(`lane must be an integer in [0, ${size}), got ${lane}`);
}

/** Worker threads from piscina: one single-thread pool per lane, so a lane is always the same thread. */
export class ThreadExecutor implements Executor {
  readonly description: string;
  private readonly pools: Array<Piscina<UnitTask, UnitReply>>;

  constructor(readonly size: number) {
    this.pools = Array.from({ length: size }, () => new Piscina({ filename: THREAD_ENTRY.href, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1, idleTimeout: Infinity }));
    this.description = `${size} worker thread${size === 1 ? '' : 's'} (piscina)`;
  }

  async run(task: UnitTask, lane: number): Promise<RunOutput> {
    checkLane(lane, this.size);
    const reply = await this.pools[lane].run(task);
    if (!reply.ok) throw new RemoteRunError(reply.error);
    return reply.output;
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.destroy()));
  }
}

type ChildReply = UnitReply & { readonly id: number };

/**
 * Long-lived child processes, one per lane. Used when the backend is tfjs-node or tfjs-node-gpu: their
 * native addon cannot be loaded in more than one worker thread of a process ("Module did not
 * self-register", tfjs issues 2079 and 8388), but loads fine once per process. A child that dies fails its
 * run and is replaced by a fresh one.
 */
export class ProcessExecutor implements Executor {
  readonly description: string;
  private readonly children: ChildProcess[];
  private readonly pending = new Map<number, { resolve: (output: RunOutput) => void; reject: (error: Error) => void; lane: number }>();
  private nextId = 0;

  constructor(
    readonly size: number,
    why: string,
  ) {
    this.description = `${size} child process${size === 1 ? '' : 'es'} (${why})`;
    this.children = Array.from({ length: size }, (_, lane) => this.spawn(lane));
  }

  run(task: UnitTask, lane: number): Promise<RunOutput> {
    checkLane(lane, this.size);
    let child = this.children[lane];
    if (child.exitCode !== null || child.signalCode !== null || !child.connected) child = this.children[lane] = this.spawn(lane);
    const id = this.nextId++;
    return new Promise<RunOutput>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, lane });
      child.send({ id, task });
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.disconnect();
          }),
      ),
    );
  }

  private spawn(lane: number): ChildProcess {
    const child = fork(fileURLToPath(CHILD_ENTRY), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (reply: ChildReply) => {
      const entry = this.pending.get(reply.id);
      if (entry === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) entry.resolve(reply.output);
      else entry.reject(new RemoteRunError(reply.error));
    });
    child.on('exit', (code, signal) => {
      for (const [id, entry] of this.pending) {
        if (entry.lane !== lane) continue;
        this.pending.delete(id);
        entry.reject(new Error(`child process exited (${signal ?? `code ${code}`}) during the run`));
      }
    });
    return child;
  }
}
