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
  /** The ten arguments of `runRowBlock` (after the kernels) start here. */
  args: 4,
  /** Number of words. */
  size: 16,
} as const;

/**
 * Values of the state word: the main thread sets `job`/`register`; the helper claims a job (`job` →
 * `running`, compare-and-swap) and answers `done` or `failed`. A job the helper has not claimed when the
 * main thread finishes its own half is taken back (`job` → `idle`) and run by the main thread.
 */
export const STATE = {
  idle: 0,
  job: 1,
  register: 2,
  done: 3,
  failed: 4,
  running: 5,
} as const;
