import type { Env, ResetArgs, ResetResult, StepResult } from '../core/env.js';
import { EnvError, describeValue } from '../core/errors.js';
import { Wrapper } from '../core/wrapper.js';
import { Space } from '../spaces/space.js';

/** Emits a checker warning once per message and env (Gymnasium logs these with `logger.warn`). */
function warnOnce(seen: Set<string>, message: string): void {
  if (seen.has(message)) return;
  seen.add(message);
  process.emitWarning(message, { code: 'FLASH_GYM_ENV_CHECKER' });
}

/**
 * Gymnasium's PassiveEnvChecker: checks the spaces when wrapping, and the output of the first `reset` and
 * the first `step` (types are errors; an observation outside its space is a warning). After that it only
 * forwards, so it costs nothing per step.
 */
export class PassiveEnvChecker<Obs, Act> extends Wrapper<Obs, Act> {
  private checkedReset = false;
  private checkedStep = false;
  private readonly warned = new Set<string>();

  constructor(env: Env<Obs, Act>) {
    super(env);
    const name = env.spec?.id ?? env.constructor.name;
    if (!(env.observationSpace instanceof Space)) {
      throw new EnvError(`${name}: observationSpace must be a flash-gym Space, got ${describeValue(env.observationSpace)}`);
    }
    if (!(env.actionSpace instanceof Space)) {
      throw new EnvError(`${name}: actionSpace must be a flash-gym Space, got ${describeValue(env.actionSpace)}`);
    }
  }

  override reset(args?: ResetArgs): ResetResult<Obs> {
    const result = this.env.reset(args);
    if (!this.checkedReset) {
      this.checkedReset = true;
      const name = this.spec?.id ?? this.env.constructor.name;
      if (result === null || typeof result !== 'object' || !('observation' in result) || !('info' in result)) {
        throw new EnvError(`${name}: reset() must return { observation, info }, got ${describeValue(result)}`);
      }
      if (result.info === null || typeof result.info !== 'object') {
        throw new EnvError(`${name}: reset() info must be an object, got ${describeValue(result.info)}`);
      }
      if (!this.observationSpace.contains(result.observation)) {
        warnOnce(this.warned, `${name}: the observation returned by reset() is not within the observation space ${this.observationSpace.toString()}`);
      }
    }
    return result;
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    if (!this.checkedStep) {
      this.checkedStep = true;
      const name = this.spec?.id ?? this.env.constructor.name;
      if (typeof result.reward !== 'number') {
        throw new EnvError(`${name}: step() reward must be a number, got ${describeValue(result.reward)}`);
      }
      if (typeof result.terminated !== 'boolean' || typeof result.truncated !== 'boolean') {
        throw new EnvError(`${name}: step() terminated and truncated must be booleans, got ${describeValue(result.terminated)}, ${describeValue(result.truncated)}`);
      }
      if (result.info === null || typeof result.info !== 'object') {
        throw new EnvError(`${name}: step() info must be an object, got ${describeValue(result.info)}`);
      }
      if (!Number.isFinite(result.reward)) {
        warnOnce(this.warned, `${name}: step() returned a non-finite reward ${result.reward}`);
      }
      if (!this.observationSpace.contains(result.observation)) {
        warnOnce(this.warned, `${name}: the observation returned by step() is not within the observation space ${this.observationSpace.toString()}`);
      }
    }
    return result;
  }
}
