import { BaseEnv } from '../core/base-env.js';
import type { ResetResult, StepResult } from '../core/env.js';
import { EnvError, InvalidOptionError } from '../core/errors.js';
import { validateKwargs } from '../registry/kwargs.js';
import type { KwargSchema } from '../registry/spec.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { assertStateAlone, readNumberOption, readStateOption } from './reset-options.js';

// Constants of Gymnasium 1.x's CartPoleEnv, derived the same way so the doubles are bit-identical.
const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
/** Half the pole's length. */
const LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
/** Seconds between state updates. */
const TAU = 0.02;
/** The pole angle (rad) beyond which the episode terminates: 12 degrees. */
const THETA_THRESHOLD_RADIANS = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;
const DEFAULT_RESET_LOW = -0.05;
const DEFAULT_RESET_HIGH = 0.05;

/** The physical state's components, in the order of `reset({ options: { state } })`. */
export const CARTPOLE_STATE_NAMES = ['x', 'x_dot', 'theta', 'theta_dot'] as const;

/** Keyword arguments of CartPole-v1 (Gymnasium's `sutton_barto_reward`). */
export interface CartPoleKwargs {
  /** Reward 0 per surviving step and −1 on termination instead of +1 per step (default false). */
  suttonBartoReward?: boolean;
}

/** The kwargs CartPole-v1 accepts, for `make` and the constructor. */
export const CARTPOLE_KWARGS_SCHEMA: Readonly<Record<string, KwargSchema>> = Object.freeze({
  suttonBartoReward: { type: 'boolean', description: 'reward 0 per step and -1 on termination (Sutton & Barto)' },
});

const RESET_OPTION_KEYS = ['low', 'high', 'state'] as const;

/**
 * CartPole-v1: an exact port of Gymnasium 1.x's `CartPoleEnv` (Barto, Sutton & Anderson's cart-pole).
 *
 * The state is four float64s `[x, x_dot, theta, theta_dot]`, advanced by explicit Euler with the same
 * operation order as Gymnasium, so that from the same state and action the next state agrees to the last
 * bits libm and V8's sin/cos allow. Observations are the state rounded to float32 in a fresh
 * Float32Array per step (as `np.array(state, dtype=np.float32)`). Reward +1 per step including the
 * terminating one; stepping on after termination returns reward 0 (and warns once), as Gymnasium does.
 *
 * Reset options: `low`/`high` bound the uniform random start (default ±0.05), or `state` sets the exact
 * float64 start state.
 */
