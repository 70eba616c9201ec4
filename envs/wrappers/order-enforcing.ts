import type { Env, ResetArgs, ResetResult, StepResult } from '../core/env.js';
import { EnvError } from '../core/errors.js';
import { Wrapper } from '../core/wrapper.js';

/**
 * Raises an error on `step` before the first `reset`, and after an episode ended (terminated or truncated)
 * until the next `reset` — stricter than Gymnasium, as the design asks: both mean "reset before stepping".
 */
export class OrderEnforcing<Obs, Act> extends Wrapper<Obs, Act> {
  private hasReset = false;
  private episodeOver = false;

  constructor(env: Env<Obs, Act>) {
    super(env);
  }

  override reset(args?: ResetArgs): ResetResult<Obs> {
    const result = this.env.reset(args);
    this.hasReset = true;
    this.episodeOver = false;
    return result;
  }

  override step(action: Act): StepResult<Obs> {
    if (!this.hasReset) {
      throw new EnvError(`${this.spec?.id ?? 'env'}: cannot call step() before reset()`);
    }
    if (this.episodeOver) {
      throw new EnvError(`${this.spec?.id ?? 'env'}: the episode ended (terminated or truncated); call reset() before step()`);
    }
    const result = this.env.step(action);
    this.episodeOver = result.terminated || result.truncated;
    return result;
  }

  /** Whether `reset` has been called at least once. */
  get hasBeenReset(): boolean {
    return this.hasReset;
  }
}
