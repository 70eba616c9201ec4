import type { Rng } from '../rng/rng.js';

/**
 * A Genet-style link trace (Genet, SIGCOMM 2022, `simulator/trace.py`): the bottleneck bandwidth holds a
 * value for `interval` seconds, then moves to the next one (the last value holds after the trace ends), and
 * the forward path adds random delay noise. Part of a task's JSON.
 */
export interface LinkTrace {
  /** Seconds between bandwidth changes (Genet's `T_s`). */
  readonly interval: number;
  /** Bandwidth of each interval, packets/s; `bandwidths[0]` is the task's `bandwidth`. */
  readonly bandwidths: readonly number[];
  /** Largest extra one-way delay a packet can get, seconds (Genet's `delay_noise`). */
  readonly delayNoise: number;
}

/**
 * The runtime side of a {@link LinkTrace}: bandwidth lookup by time and Genet's delay-noise rule.
 */
export class TraceSchedule {
  private readonly bandwidths: Float64Array;
  private lastNoiseTime = 0;

  constructor(readonly trace: LinkTrace) {
    this.bandwidths = Float64Array.from(trace.bandwidths);
  }

  /** The bandwidth (packets/s) in force at time `t` (seconds since the episode began). */
  bandwidthAt(t: number): number {
    const index = Math.floor(t / this.trace.interval);
    return this.bandwidths[index < this.bandwidths.length ? index : this.bandwidths.length - 1];
  }

  /**
   * Extra forward delay for a packet entering at time `t`. As in Genet's `get_delay_noise`, a fresh
   * U(0, delayNoise) draw is taken only when more than one packet time (1 / bandwidth) has passed since the
   * last draw; packets closer together than that (a standing queue) get none.
   */
  delayNoise(t: number, rng: Rng): number {
    if (this.trace.delayNoise <= 0) return 0;
    if (t - this.lastNoiseTime > 1 / this.bandwidthAt(t)) {
      this.lastNoiseTime = t;
      return rng.uniform(0, this.trace.delayNoise);
    }
    return 0;
  }

  /** Forgets the noise clock at the start of an episode. */
  reset(): void {
    this.lastNoiseTime = 0;
  }
}
