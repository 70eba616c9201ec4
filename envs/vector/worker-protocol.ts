import type { MessagePort } from 'node:worker_threads';
import type { AutoresetMode, BatchArray } from './vector-env.js';
import type { EnvRecipe } from './env-recipe.js';
import type { ShardResetRequest } from './shard-runner.js';
import type { SubEnvErrorData } from './sub-env-error.js';
import type { InfoRecord } from './vector-info.js';

/*
 * How the main thread and a worker talk. Each worker has a slot of SLOT_INTS int32s in one shared control
 * array (16 ints = 64 bytes, a cache line, so workers do not false-share). The main thread writes the
 * command, then bumps CMD_SEQ and notifies; the worker runs it and stores CMD_SEQ's value into DONE_SEQ and
 * notifies. Batch data never moves: it is in shared buffers. Only what is rare and variable-sized (reset
 * requests, non-empty infos, errors) goes through the worker's MessagePort, and the receiver reads it
 * synchronously with `receiveMessageOnPort` after the signal, so no event loop is involved.
 */

/** Int32s per worker slot in the control array. */
export const SLOT_INTS = 16;
/** Incremented by the main thread for each command. */
export const CMD_SEQ = 0;
/** The command: one of {@link Command}. */
export const CMD = 1;
/** Set by the worker to the CMD_SEQ it has completed. */
export const DONE_SEQ = 2;
/** {@link Status} of the last completed command. */
export const STATUS = 3;
/** 1 when the worker posted a message (infos or an error) for the last command. */
export const HAS_MESSAGE = 4;
/** {@link Liveness} of the worker. */
export const LIVENESS = 5;

/** Commands a worker executes. */
export const enum Command {
  Step = 1,
  Reset = 2,
  Close = 3,
}

/** Outcome of a command. */
export const enum Status {
  Ok = 0,
  Error = 1,
}

/** Where a worker is in its life. */
export const enum Liveness {
  Starting = 0,
  Ready = 1,
  /** The thread is exiting (process.exit in env code, or the end of its loop). */
  Exited = 2,
  /** Setting up its sub-envs failed; the task rejects with the error. */
  Failed = 3,
}

/** The shared buffers of a batch, as sent to workers (typed arrays over SharedArrayBuffers). */
export interface SharedBatch {
  observations: BatchArray;
  actions: BatchArray;
  rewards: Float64Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
}

/** The one long-lived piscina task each worker runs until the vector env closes. */
export interface WorkerTask {
  workerIndex: number;
  control: Int32Array;
  batch: SharedBatch;
  port: MessagePort;
  recipe: EnvRecipe;
  firstIndex: number;
  count: number;
  autoreset: AutoresetMode;
  /** Busy-poll iterations before blocking in Atomics.wait (cheap envs answer within the spin). */
  spinIterations: number;
  /** The spaces the main thread saw, as strings; a worker whose envs differ fails at start. */
  observationSpace: string;
  actionSpace: string;
}

/** Messages a worker posts on its port. */
export type WorkerMessage = { kind: 'infos'; records: InfoRecord[] } | { kind: 'error'; error: SubEnvErrorData };

/** Message the main thread posts before a Reset command. */
export type ResetMessage = ShardResetRequest;

/**
 * Waits until `array[index]` differs from `value`: spins `spinIterations` times (sub-microsecond when the
 * other side answers fast), then blocks in `Atomics.wait` for at most `timeoutMs`. Returns whether the value
 * changed. Blocking is allowed in workers and in Node's main thread.
 */
export function waitForChange(array: Int32Array, index: number, value: number, spinIterations: number, timeoutMs: number): boolean {
  for (let i = 0; i < spinIterations; i++) {
    if (Atomics.load(array, index) !== value) return true;
  }
  if (Atomics.load(array, index) !== value) return true;
  Atomics.wait(array, index, value, timeoutMs);
  return Atomics.load(array, index) !== value;
}

type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

/**
 * `Atomics.waitAsync` (Node ≥ 16; typed here because the project's lib is ES2022): resolves when
 * `array[index]` is notified or `timeoutMs` passes, without blocking the event loop.
 */
export function waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): WaitAsyncResult {
  return (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number, t: number) => WaitAsyncResult }).waitAsync(array, index, value, timeoutMs);
}
