/**
 * On-policy storage for one rollout of `nSteps` steps of `numEnvs` envs (SB3's `RolloutBuffer`), laid out
 * step-major (`index = step * numEnvs + env`), with GAE(λ) returns and advantages.
 *
 * `done[k]` marks a step after which the episode ended (its successor is not bootstrapped); truncated
 * episodes must already have `γ·V(final observation)` added to their last reward (SB3's rule).
 * `valid[k] = 0` marks a Gymnasium next-step autoreset step, whose action the env ignored: it is left out
 * of advantages, statistics and minibatches.
 */
export class RolloutBuffer {
  readonly size: number;
  readonly observations: Float32Array;
  /** Actions as sampled (unclipped for Box spaces; the index for Discrete ones), `[size × actionDim]`. */
  readonly actions: Float32Array;
  readonly rewards: Float64Array;
  readonly done: Uint8Array;
  readonly valid: Uint8Array;
  readonly values: Float64Array;
  readonly logProbs: Float64Array;
  readonly advantages: Float64Array;
  readonly returns: Float64Array;
  /** Number of steps (of all envs) stored so far. */
  pos = 0;

  constructor(
    readonly nSteps: number,
    readonly numEnvs: number,
    readonly obsSize: number,
    readonly actionDim: number,
  ) {
    this.size = nSteps * numEnvs;
    this.observations = new Float32Array(this.size * obsSize);
    this.actions = new Float32Array(this.size * actionDim);
    this.rewards = new Float64Array(this.size);
    this.done = new Uint8Array(this.size);
    this.valid = new Uint8Array(this.size);
    this.values = new Float64Array(this.size);
    this.logProbs = new Float64Array(this.size);
    this.advantages = new Float64Array(this.size);
    this.returns = new Float64Array(this.size);
  }

  /** Whether `nSteps` steps have been stored. */
  get full(): boolean {
    return this.pos === this.nSteps;
  }

  /** Empties the buffer. */
  reset(): void {
    this.pos = 0;
  }

  /** Index of env `i` at the current step (write the step's fields there, then call {@link advance}). */
  index(i: number): number {
    if (this.pos >= this.nSteps) throw new RangeError('RolloutBuffer is full; call reset()');
    return this.pos * this.numEnvs + i;
  }

  /** Completes the current step. */
  advance(): void {
    this.pos += 1;
  }

  /**
   * Computes GAE(λ) advantages and returns (`returns = advantages + values`, SB3's TD(λ) estimate), given
   * the value of the observations after the last step.
   */
  computeReturnsAndAdvantage(lastValues: ArrayLike<number>, gamma: number, gaeLambda: number): void {
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) {
      let gae = 0;
      for (let t = this.nSteps - 1; t >= 0; t--) {
        const k = t * n + i;
        if (this.valid[k] === 0) {
          this.advantages[k] = 0;
          this.returns[k] = 0;
          gae = 0;
          continue;
        }
        const nextNonTerminal = this.done[k] === 1 ? 0 : 1;
        const nextValue = t === this.nSteps - 1 ? lastValues[i] : this.values[k + n];
        const delta = this.rewards[k] + gamma * nextValue * nextNonTerminal - this.values[k];
        gae = delta + gamma * gaeLambda * nextNonTerminal * gae;
        this.advantages[k] = gae;
        this.returns[k] = gae + this.values[k];
      }
    }
  }

  /** Indices of the valid entries (all of them unless next-step autoreset steps were stored). */
  validIndices(): Int32Array {
    let count = 0;
    for (let k = 0; k < this.size; k++) count += this.valid[k];
    const out = new Int32Array(count);
    let j = 0;
    for (let k = 0; k < this.size; k++) if (this.valid[k] === 1) out[j++] = k;
    return out;
  }
}
