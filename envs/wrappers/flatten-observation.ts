import type { Env } from '../core/env.js';
import { InvalidOptionError } from '../core/errors.js';
import type { Box } from '../spaces/box.js';
import { flatten, flattenSpace, type FlatArray } from '../spaces/flatten.js';
import type { Space } from '../spaces/space.js';
import { ObservationWrapper } from './observation-wrapper.js';

/**
 * Flattens observations to one vector (Gymnasium 1.x `FlattenObservation`): the observation space becomes
 * `flattenSpace(space)` and each observation `flatten(space, obs)` — Box values row-major, Discrete values
 * one-hot, Dict/Tuple children concatenated in order.
 */
export class FlattenObservation<Act = unknown, InnerObs = unknown> extends ObservationWrapper<FlatArray, Act, InnerObs> {
  private readonly inner: Space<InnerObs>;
  private readonly space: Box<FlatArray>;

  constructor(env: Env<InnerObs, Act>) {
    super(env);
    this.inner = env.observationSpace;
    try {
      this.space = flattenSpace(this.inner as Space<unknown>);
    } catch (error) {
      throw new InvalidOptionError(`FlattenObservation: ${(error as Error).message}`);
    }
  }

  override get observationSpace(): Box<FlatArray> {
    return this.space;
  }

  observation(observation: InnerObs): FlatArray {
    return flatten(this.inner, observation);
  }
}
