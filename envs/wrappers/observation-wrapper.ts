import type { Env, ResetArgs, ResetResult, StepResult } from '../core/env.js';
import { Wrapper } from '../core/wrapper.js';
import type { Space } from '../spaces/space.js';

/**
 * A wrapper that changes only observations (Gymnasium's `ObservationWrapper`): `observation()` is applied
 * to the observation of every `reset` and `step`, and the wrapper reports its own observation space.
 */
export abstract class ObservationWrapper<Obs, Act, InnerObs> extends Wrapper<Obs, Act, InnerObs, Act> {
  constructor(env: Env<InnerObs, Act>) {
    super(env);
  }

  /** The observation space of the wrapped observations. */
  abstract override get observationSpace(): Space<Obs>;

  /** Maps one observation of the wrapped env to this wrapper's observation. */
  abstract observation(observation: InnerObs): Obs;

  override reset(args?: ResetArgs): ResetResult<Obs> {
    const { observation, info } = this.env.reset(args);
    return { observation: this.observation(observation), info };
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    return { observation: this.observation(r.observation), reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info };
  }
}
