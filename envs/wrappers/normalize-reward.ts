import type { Env, StepResult } from '../core/env.js';
import { EnvError, InvalidOptionError, describeValue } from '../core/errors.js';
import { Wrapper } from '../core/wrapper.js';
import { checkNumber } from './argument-checks.js';
import { RunningMeanStd, type RunningMeanStdState } from './running-mean-std.js';

/** Options of {@link NormalizeReward}. */
export interface NormalizeRewardOptions {
  /** Discount of the running return whose variance scales rewards (default 0.99). */
  gamma?: number;
  /** Added to the variance before the square root (default 1e-8). */
  epsilon?: number;
  /** Whether steps update the statistics (default true); false freezes them. */
  updateRunningMean?: boolean;
}

/** Saved state of a {@link NormalizeReward}: the return statistics and the running discounted return. */
export interface NormalizeRewardState {
  returnRms: RunningMeanStdState;
  discountedReward: number;
}

/**
 * Scales rewards so that their discounted sum has roughly unit variance (Gymnasium 1.x `NormalizeReward`):
 * each step, `G ← G·γ·(1 − terminated) + r` updates a running variance of G, and the reward returned is
 * `r / √(var(G) + ε)` (not centred: see openai/baselines#538). As in Gymnasium, G is reset only by
 * `terminated` — not by truncation nor by `reset()`.
 */
export class NormalizeReward<Obs, Act> extends Wrapper<Obs, Act> {
  /** The running statistics of the discounted return. */
  readonly returnRms = new RunningMeanStd(1);
  readonly gamma: number;
  readonly epsilon: number;
  /** Whether steps update the statistics; set false to freeze them. */
  updateRunningMean: boolean;
  /** The running discounted return G. */
  discountedReward = 0;
  private readonly sample = new Float64Array(1);

  constructor(env: Env<Obs, Act>, options: NormalizeRewardOptions = {}) {
    super(env);
    const { gamma = 0.99, epsilon = 1e-8, updateRunningMean = true } = options;
    this.gamma = checkNumber('NormalizeReward', 'gamma', gamma, 0, 1);
    this.epsilon = checkNumber('NormalizeReward', 'epsilon', epsilon, 0, Infinity, true);
    if (typeof updateRunningMean !== 'boolean') {
      throw new InvalidOptionError(`NormalizeReward: updateRunningMean must be true or false, got ${describeValue(updateRunningMean)}`);
    }
    this.updateRunningMean = updateRunningMean;
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    if (!Number.isFinite(r.reward)) {
      // A NaN or infinite reward would poison the running return for good: refuse it, statistics untouched.
      throw new EnvError(`NormalizeReward: the env returned the non-finite reward ${describeValue(r.reward)}`);
    }
    this.discountedReward = this.discountedReward * this.gamma * (r.terminated ? 0 : 1) + r.reward;
    if (this.updateRunningMean) {
      this.sample[0] = this.discountedReward;
      this.returnRms.update(this.sample, 1);
    }
    const reward = r.reward / Math.sqrt(this.returnRms.var[0] + this.epsilon);
    return { observation: r.observation, reward, terminated: r.terminated, truncated: r.truncated, info: r.info };
  }

  /** The statistics and running return as plain JSON. */
  getState(): NormalizeRewardState {
    return { returnRms: this.returnRms.getState(), discountedReward: this.discountedReward };
  }

  /** Restores {@link NormalizeReward.getState}; a malformed state throws and changes nothing. */
  setState(state: NormalizeRewardState): void {
    if (state === null || typeof state !== 'object' || typeof state.discountedReward !== 'number' || !Number.isFinite(state.discountedReward)) {
      throw new InvalidOptionError(
        `NormalizeReward.setState: state must be { returnRms, discountedReward: finite number }, got ${describeValue(state)}`,
      );
    }
    this.returnRms.setState(state.returnRms);
    this.discountedReward = state.discountedReward;
  }
}
