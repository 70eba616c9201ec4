import type { Rng } from '../rng/rng.js';
import type { DriftEvent } from '../tasks/task.js';
import type { AutoscalingTask } from './tasks.js';
import { compilePattern, lognormalSigma, type CompiledPattern } from './workload.js';

/**
 * The workload of one episode of a task: the arrival rate at each control interval, with the task's drift
 * applied at its steps. Drift events are applied incrementally as the episode reaches them, so stepping
 * neither copies the task nor recompiles its pattern.
 */
export class EpisodeWorkload {
  private rate: number;
  private pattern: CompiledPattern;
  private sigma: number;
  private nextEvent = 0;
  private readonly events: readonly DriftEvent[];

  constructor(
    readonly task: AutoscalingTask,
    readonly controlIntervalS: number,
  ) {
    this.rate = task.rate;
    this.pattern = compilePattern(task.pattern);
    this.sigma = lognormalSigma(task.noise);
    this.events = task.drift ?? [];
  }

  /** Applies the drift events due at or before `step` (steps must be visited in increasing order). */
  advanceTo(step: number): void {
    while (this.nextEvent < this.events.length && this.events[this.nextEvent].atStep <= step) {
      const set = this.events[this.nextEvent++].set as Partial<AutoscalingTask>;
      if (set.rate !== undefined) this.rate = set.rate;
      if (set.pattern !== undefined) this.pattern = compilePattern(set.pattern);
      if (set.noise !== undefined) this.sigma = lognormalSigma(set.noise);
    }
  }

  /** The expected arrival rate (requests/s) of interval `step`, noise excluded (its mean is 1). */
  expectedRate(step: number): number {
    return this.rate * this.pattern(step * this.controlIntervalS);
  }

  /**
   * Draws the number of arrivals of interval `step`: Poisson with mean rate × pattern × noise × interval,
   * where the noise is a mean-one lognormal with the task's coefficient of variation.
   */
  drawArrivals(step: number, rng: Rng): number {
    let rate = this.expectedRate(step);
    if (this.sigma > 0) rate *= Math.exp(rng.normal(-0.5 * this.sigma * this.sigma, this.sigma));
    return rng.poisson(Math.max(0, rate) * this.controlIntervalS);
  }
}
