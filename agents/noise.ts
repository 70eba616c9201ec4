import type { Rng } from '../envs/rng/rng.js';

/**
 * Exploration noise for deterministic policies (SB3's `common/noise.py`), drawn from flash-gym's seeded
 * {@link Rng}. Noise lives in the *scaled* action space [-1, 1] that DDPG/TD3 act in: it is added to the
 * actor's tanh output before clipping and rescaling to the Box bounds, so `sigma: 0.1` means 5% of the
 * action range whatever the bounds.
 *
 * One noise process per sub-env: the OU process keeps a state per env, reset when that env's episode
 * ends (SB3's `VectorizedActionNoise`).
 */

/** How to build the action noise of an agent (SB3's `action_noise`), as JSON-serializable options. */
export type ActionNoiseSpec =
  | {
      readonly type: 'normal';
      /** Standard deviation, one value for every dimension or one per dimension. */
      readonly sigma: number | readonly number[];
      /** Mean (default 0). */
      readonly mean?: number | readonly number[];
    }
  | {
      readonly type: 'ornstein-uhlenbeck';
      readonly sigma: number | readonly number[];
      /** Mean the process reverts to (default 0). */
      readonly mean?: number | readonly number[];
      /** Rate of mean reversion (default 0.15, SB3's). */
      readonly theta?: number;
      /** Time step of the discretisation (default 1e-2, SB3's). */
      readonly dt?: number;
      /** Value the process restarts from at each episode (default the zero vector, SB3's). */
      readonly initialNoise?: number | readonly number[];
    };

/** The serializable state of a noise process, for checkpoints. */
export interface ActionNoiseState {
  readonly type: ActionNoiseSpec['type'];
  /** The OU process's last value per env (`[numEnvs × size]`); empty for Gaussian noise. */
  readonly previous: number[];
}

/** A noise process with one stream per sub-env. */
export interface ActionNoise {
  readonly spec: ActionNoiseSpec;
  readonly size: number;
  readonly numEnvs: number;
  /** Writes the next noise vector of sub-env `env` into `out[offset … offset + size)`. */
  sample(env: number, rng: Rng, out: Float32Array | Float64Array, offset: number): void;
  /** Restarts the process of sub-env `env` (all sub-envs when omitted), e.g. at the end of its episode. */
  reset(env?: number): void;
  getState(): ActionNoiseState;
  setState(state: ActionNoiseState): void;
}

/** Gaussian noise `mean + sigma · N(0, 1)`, independent across steps (SB3's `NormalActionNoise`). */
export class NormalActionNoise implements ActionNoise {
  readonly mean: Float64Array;
  readonly sigma: Float64Array;

  constructor(
    readonly spec: Extract<ActionNoiseSpec, { type: 'normal' }>,
    readonly size: number,
    readonly numEnvs: number,
  ) {
    this.mean = perDimension('normal', 'mean', spec.mean ?? 0, size);
    this.sigma = perDimension('normal', 'sigma', spec.sigma, size);
    assertNonNegative('normal', 'sigma', this.sigma);
  }

  sample(env: number, rng: Rng, out: Float32Array | Float64Array, offset: number): void {
    checkEnv(env, this.numEnvs);
    for (let j = 0; j < this.size; j++) out[offset + j] = this.mean[j] + this.sigma[j] * rng.normal();
  }

  reset(): void {}

  getState(): ActionNoiseState {
    return { type: 'normal', previous: [] };
  }

  setState(state: ActionNoiseState): void {
    if (state?.type !== 'normal') throw new RangeError(`NormalActionNoise.setState: expected a state of type "normal", got ${JSON.stringify(state?.type)}`);
  }
}

/**
 * The Ornstein–Uhlenbeck process (SB3's `OrnsteinUhlenbeckActionNoise`), temporally correlated noise:
 * `x ← x + θ (μ − x) dt + σ √dt · N(0, 1)`, restarting from `initialNoise` at each episode.
 */
export class OrnsteinUhlenbeckActionNoise implements ActionNoise {
  readonly mean: Float64Array;
  readonly sigma: Float64Array;
  readonly initialNoise: Float64Array;
  readonly theta: number;
  readonly dt: number;
  private readonly previous: Float64Array;

