import { BaseEnv } from '../core/base-env.js';
import type { ResetResult, StepResult } from '../core/env.js';
import { EnvError, InvalidActionError, describeValue } from '../core/errors.js';
import { validateKwargs } from '../registry/kwargs.js';
import type { KwargSchema } from '../registry/spec.js';
import { Box, isNumericArrayLike } from '../spaces/box.js';
import { assertStateAlone, readNumberOption, readStateOption } from './reset-options.js';

// Constants of Gymnasium 1.x's PendulumEnv.
const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const MASS = 1.0;
const LENGTH = 1.0;
const DEFAULT_GRAVITY = 10.0;
const DEFAULT_X = Math.PI;
const DEFAULT_Y = 1.0;
const TWO_PI = 2 * Math.PI;

// numpy 2 (NEP 50) computes `3.0 / (m l²) * u` and `0.001 * u²` in float32, because `u` is a float32
// scalar and Python floats are "weak": the Python constant is rounded to float32 first.
const TORQUE_GAIN_F32 = Math.fround(3.0 / (MASS * LENGTH * LENGTH));
const TORQUE_COST_F32 = Math.fround(0.001);

/** The physical state's components, in the order of `reset({ options: { state } })`. */
export const PENDULUM_STATE_NAMES = ['theta', 'theta_dot'] as const;

/** Keyword arguments of Pendulum-v1. */
export interface PendulumKwargs {
  /** Gravitational acceleration in m/s² (Gymnasium's `g`, default 10.0). */
  g?: number;
}

/** The kwargs Pendulum-v1 accepts, for `make` and the constructor. */
export const PENDULUM_KWARGS_SCHEMA: Readonly<Record<string, KwargSchema>> = Object.freeze({
  g: { type: 'number', min: 0, description: 'gravitational acceleration (m/s^2), default 10.0' },
});

const RESET_OPTION_KEYS = ['x_init', 'y_init', 'state'] as const;

/**
 * Angle wrapped into [-π, π) as Gymnasium's `angle_normalize`: `((x + π) mod 2π) − π` with numpy's
 * floor-style remainder (the result takes the divisor's sign; JavaScript's `%` takes the dividend's).
 */
export function angleNormalize(x: number): number {
  let r = (x + Math.PI) % TWO_PI;
  if (r < 0) r += TWO_PI;
  else if (r === 0) r = 0; // numpy returns +0 for an exact multiple (copysign(0, 2π)).
  return r - Math.PI;
}

/**
 * Pendulum-v1: an exact port of Gymnasium 1.x's `PendulumEnv` (inverted pendulum swing-up).
 *
 * The state is two float64s `[theta, theta_dot]` (theta is not wrapped, as in Gymnasium). The action, a
 * torque, is read as float32 (the action space's dtype) and clipped to [-2, 2] — out-of-range torques are
 * clipped, not rejected, as Gymnasium does; NaN and wrong shapes are rejected. Reward
 * `−(angle_normalize(θ)² + 0.1·θ̇² + 0.001·u²)`; the episode never terminates (the registry's time limit
 * of 200 steps truncates it). Observation `[cos θ, sin θ, θ̇]` in float32.
 *
 * Reset options: `x_init`/`y_init` bound the uniform random start (θ ∈ ±x_init, θ̇ ∈ ±y_init; defaults π
 * and 1), or `state` sets the exact float64 start state.
 */
