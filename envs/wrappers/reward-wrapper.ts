import type { Env, StepResult } from '../core/env.js';
import { Wrapper } from '../core/wrapper.js';

/** A wrapper that changes only rewards (Gymnasium's `RewardWrapper`): `reward()` maps every step's reward. */
export abstract class RewardWrapper<Obs, Act> extends Wrapper<Obs, Act> {
  constructor(env: Env<Obs, Act>) {
    super(env);
  }

  /** Maps the wrapped env's reward to this wrapper's reward. */
  abstract reward(reward: number): number;

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    return { observation: r.observation, reward: this.reward(r.reward), terminated: r.terminated, truncated: r.truncated, info: r.info };
  }
}