  constructor(
    readonly spec: Extract<ActionNoiseSpec, { type: 'ornstein-uhlenbeck' }>,
    readonly size: number,
    readonly numEnvs: number,
  ) {
    const who = 'ornstein-uhlenbeck';
    this.mean = perDimension(who, 'mean', spec.mean ?? 0, size);
    this.sigma = perDimension(who, 'sigma', spec.sigma, size);
    assertNonNegative(who, 'sigma', this.sigma);
    this.initialNoise = perDimension(who, 'initialNoise', spec.initialNoise ?? 0, size);
    this.theta = spec.theta ?? 0.15;
    this.dt = spec.dt ?? 1e-2;
    if (typeof this.theta !== 'number' || !(this.theta >= 0) || !Number.isFinite(this.theta)) throw new RangeError(`actionNoise (${who}): theta must be a finite number >= 0, got ${String(spec.theta)}`);
    if (typeof this.dt !== 'number' || !(this.dt > 0) || !Number.isFinite(this.dt)) throw new RangeError(`actionNoise (${who}): dt must be a finite number > 0, got ${String(spec.dt)}`);
    this.previous = new Float64Array(numEnvs * size);
    this.reset();
  }

  sample(env: number, rng: Rng, out: Float32Array | Float64Array, offset: number): void {
    checkEnv(env, this.numEnvs);
    const base = env * this.size;
    const sqrtDt = Math.sqrt(this.dt);
    for (let j = 0; j < this.size; j++) {
      const x = this.previous[base + j];
      const next = x + this.theta * (this.mean[j] - x) * this.dt + this.sigma[j] * sqrtDt * rng.normal();
      this.previous[base + j] = next;
      out[offset + j] = next;
    }
  }

  reset(env?: number): void {
    if (env === undefined) {
      for (let i = 0; i < this.numEnvs; i++) this.previous.set(this.initialNoise, i * this.size);
      return;
    }
    checkEnv(env, this.numEnvs);
    this.previous.set(this.initialNoise, env * this.size);
  }

  getState(): ActionNoiseState {
    return { type: 'ornstein-uhlenbeck', previous: Array.from(this.previous) };
  }

  setState(state: ActionNoiseState): void {
    if (state?.type !== 'ornstein-uhlenbeck' || !Array.isArray(state.previous) || state.previous.length !== this.previous.length || !state.previous.every(Number.isFinite)) {
      throw new RangeError(`OrnsteinUhlenbeckActionNoise.setState: expected type "ornstein-uhlenbeck" with ${this.previous.length} finite values`);
    }
    this.previous.set(state.previous);
  }
}

/**
 * Builds the noise process of `spec` for `size`-dimensional actions and `numEnvs` sub-envs. A bad spec is
 * an error naming the field and what is allowed.
 */
export function makeActionNoise(spec: ActionNoiseSpec, size: number, numEnvs: number): ActionNoise {
  if (spec === null || typeof spec !== 'object') throw new RangeError(`actionNoise must be { type: 'normal' | 'ornstein-uhlenbeck', sigma, ... } or null, got ${JSON.stringify(spec)}`);
  const allowed: Record<string, readonly string[]> = {
    normal: ['type', 'sigma', 'mean'],
    'ornstein-uhlenbeck': ['type', 'sigma', 'mean', 'theta', 'dt', 'initialNoise'],
  };
  const keys = allowed[spec.type as string];
  if (keys === undefined) throw new RangeError(`actionNoise.type must be "normal" or "ornstein-uhlenbeck", got ${JSON.stringify(spec.type)}`);
  for (const key of Object.keys(spec)) {
    if (!keys.includes(key)) throw new RangeError(`actionNoise (${spec.type}): unknown field "${key}"; allowed: ${keys.join(', ')}`);
  }
  if (spec.sigma === undefined) throw new RangeError(`actionNoise (${spec.type}): sigma is required`);
  return spec.type === 'normal' ? new NormalActionNoise(spec, size, numEnvs) : new OrnsteinUhlenbeckActionNoise(spec, size, numEnvs);
}

function perDimension(who: string, name: string, value: number | readonly number[], size: number): Float64Array {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`actionNoise (${who}): ${name} must be finite, got ${value}`);
    return new Float64Array(size).fill(value);
  }
  if (!Array.isArray(value) || value.length !== size || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new RangeError(`actionNoise (${who}): ${name} must be a finite number or ${size} finite numbers (one per action dimension), got ${JSON.stringify(value)}`);
  }
  return Float64Array.from(value);
}

function assertNonNegative(who: string, name: string, values: Float64Array): void {
  for (const v of values) if (v < 0) throw new RangeError(`actionNoise (${who}): ${name} must be >= 0, got ${v}`);
}

function checkEnv(env: number, numEnvs: number): void {
  if (!Number.isInteger(env) || env < 0 || env >= numEnvs) throw new RangeError(`action noise: env index must be an integer in [0, ${numEnvs}), got ${env}`);
}
