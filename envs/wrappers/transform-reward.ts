import type { Env } from '../core/env.js';
import { EnvError, describeValue } from '../core/errors.js';
import { checkFunction } from './argument-checks.js';
import { RewardWrapper } from './reward-wrapper.js';

/** Applies a function to every reward (Gymnasium 1.x `TransformReward`), e.g. `(r) => Math.sign(r)`. */
export class TransformReward<Obs, Act> extends RewardWrapper<Obs, Act> {
  constructor(
    env: Env<Obs, Act>,
    private readonly fn: (reward: number) => number,
  ) {
    super(env);
    checkFunction('TransformReward', 'fn', fn, '(reward: number) => number');
  }

  reward(reward: number): number {
    const out = this.fn(reward);
    // A non-number reward would only fail much later, in an agent's arithmetic: say so here.
    if (typeof out !== 'number') throw new EnvError(`TransformReward: fn returned ${describeValue(out)} for reward ${reward}; it must return a number`);
    return out;
  }
}
