import type { Env } from '../core/env.js';
import { InvalidOptionError } from '../core/errors.js';
import { Box, allocBoxArray, type BoxArray } from '../spaces/box.js';
import { ActionWrapper } from './action-wrapper.js';
import { checkActionVector, perDimension, requireBox } from './argument-checks.js';

/**
 * Affinely rescales a Box action space to `[minAction, maxAction]` (Gymnasium 1.x `RescaleAction`): the
 * agent acts in the new box and each action is mapped to the env's box, so `minAction` goes to the env's
 * `low` and `maxAction` to its `high`. A dimension unbounded in the env must be unbounded the same way in
 * the new box (it is then only shifted, or left as is). As in Gymnasium 1.x the mapped action is not
 * clipped: an action outside the new box maps outside the env's box, where the env's own rule applies.
 */
export class RescaleAction<Obs, A extends BoxArray = Float32Array> extends ActionWrapper<Obs, A, A> {
  private readonly inner: Box<A>;
  private readonly space: Box<A>;
  // env action = (action − intercept) / gradient, per dimension (Gymnasium's rescale_box, backward).
  private readonly gradient: Float64Array;
  private readonly intercept: Float64Array;

  /**
   * @param minAction the new lower bound: a number for every dimension, or one per dimension
   * @param maxAction the new upper bound, likewise; each must be above `minAction` where both are finite
   */
  constructor(env: Env<Obs, A>, minAction: number | ArrayLike<number>, maxAction: number | ArrayLike<number>) {
    super(env);
    const inner = requireBox('RescaleAction', env.actionSpace, 'action');
    if (inner.dtype === 'int32') {
      throw new InvalidOptionError(`RescaleAction: the env's action space ${inner.toString()} is an integer Box; rescaling needs float32 or float64`);
    }
    const size = inner.size;
    const lo = perDimension('RescaleAction', 'minAction', minAction, size);
    const hi = perDimension('RescaleAction', 'maxAction', maxAction, size);
    this.gradient = new Float64Array(size).fill(1);
    this.intercept = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const low = inner.low[i];
      const high = inner.high[i];
      if ((lo[i] === -Infinity) !== (low === -Infinity) || lo[i] === Infinity) {
        throw new InvalidOptionError(
          `RescaleAction: minAction[${i}] = ${lo[i]} must be finite where the env's low is finite and -inf where it is -inf (env low[${i}] = ${low})`,
        );
      }
      if ((hi[i] === Infinity) !== (high === Infinity) || hi[i] === -Infinity) {
        throw new InvalidOptionError(
          `RescaleAction: maxAction[${i}] = ${hi[i]} must be finite where the env's high is finite and inf where it is inf (env high[${i}] = ${high})`,
        );
      }
      const minFinite = Number.isFinite(lo[i]);
      const maxFinite = Number.isFinite(hi[i]);
      if (minFinite && maxFinite) {
        if (!(lo[i] < hi[i])) {
          throw new InvalidOptionError(`RescaleAction: minAction[${i}] = ${lo[i]} must be below maxAction[${i}] = ${hi[i]}`);
        }
        if (!(low < high)) {
          throw new InvalidOptionError(`RescaleAction: the env's action box is flat in dimension ${i} (low = high = ${low}); it cannot be rescaled`);
        }
        this.gradient[i] = (hi[i] - lo[i]) / (high - low);
        this.intercept[i] = lo[i] - this.gradient[i] * low;
      } else if (minFinite) {
        this.intercept[i] = lo[i] - low;
      } else if (maxFinite) {
        this.intercept[i] = hi[i] - high;
      }
    }
    this.inner = inner;
    this.space = new Box<A>(lo, hi, { shape: inner.shape, dtype: inner.dtype });
  }

  override get actionSpace(): Box<A> {
    return this.space;
  }

  /** Maps an action of the new box to the env's box (a new array of the env's dtype). */
  action(action: A): A {
    checkActionVector('RescaleAction', action, this.inner.size, this.space);
    const out = allocBoxArray(this.inner.dtype, this.inner.size) as A;
    for (let i = 0; i < out.length; i++) out[i] = (action[i] - this.intercept[i]) / this.gradient[i];
    return out;
  }
}
