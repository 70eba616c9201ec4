/** Settings of {@link DriftDetector} (AWARE's re-training trigger). */
export interface DriftDetectorOptions {
  /** Episodes in the window (AWARE: 10). */
  readonly window?: number;
  /** Trigger when the window's mean return falls below this. */
  readonly meanBelow: number;
  /** Trigger when the window's (population) std of returns reaches this (AWARE: 10). */
  readonly stdAtLeast?: number;
}

/**
 * AWARE's serving-time trigger: over the last `window` episode returns, re-adapt when the mean falls
 * below a threshold or the standard deviation reaches a bound. Fires only on a full window.
 */
export class DriftDetector {
  readonly window: number;
  readonly meanBelow: number;
  readonly stdAtLeast: number;
  private returns: number[] = [];

  constructor(options: DriftDetectorOptions) {
    this.window = options.window ?? 10;
    this.meanBelow = options.meanBelow;
    this.stdAtLeast = options.stdAtLeast ?? 10;
    if (!Number.isInteger(this.window) || this.window < 1) throw new RangeError(`DriftDetector: window must be an integer >= 1, got ${this.window}`);
    if (!Number.isFinite(this.meanBelow)) throw new RangeError(`DriftDetector: meanBelow must be a finite number, got ${this.meanBelow}`);
    if (!(this.stdAtLeast > 0)) throw new RangeError(`DriftDetector: stdAtLeast must be > 0, got ${this.stdAtLeast}`);
  }

  /** Adds an episode's return; true when re-adaptation should start. */
  push(episodeReturn: number): boolean {
    this.returns.push(episodeReturn);
    if (this.returns.length > this.window) this.returns.shift();
    if (this.returns.length < this.window) return false;
    const mean = this.returns.reduce((a, b) => a + b, 0) / this.window;
    const std = Math.sqrt(this.returns.reduce((a, b) => a + (b - mean) ** 2, 0) / this.window);
    return mean < this.meanBelow || std >= this.stdAtLeast;
  }

  /** Forgets the window (after re-adaptation). */
  reset(): void {
    this.returns = [];
  }
}