export class CartPoleEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  override readonly metadata: Record<string, unknown> = { renderModes: [], renderFps: 50 };
  private readonly suttonBartoReward: boolean;

  // The physical state, kept as plain fields: the step is the hot path of every CartPole benchmark.
  private x = 0;
  private xDot = 0;
  private theta = 0;
  private thetaDot = 0;
  private hasState = false;
  /** Gymnasium's `steps_beyond_terminated`: null until the pole falls, then steps taken since. */
  private stepsBeyondTerminated: number | null = null;
  /** The validated start of the reset in progress (see {@link CartPoleEnv.reset}). */
  private pendingStart: { state: Float64Array } | { low: number; high: number } = { low: DEFAULT_RESET_LOW, high: DEFAULT_RESET_HIGH };

  constructor(kwargs: CartPoleKwargs = {}) {
    super();
    validateKwargs('CartPoleEnv', kwargs as Record<string, unknown>, CARTPOLE_KWARGS_SCHEMA);
    this.suttonBartoReward = kwargs.suttonBartoReward ?? false;
    // Gymnasium 1.x: the angle bound is twice the failure angle so a failing observation is still inside.
    const high = [X_THRESHOLD * 2, Infinity, THETA_THRESHOLD_RADIANS * 2, Infinity];
    this.observationSpace = new Box(
      high.map((h) => -h),
      high,
      { dtype: 'float32' },
    );
    this.actionSpace = new Discrete(2);
  }

  /** The physical state `[x, x_dot, theta, theta_dot]` (float64), or undefined before the first reset. */
  get state(): number[] | undefined {
    return this.hasState ? [this.x, this.xDot, this.theta, this.thetaDot] : undefined;
  }

  /** Parses the start options before the base class reseeds, so a bad option changes nothing. */
  protected override checkResetOptions(options: Record<string, unknown>): void {
    this.pendingStart = this.parseStart(options);
  }

  protected override resetOptionKeys(): readonly string[] {
    return RESET_OPTION_KEYS;
  }

  protected resetEnv(): ResetResult<Float32Array> {
    const start = this.pendingStart;
    if ('state' in start) {
      [this.x, this.xDot, this.theta, this.thetaDot] = start.state;
    } else {
      // Same draw order as numpy's uniform(size=(4,)): x, x_dot, theta, theta_dot.
      const rng = this.npRandom;
      this.x = rng.uniform(start.low, start.high);
      this.xDot = rng.uniform(start.low, start.high);
      this.theta = rng.uniform(start.low, start.high);
      this.thetaDot = rng.uniform(start.low, start.high);
    }
    this.hasState = true;
    this.stepsBeyondTerminated = null;
    return { observation: this.observe(), info: {} };
  }

  protected stepEnv(action: number): StepResult<Float32Array> {
    if (!this.hasState) throw new EnvError(`${this.envName()}.step: call reset() before step()`);
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const theta = this.theta;
    const thetaDot = this.thetaDot;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);

    // Same association as Gymnasium's expressions (x**2 is x*x in numpy and correctly rounded).
    const temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
    const thetaAcc =
      (GRAVITY * sinTheta - cosTheta * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cosTheta * cosTheta)) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;

    // Explicit Euler: positions advance with the old velocities.
    const x = this.x + TAU * this.xDot;
    this.xDot = this.xDot + TAU * xAcc;
    this.x = x;
    this.theta = theta + TAU * thetaDot;
    this.thetaDot = thetaDot + TAU * thetaAcc;

    const terminated =
      this.x < -X_THRESHOLD || this.x > X_THRESHOLD || this.theta < -THETA_THRESHOLD_RADIANS || this.theta > THETA_THRESHOLD_RADIANS;
    return {
      observation: this.observe(),
      reward: this.rewardFor(terminated),
      terminated,
      truncated: false,
      info: {},
    };
  }

  /** Gymnasium's reward rule, including the `steps_beyond_terminated` bookkeeping. */
  private rewardFor(terminated: boolean): number {
    if (!terminated) return this.suttonBartoReward ? 0.0 : 1.0;
    if (this.stepsBeyondTerminated === null) {
      // The pole just fell.
      this.stepsBeyondTerminated = 0;
      return this.suttonBartoReward ? -1.0 : 1.0;
    }
    if (this.stepsBeyondTerminated === 0) {
      process.emitWarning(
        `${this.envName()}: step() called after the episode terminated; reset() first — further steps are undefined behaviour`,
        { code: 'FLASH_GYM_STEP_AFTER_TERMINATED' },
      );
    }
    this.stepsBeyondTerminated++;
    return this.suttonBartoReward ? -1.0 : 0.0;
  }

  /** The state rounded to float32, in a fresh array (callers may keep or modify it). */
  private observe(): Float32Array {
    const obs = new Float32Array(4);
    obs[0] = this.x;
    obs[1] = this.xDot;
    obs[2] = this.theta;
    obs[3] = this.thetaDot;
    return obs;
  }

  /** Reads `low`/`high` or `state` without touching the env; throws on a bad value. */
  private parseStart(options: Readonly<Record<string, unknown>>): { state: Float64Array } | { low: number; high: number } {
    const name = this.envName();
    if (options.state !== undefined) {
      assertStateAlone(name, options, ['low', 'high']);
      return { state: readStateOption(name, options.state, CARTPOLE_STATE_NAMES) };
    }
    const low = readNumberOption(name, options, 'low', DEFAULT_RESET_LOW);
    const high = readNumberOption(name, options, 'high', DEFAULT_RESET_HIGH);
    if (low > high) {
      throw new InvalidOptionError(`${name}.reset: option "low" (${low}) must not be above "high" (${high})`);
    }
    return { low, high };
  }
}
