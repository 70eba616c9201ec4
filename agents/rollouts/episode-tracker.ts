import type { EpisodeRecord } from '../common/env-batch.js';

/**
 * SB3's Monitor over a batch of sub-envs, fed with steps that were taken elsewhere (by rollout workers):
 * sums rewards and counts steps per sub-env, skipping Gymnasium next-step autoreset steps (which belong to
 * no episode), and reports each finished episode in sub-env order within a step — the same records, in
 * the same order, as the local env batch's monitor.
 */
export class EpisodeTracker {
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;

  constructor(readonly numEnvs: number) {
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
  }

  /** Forgets the episodes in progress (after the envs were reset). */
  clear(): void {
    this.returns.fill(0);
    this.lengths.fill(0);
  }

  /** Accounts one step of every sub-env; returns the episodes that ended in it. */
  step(rewards: ArrayLike<number>, terminated: ArrayLike<number>, truncated: ArrayLike<number>, resetSteps: ArrayLike<number>): EpisodeRecord[] {
    const finished: EpisodeRecord[] = [];
    for (let i = 0; i < this.numEnvs; i++) {
      if (resetSteps[i] === 1) continue;
      this.returns[i] += rewards[i];
      this.lengths[i] += 1;
      if (terminated[i] === 1 || truncated[i] === 1) {
        finished.push({ r: this.returns[i], l: this.lengths[i] });
        this.returns[i] = 0;
        this.lengths[i] = 0;
      }
    }
    return finished;
  }
}
