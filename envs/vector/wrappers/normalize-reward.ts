import { InvalidOptionError, describeValue } from '../../core/errors.js';
import { RunningMeanStd, type RunningMeanStdState } from '../../wrappers/running-mean-std.js';
import type { VectorEnv, VectorResetArgs, VectorResetResult, VectorStepResult } from '../vector-env.js';
import { VectorWrapper } from './vector-wrapper.js';

/** Options of {@link NormalizeRewardVec}. */
export interface NormalizeRewardVecOptions {
  /** Discount of the accumulated return whose variance scales rewards (Gymnasium's 0.99). */
  gamma?: number;
  /** Added to the variance before the square root (Gymnasium's 1e-8). */
  epsilon?: number;
  /** Whether steps update the statistics. */
  updateRunningMean?: boolean;
}

/**
 * Gymnasium's vector `NormalizeReward`: per sub-env, a discounted return `G ← G·γ·(1 − terminated) + r`
 * feeds one running variance (all sub-envs, each step a batch of `numEnvs`), and rewards are returned as
 * `r / sqrt(var + epsilon)` (not centred, so signs are kept).
 */
export class NormalizeRewardVec<Obs = unknown, Act = unknown> extends VectorWrapper<Obs, Act> {
  readonly returnRms = new RunningMeanStd(1);
  readonly accumulatedReward: Float64Array;
  updateRunningMean: boolean;
  private readonly gamma: number;
  private readonly epsilon: number;
  private readonly out: Float64Array;

  constructor(env: VectorEnv<Obs, Act>, options: NormalizeRewardVecOptions = {}) {
    super(env);
    const { gamma = 0.99, epsilon = 1e-8, updateRunningMean = true } = options;
    if (typeof gamma !== 'number' || !(gamma >= 0 && gamma <= 1)) throw new InvalidOptionError(`NormalizeRewardVec: gamma must be in [0, 1], got ${describeValue(gamma)}`);
    if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new InvalidOptionError(`NormalizeRewardVec: epsilon must be a finite number > 0, got ${describeValue(epsilon)}`);
    }
    this.gamma = gamma;
    this.epsilon = epsilon;
    this.updateRunningMean = updateRunningMean;
    this.accumulatedReward = new Float64Array(env.numEnvs);
    this.out = new Float64Array(env.numEnvs);
  }

  /** The statistics, for saving with a trained policy. */
  getState(): RunningMeanStdState {
    return this.returnRms.getState();
  }

  /** Restores statistics from {@link NormalizeRewardVec.getState}. */
  setState(state: RunningMeanStdState): void {
    this.returnRms.setState(state);
  }

  protected override transformReset(args: VectorResetArgs, result: VectorResetResult): VectorResetResult {
    for (const i of this.resetIndices(args)) this.accumulatedReward[i] = 0;
    return result;
  }

  protected override transformStep(result: VectorStepResult): VectorStepResult {
    const { rewards, terminations } = result;
    for (let i = 0; i < this.numEnvs; i++) {
      this.accumulatedReward[i] = this.accumulatedReward[i] * this.gamma * (1 - terminations[i]) + rewards[i];
    }
    if (this.updateRunningMean) this.returnRms.update(this.accumulatedReward, this.numEnvs);
    const scale = Math.sqrt(this.returnRms.var[0] + this.epsilon);
    for (let i = 0; i < this.numEnvs; i++) this.out[i] = rewards[i] / scale;
    return { ...result, rewards: this.out };
  }
}
