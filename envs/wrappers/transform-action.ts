import type { Env } from '../core/env.js';
import { InvalidOptionError, describeValue } from '../core/errors.js';
import { Space } from '../spaces/space.js';
import { ActionWrapper } from './action-wrapper.js';
import { checkFunction } from './argument-checks.js';

/**
 * Applies a function to every action before it reaches the env (Gymnasium 1.x `TransformAction`). The
 * caller gives the space the agent acts in; pass `env.actionSpace` when the function keeps it.
 */
export class TransformAction<Obs, Act, InnerAct> extends ActionWrapper<Obs, Act, InnerAct> {
  private readonly space: Space<Act>;

  constructor(
    env: Env<Obs, InnerAct>,
    private readonly fn: (action: Act) => InnerAct,
    actionSpace: Space<Act>,
  ) {
    super(env);
    checkFunction('TransformAction', 'fn', fn, '(action) => action');
    if (!(actionSpace instanceof Space)) {
      throw new InvalidOptionError(`TransformAction: actionSpace must be a flash-gym Space, got ${describeValue(actionSpace)}`);
    }
    this.space = actionSpace;
  }

  override get actionSpace(): Space<Act> {
    return this.space;
  }

  action(action: Act): InnerAct {
    return this.fn(action);
  }
}
