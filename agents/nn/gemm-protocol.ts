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

/** Values of the state word: the main thread sets `job`/`register`; the helper answers `done` or `failed`. */
export const STATE = {
  idle: 0,
  job: 1,
  register: 2,
  done: 3,
  failed: 4,
} as const;
