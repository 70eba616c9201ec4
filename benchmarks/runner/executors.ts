import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RunOutput } from './types.js';
import type { UnitTask } from './unit-call.js';

/** Runs units somewhere else than the main thread, `size` at a time. */
export interface Executor {
  /** How the runs are spread, for the suite's first line (e.g. `2 worker threads (piscina)`). */
  readonly description: string;
  readonly size: number;
  run(task: UnitTask): Promise<RunOutput>;
  close(): Promise<void>;
}

const THREAD_ENTRY = new URL('./thread-entry.js', import.meta.url);
const CHILD_ENTRY = new URL('./child-entry.js', import.meta.url);

/** A piscina pool: one worker thread per run in flight, each run a task. */
export class ThreadExecutor implements Executor {
  readonly description: string;
  private readonly pool: Piscina<UnitTask, RunOutput>;

  constructor(readonly size: number) {
    this.pool = new Piscina({ filename: THREAD_ENTRY.href, minThreads: size, maxThreads: size, concurrentTasksPerWorker: 1, idleTimeout: Infinity });
    this.description = `${size} worker thread${size === 1 ? '' : 's'} (piscina)`;
  }

  run(task: UnitTask): Promise<RunOutput> {
    return this.pool.run(task);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

interface Pending {
  readonly resolve: (output: RunOutput) => void;
  readonly reject: (error: Error) => void;
}

interface ChildReply {
  readonly id: number;
  readonly ok: boolean;
  readonly output?: RunOutput;
  readonly error?: string;
}

/**
 * Long-lived child processes, one run at a time each. Used when the backend is tfjs-node or
 * tfjs-node-gpu: their native addon cannot be loaded in more than one worker thread of a process ("Module did
 * not self-register", tfjs issues 2079 and 8388), but loads fine once per process. A child that dies fails
 * its run and is replaced.
 */
export class ProcessExecutor implements Executor {
  readonly description: string;
  private readonly idle: ChildProcess[] = [];
  private readonly waiting: Array<(child: ChildProcess) => void> = [];
  private readonly pending = new Map<number, Pending & { child: ChildProcess }>();
  private nextId = 0;
  private closed = false;

  constructor(
    readonly size: number,
    why: string,
  ) {
    this.description = `${size} child process${size === 1 ? '' : 'es'} (${why})`;
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  async run(task: UnitTask): Promise<RunOutput> {
    const child = await this.acquire();
    const id = this.nextId++;
    try {
      return await new Promise<RunOutput>((resolve, reject) => {
        this.pending.set(id, { resolve, reject, child });
        child.send({ id, task });
      });
    } finally {
      this.release(child);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const children = new Set([...this.idle, ...[...this.pending.values()].map((p) => p.child)]);
    await Promise.all([...children].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
    })));
  }

  private spawn(): ChildProcess {
    const child = fork(fileURLToPath(CHILD_ENTRY), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (reply: ChildReply) => {
      const entry = this.pending.get(reply.id);
      if (entry === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok && reply.output !== undefined) entry.resolve(reply.output);
      else entry.reject(new Error(reply.error ?? 'child process returned no output'));
    });
    child.on('exit', (code, signal) => {
      for (const [id, entry] of this.pending) {
        if (entry.child !== child) continue;
        this.pending.delete(id);
        entry.reject(new Error(`child process exited (${signal ?? `code ${code}`}) during the run`));
      }
      const at = this.idle.indexOf(child);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return child;
  }

  private acquire(): Promise<ChildProcess> {
    const child = this.idle.pop();
    if (child !== undefined) return Promise.resolve(child);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(child: ChildProcess): void {
    if (this.closed) return;
    // A child that died is replaced, so the pool keeps its size.
    const usable = child.exitCode === null && child.signalCode === null && child.connected ? child : this.spawn();
    const next = this.waiting.shift();
    if (next !== undefined) next(usable);
    else this.idle.push(usable);
  }
}
