/**
 * The layout of the control words the main thread and the gemm helper thread share: an Int32Array over the
 * buffer, and a Float64Array over the same buffer from word {@link CONTROL.f64} on (the element-wise jobs'
 * float64 constants).
 */
export const CONTROL = {
  /** One of {@link STATE}. */
  state: 0,
  /** Which registered memory the job runs on. */
  instance: 1,
  /** 1 while the helper sleeps in `Atomics.wait` (so the main thread must wake it), else 0. */
  helperAsleep: 2,
  /** 1 while the main thread sleeps waiting for the helper, else 0. */
  mainAsleep: 3,
  /** The job's integer arguments start here: a product's thirteen of `runRowBlock` (after the kernels), an element-wise job's byte addresses and count of pairs (see `runJob`). */
  args: 4,
  /** The fewest rows (pairs of elements) a chunk has, but for the last: even for a product, so that pairs of rows stay on the 2-row kernels. */
  minChunk: 17,
  /** The first row (pair) no thread has claimed yet: each thread claims the next chunk with `Atomics.compareExchange` until none is left. */
  next: 18,
  /** Which job: one of {@link JOB}. */
  kind: 19,
  /** The element-wise job's float64 constants start at this word (8-byte aligned), up to {@link F64_ARGS} of them. */
  f64: 20,
  /** Number of words. */
  size: 20 + 2 * 7,
} as const;

/** Most float64 constants a job takes (Adam's seven). */
export const F64_ARGS = 7;

/** Kinds of job the helper runs (the control word `kind`). */
export const JOB = {
  /** A matrix product, by chunks of rows (`runChunks`). */
  product: 0,
  /** Adam's update, by chunks of pairs of parameters: args θ, grad, m, v (byte addresses), pairs; constants as `AdamFn`'s. */
  adam: 1,
  /** The Polyak average: args target, online, pairs; constants 1 − τ, τ. */
  polyak: 2,
  /** Float64 accumulation of a float32 vector: args dst, src, pairs. */
  accumulate: 3,
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
