import type { Env } from '../core/env.js';
import { InvalidOptionError, describeValue } from '../core/errors.js';
import { Space } from '../spaces/space.js';
import { checkFunction } from './argument-checks.js';
import { ObservationWrapper } from './observation-wrapper.js';

/**
 * Applies a function to every observation (Gymnasium 1.x `TransformObservation`). The caller gives the
 * space of the transformed observations; pass `env.observationSpace` when the function keeps it.
 */
export class TransformObservation<Obs, Act, InnerObs> extends ObservationWrapper<Obs, Act, InnerObs> {
  private readonly space: Space<Obs>;

  constructor(
    env: Env<InnerObs, Act>,
    private readonly fn: (observation: InnerObs) => Obs,
    observationSpace: Space<Obs>,
  ) {
    super(env);
    checkFunction('TransformObservation', 'fn', fn, '(observation) => observation');
    if (!(observationSpace instanceof Space)) {
      throw new InvalidOptionError(`TransformObservation: observationSpace must be a flash-gym Space, got ${describeValue(observationSpace)}`);
    }
    this.space = observationSpace;
  }

  override get observationSpace(): Space<Obs> {
    return this.space;
  }

  observation(observation: InnerObs): Obs {
    return this.fn(observation);
  }
}
