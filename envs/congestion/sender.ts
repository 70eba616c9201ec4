import { DELTA_SCALE, MAX_RATE, MIN_RATE } from './constants.js';

/**
 * Applies PCC-RL's rate update rule (`Sender.apply_rate_delta`): the action is scaled by 0.025; a
 * non-negative delta multiplies the rate by `1 + delta`, a negative one divides it by `1 − delta` (so equal
 * and opposite actions cancel), and the result is clamped to [40, 1000] packets/s.
 */
export function applyRateDelta(rate: number, action: number): number {
  const delta = action * DELTA_SCALE;
  let next = delta >= 0 ? rate * (1 + delta) : rate / (1 - delta);
  if (next > MAX_RATE) next = MAX_RATE;
  if (next < MIN_RATE) next = MIN_RATE;
  return next;
}

/**
 * The action that moves the rate from `rate` to `target` under {@link applyRateDelta} (before the clamp);
 * what a rate-based controller such as AIMD emits.
 */
export function actionForRate(rate: number, target: number): number {
  return target >= rate ? (target / rate - 1) / DELTA_SCALE : -(rate / target - 1) / DELTA_SCALE;
}

/**
 * The rate-based sender of PCC-RL: its sending rate, and the counters of the monitor interval in progress
 * (packets sent, acked, lost, and the RTT of each acked packet).
 */
export class Sender {
  /** Sending rate, packets/s. */
  rate: number;
  sent = 0;
  acked = 0;
  lost = 0;
  /** Start of the monitor interval in progress (simulated seconds). */
  intervalStart = 0;
  private samples = new Float64Array(1024);
  private sampleCount = 0;

  constructor(initialRate: number) {
    this.rate = initialRate;
  }

  /** RTT samples of the interval in progress (a view, valid until the next interval starts). */
  get rttSamples(): Float64Array {
    return this.samples.subarray(0, this.sampleCount);
  }

  /** Starts a new monitor interval at time `t` (PCC-RL's `reset_obs`). */
  startInterval(t: number): void {
    this.sent = 0;
    this.acked = 0;
    this.lost = 0;
    this.sampleCount = 0;
    this.intervalStart = t;
  }

  onPacketAcked(rtt: number): void {
    this.acked++;
    if (this.sampleCount === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.sampleCount++] = rtt;
  }
}
