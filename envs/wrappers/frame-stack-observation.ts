import type { Env, ResetArgs, ResetResult, StepResult } from '../core/env.js';
import { EnvError, InvalidOptionError, describeValue } from '../core/errors.js';
import { Wrapper } from '../core/wrapper.js';
import { Box, allocBoxArray, type BoxArray } from '../spaces/box.js';
import { requireBox } from './argument-checks.js';

/** What fills the stack's older frames at `reset`: the reset observation, zeros, or a given observation. */
export type FramePadding = 'reset' | 'zero' | ArrayLike<number>;

/** Options of {@link FrameStackObservation}. */
export interface FrameStackObservationOptions {
  /** Default `'reset'`, as in Gymnasium 1.x. */
  padding?: FramePadding;
}

/**
 * Stacks the last `stackSize` observations (Gymnasium 1.x `FrameStackObservation`): a Box observation of
 * shape `s` becomes a Box of shape `[stackSize, ...s]`, oldest frame first, with bounds repeated. At
 * `reset` the `stackSize − 1` older frames are the padding: the reset observation itself (`'reset'`, the
 * default), the zero observation (`'zero'`: 0 clipped into the bounds), or a given observation of the space.
 * Every returned observation is a fresh array.
 */
export class FrameStackObservation<A extends BoxArray = Float32Array, Act = unknown> extends Wrapper<A, Act, A, Act> {
  readonly stackSize: number;
  /** `'reset'`, `'zero'` or `'custom'`. */
  readonly paddingType: 'reset' | 'zero' | 'custom';
  private readonly inner: Box<A>;
  private readonly space: Box<A>;
  private readonly padding: A;
  // The stacked frames, oldest first; shifted by one frame each step.
  private readonly frames: A;

  constructor(env: Env<A, Act>, stackSize: number, options: FrameStackObservationOptions = {}) {
    super(env);
    const inner = requireBox('FrameStackObservation', env.observationSpace, 'observation');
    if (!Number.isInteger(stackSize) || stackSize <= 0) {
      throw new InvalidOptionError(`FrameStackObservation: stackSize must be a positive integer, got ${describeValue(stackSize)}`);
    }
    const { padding = 'reset' } = options;
    if (padding === 'reset' || padding === 'zero') {
      this.paddingType = padding;
      this.padding = allocBoxArray(inner.dtype, inner.size) as A;
      // Gymnasium's create_zero_array: the element closest to zero.
      for (let i = 0; i < inner.size; i++) this.padding[i] = Math.min(Math.max(0, inner.low[i]), inner.high[i]);
    } else if (typeof padding !== 'string' && inner.contains(padding)) {
      this.paddingType = 'custom';
      this.padding = allocBoxArray(inner.dtype, padding) as A;
    } else {
      throw new InvalidOptionError(
        `FrameStackObservation: padding must be 'reset', 'zero' or an observation of ${inner.toString()}, got ${describeValue(padding)}`,
      );
    }
    const n = inner.size;
    const low = allocBoxArray(inner.dtype, n * stackSize);
    const high = allocBoxArray(inner.dtype, n * stackSize);
    for (let k = 0; k < stackSize; k++) {
      low.set(inner.low, k * n);
      high.set(inner.high, k * n);
    }
    this.space = new Box<A>(low, high, { shape: [stackSize, ...inner.shape], dtype: inner.dtype });
    this.inner = inner;
    this.stackSize = stackSize;
    this.frames = allocBoxArray(inner.dtype, n * stackSize) as A;
  }

  override get observationSpace(): Box<A> {
    return this.space;
  }

  override reset(args?: ResetArgs): ResetResult<A> {
    const { observation, info } = this.env.reset(args);
    const n = this.inner.size;
    this.checkFrame(observation, 'reset');
    const pad = this.paddingType === 'reset' ? observation : this.padding;
    for (let k = 0; k < this.stackSize - 1; k++) this.frames.set(pad, k * n);
    this.frames.set(observation, (this.stackSize - 1) * n);
    return { observation: this.frames.slice() as A, info };
  }

  override step(action: Act): StepResult<A> {
    const r = this.env.step(action);
    const n = this.inner.size;
    this.checkFrame(r.observation, 'step');
    this.frames.copyWithin(0, n);
    this.frames.set(r.observation, (this.stackSize - 1) * n);
    return { observation: this.frames.slice() as A, reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info };
  }

  // A frame of the wrong length would silently misalign the stack: reject it.
  private checkFrame(observation: A, where: string): void {
    if (observation?.length !== this.inner.size) {
      throw new EnvError(
        `FrameStackObservation: ${where}() returned an observation of length ${describeValue(observation?.length)}, the observation space ${this.inner.toString()} has ${this.inner.size}`,
      );
    }
  }
}
