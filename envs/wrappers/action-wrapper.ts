import type { Env, StepResult } from '../core/env.js';
import { Wrapper } from '../core/wrapper.js';
import type { Space } from '../spaces/space.js';

/**
 * A wrapper that changes only actions (Gymnasium's `ActionWrapper`): `action()` maps the agent's action
 * to the wrapped env's action before every `step`, and the wrapper reports its own action space.
 */
export abstract class ActionWrapper<Obs, Act, InnerAct> extends Wrapper<Obs, Act, Obs, InnerAct> {
  constructor(env: Env<Obs, InnerAct>) {
    super(env);
  }

  /** The action space the agent acts in. */
  abstract override get actionSpace(): Space<Act>;

  /** Maps the agent's action to an action of the wrapped env. */
  abstract action(action: Act): InnerAct;

  override step(action: Act): StepResult<Obs> {
    return this.env.step(this.action(action));
  }
}
