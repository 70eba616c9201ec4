/** The layout of the control words the main thread and the gemm helper thread share (an Int32Array). */
export const CONTROL = {
  /** One of {@link STATE}. */
  state: 0,
  /** Which registered memory the job runs on. */
  instance: 1,
  /** The ten arguments of `runRowBlock` (after the kernels) start here. */
  args: 2,
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
