import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { ProcessExecutor, ThreadExecutor, type Executor } from './executors.js';

/** How runs are isolated: worker threads (default) or child processes. */
export type Isolation = 'threads' | 'processes';

const NATIVE_BACKENDS = ['node', 'node-gpu'];
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** Whether a package can be resolved from here (without loading it). */
function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides how runs are isolated for a backend. tfjs-node and tfjs-node-gpu cannot be loaded in several
 * worker threads of one process (tfjs issues 2079 and 8388), so they get child processes; `auto` (or
 * `FLASH_GYM_BACKEND` unset) counts as native when one of those packages is installed, since `auto` then
 * picks it. Returns the isolation and the reason, which the runner prints.
 */
export function isolationFor(backend: string): { isolation: Isolation; why: string } {
  const effective = backend === 'auto' ? (process.env.FLASH_GYM_BACKEND || 'auto') : backend;
  if (NATIVE_BACKENDS.includes(effective)) {
    return { isolation: 'processes', why: `backend ${effective}: tfjs-node loads once per process, not in several worker threads` };
  }
  if (effective === 'auto') {
    const native = NATIVE_PACKAGES.find(installed);
    if (native !== undefined) return { isolation: 'processes', why: `backend auto picks ${native}, which loads once per process, not in several worker threads` };
  }
  return { isolation: 'threads', why: `backend ${effective}` };
}

/** The default number of workers: one per core. */
export function defaultWorkers(): number {
  return Math.max(1, cpus().length);
}

/** Builds the executor for a suite: threads or processes (see {@link isolationFor}) unless `isolation` is forced. */
export function chooseExecutor(backend: string, workers: number, isolation?: Isolation): Executor {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(workers)}`);
  const decided = isolationFor(backend);
  const use = isolation ?? decided.isolation;
  if (use === 'processes') return new ProcessExecutor(workers, isolation === undefined ? decided.why : 'asked for');
  return new ThreadExecutor(workers);
}
