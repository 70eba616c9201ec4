import { Rng, assertValidSeed } from '../rng/rng.js';
import type { Space } from '../spaces/space.js';
import type { EnvSpec } from '../registry/spec.js';
import type { Env, Info, ResetArgs, ResetResult, StepResult } from './env.js';
import { InvalidActionError, InvalidOptionError, describeValue } from './errors.js';

/**
 * Base class of flash-gym's envs: owns the env's seeded RNG (`npRandom`, Gymnasium's `np_random`) and
 * implements Gymnasium's seeding rule — `reset({ seed })` replaces the RNG, `reset()` continues it, a fresh
 * env reset without a seed draws one from the OS.
 */
export abstract class BaseEnv<Obs, Act> implements Env<Obs, Act> {
  abstract readonly observationSpace: Space<Obs>;
  abstract readonly actionSpace: Space<Act>;
  spec?: EnvSpec;
  readonly metadata: Record<string, unknown> = { renderModes: [] };
  private rng: Rng | undefined;
  private seedUsed: number | undefined;

  /** The env's RNG; created from OS entropy on first use if the env was never seeded. */
  get npRandom(): Rng {
    if (this.rng === undefined) this.rng = new Rng();
    return this.rng;
  }

  /** The seed the RNG was last created from. */
  get npRandomSeed(): number | undefined {
    return this.seedUsed ?? this.rng?.seed;
  }

  get unwrapped(): Env<unknown, unknown> {
    return this as unknown as Env<unknown, unknown>;
  }

  /**
   * Gymnasium's reset: reseeds the RNG when a seed is given, validates the option keys against
   * {@link BaseEnv.resetOptionKeys}, then lets the env reset itself ({@link BaseEnv.resetEnv}).
   */
  reset(args: ResetArgs = {}): ResetResult<Obs> {
    // Validate everything before touching the RNG, so that a rejected reset changes nothing.
    const options = this.validatedOptions(args.options);
    this.checkResetOptions(options);
    if (args.seed !== undefined && args.seed !== null) {
      assertValidSeed(args.seed, `${this.envName()}.reset: seed`);
      this.rng = new Rng(args.seed);
      this.seedUsed = args.seed;
    } else if (this.rng === undefined) {
      this.rng = new Rng();
    }
    return this.resetEnv(options);
  }

  /** Validates the action (the env is left unchanged if it is invalid), then steps ({@link BaseEnv.stepEnv}). */
  step(action: Act): StepResult<Obs> {
    this.assertAction(action);
    return this.stepEnv(action);
  }

  /** Resets the env's state; `options` holds only keys from {@link BaseEnv.resetOptionKeys}. */
  protected abstract resetEnv(options: Record<string, unknown>): ResetResult<Obs>;

  /** Advances the env by one valid action. */
  protected abstract stepEnv(action: Act): StepResult<Obs>;

  private validatedOptions(options: unknown): Record<string, unknown> {
    if (options === undefined || options === null) return {};
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw new InvalidOptionError(`${this.envName()}.reset: options must be an object, got ${describeValue(options)}`);
    }
    const allowed = this.resetOptionKeys();
    for (const key of Object.keys(options)) {
      if (!allowed.includes(key)) {
        throw new InvalidOptionError(
          `${this.envName()}.reset: unknown option "${key}"; allowed: ${allowed.length ? allowed.join(', ') : '(none)'}`,
        );
      }
    }
    return options as Record<string, unknown>;
  }

  /**
   * Checks the values of the reset options (their keys are already checked) before the RNG is reseeded; throw
   * to reject the reset. An env may keep what it parsed for {@link BaseEnv.resetEnv}. Default: nothing.
   */
  protected checkResetOptions(_options: Record<string, unknown>): void {}

  /** Reset option keys this env accepts; others raise an error. */
  protected resetOptionKeys(): readonly string[] {
    return [];
  }

  /** Throws an {@link InvalidActionError} naming the env, the value and the space unless the action is valid. */
  protected assertAction(action: unknown): asserts action is Act {
    if (!this.actionSpace.contains(action)) {
      throw new InvalidActionError(
        `${this.envName()}.step: invalid action ${describeValue(action)}; expected an element of ${this.actionSpace.toString()}`,
      );
    }
  }

  /** The env's id (from its spec) or class name, for messages. */
  protected envName(): string {
    return this.spec?.id ?? this.constructor.name;
  }

  render(): unknown {
    return undefined;
  }

  close(): void {
    // Nothing to release by default; closing twice is safe.
  }

  /** Builds a step result (saves repeating the field names in every env). */
  protected result(observation: Obs, reward: number, terminated: boolean, truncated = false, info: Info = {}): StepResult<Obs> {
    return { observation, reward, terminated, truncated, info };
  }
}
