import type { Env } from '../core/env.js';
import { Box, type BoxArray } from '../spaces/box.js';
import { ActionWrapper } from './action-wrapper.js';
import { checkActionVector, requireBox } from './argument-checks.js';

/**
 * Clips continuous actions into the env's Box before stepping (Gymnasium 1.x `ClipAction`). As in
 * Gymnasium 1.x, the wrapper's action space is the unbounded Box of the same shape and dtype, since any
 * finite action is now valid. NaN or malformed actions still raise an error.
 */
export class ClipAction<Obs, A extends BoxArray = Float32Array> extends ActionWrapper<Obs, A, A> {
  private readonly inner: Box<A>;
  private readonly space: Box<A>;

  constructor(env: Env<Obs, A>) {
    super(env);
    this.inner = requireBox('ClipAction', env.actionSpace, 'action');
    this.space = new Box<A>(-Infinity, Infinity, { shape: this.inner.shape, dtype: this.inner.dtype });
  }

  override get actionSpace(): Box<A> {
    return this.space;
  }

  /** The action clipped into the wrapped env's bounds (a new array of the env's dtype). */
  action(action: A): A {
    checkActionVector('ClipAction', action, this.inner.size, this.space);
    return this.inner.clip(action) as A;
  }
}