export class PendulumEnv extends BaseEnv<Float32Array, Float32Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  override readonly metadata: Record<string, unknown> = { renderModes: [], renderFps: 30 };
  /** Gravitational acceleration (m/s²). */
  readonly g: number;
  /** `3g / (2l)`, the gravity term's coefficient, computed as Gymnasium does. */
  private readonly gravityGain: number;

  private theta = 0;
  private thetaDot = 0;
  private hasState = false;
  /** The last clipped torque (Gymnasium's `last_u`), or undefined right after a reset. */
  private lastTorque: number | undefined;
  private pendingStart: { state: Float64Array } | { highTheta: number; highThetaDot: number } = {
    highTheta: DEFAULT_X,
    highThetaDot: DEFAULT_Y,
  };

  constructor(kwargs: PendulumKwargs = {}) {
    super();
    validateKwargs('PendulumEnv', kwargs as Record<string, unknown>, PENDULUM_KWARGS_SCHEMA);
    this.g = kwargs.g ?? DEFAULT_GRAVITY;
    this.gravityGain = (3 * this.g) / (2 * LENGTH);
    this.observationSpace = new Box([-1.0, -1.0, -MAX_SPEED], [1.0, 1.0, MAX_SPEED], { dtype: 'float32' });
    this.actionSpace = new Box(-MAX_TORQUE, MAX_TORQUE, { shape: [1], dtype: 'float32' });
  }

  /** The physical state `[theta, theta_dot]` (float64), or undefined before the first reset. */
  get state(): number[] | undefined {
    return this.hasState ? [this.theta, this.thetaDot] : undefined;
  }

  /** The torque applied by the last step after clipping (Gymnasium's `last_u`); undefined after a reset. */
  get lastAppliedTorque(): number | undefined {
    return this.lastTorque;
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
      this.theta = start.state[0];
      this.thetaDot = start.state[1];
    } else {
      // numpy's uniform(low=-high, high=high): symmetric bounds, theta drawn first.
      const rng = this.npRandom;
      this.theta = rng.uniform(-start.highTheta, start.highTheta);
      this.thetaDot = rng.uniform(-start.highThetaDot, start.highThetaDot);
    }
    this.hasState = true;
    this.lastTorque = undefined;
    return { observation: this.observe(), info: {} };
  }

  /**
   * Accepts any length-1 numeric array whose value is not NaN; values beyond ±2 are clipped in the step
   * (Gymnasium clips rather than rejects). Anything else raises an {@link InvalidActionError}.
   */
  protected override assertAction(action: unknown): asserts action is Float32Array {
    if (isNumericArrayLike(action) && action.length === 1 && typeof action[0] === 'number' && !Number.isNaN(action[0])) return;
    throw new InvalidActionError(
      `${this.envName()}.step: invalid action ${describeValue(action)}; expected an element of ${this.actionSpace.toString()}: ` +
        'a length-1 array holding a number (torques outside [-2, 2] are clipped, as in Gymnasium)',
    );
  }

  protected stepEnv(action: Float32Array): StepResult<Float32Array> {
    if (!this.hasState) throw new EnvError(`${this.envName()}.step: call reset() before step()`);
    const th = this.theta;
    const thDot = this.thetaDot;
    // The action as float32, clipped to [-2, 2] (np.clip keeps float32).
    const u = Math.min(Math.max(Math.fround(action[0]), -MAX_TORQUE), MAX_TORQUE);
    this.lastTorque = u;

    const normTh = angleNormalize(th);
    const torqueCost = Math.fround(TORQUE_COST_F32 * Math.fround(u * u));
    const costs = normTh * normTh + 0.1 * (thDot * thDot) + torqueCost;

    const torqueTerm = Math.fround(TORQUE_GAIN_F32 * u);
    let newThDot = thDot + (this.gravityGain * Math.sin(th) + torqueTerm) * DT;
    newThDot = Math.min(Math.max(newThDot, -MAX_SPEED), MAX_SPEED);
    this.theta = th + newThDot * DT;
    this.thetaDot = newThDot;

    return { observation: this.observe(), reward: -costs, terminated: false, truncated: false, info: {} };
  }

  /** `[cos θ, sin θ, θ̇]` rounded to float32, in a fresh array. */
  private observe(): Float32Array {
    const obs = new Float32Array(3);
    obs[0] = Math.cos(this.theta);
    obs[1] = Math.sin(this.theta);
    obs[2] = this.thetaDot;
    return obs;
  }

  /** Reads `x_init`/`y_init` or `state` without touching the env; throws on a bad value. */
  private parseStart(options: Readonly<Record<string, unknown>>): { state: Float64Array } | { highTheta: number; highThetaDot: number } {
    const name = this.envName();
    if (options.state !== undefined) {
      assertStateAlone(name, options, ['x_init', 'y_init']);
      return { state: readStateOption(name, options.state, PENDULUM_STATE_NAMES) };
    }
    return {
      highTheta: readNumberOption(name, options, 'x_init', DEFAULT_X),
      highThetaDot: readNumberOption(name, options, 'y_init', DEFAULT_Y),
    };
  }
}
