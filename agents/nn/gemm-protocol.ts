/** The layout of the control words the main thread and the gemm helper thread share (an Int32Array). */
export const CONTROL = {
  /** One of {@link STATE}. */
  state: 0,
  /** Which registered memory the job runs on. */
  instance: 1,
  /** 1 while the helper sleeps in `Atomics.wait` (so the main thread must wake it), else 0. */
  helperAsleep: 2,
  /** 1 while the main thread sleeps waiting for the helper, else 0. */
  mainAsleep: 3,
  /** The thirteen arguments of `runRowBlock` (after the kernels) for the whole product start here. */
  args: 4,
  /** Rows per chunk (even, so that pairs of rows stay on the 2-row kernels). */
  chunkRows: 17,
  /** Number of chunks of the product. */
  chunks: 18,
  /** The next chunk to take: each thread takes one with `Atomics.add` until they run out. */
  nextChunk: 19,
  /** Number of words. */
  size: 20,
} as const;

/**
 * Values of the state word: the main thread sets `job`/`register`; the helper claims a job (`job` →
 * `running`, compare-and-swap), takes chunks until none is left and answers `done` (or `failed`). A job the
 * helper has not claimed when the main thread runs out of chunks is withdrawn (`job` → `idle`): the main
 * thread has then computed every chunk itself.
 */
export const STATE = {
  idle: 0,
  job: 1,
  register: 2,
  done: 3,
  failed: 4,
  running: 5,
} as const;
