import { Box } from '../spaces/box.js';
import { FEATURES_PER_INTERVAL, HISTORY_LENGTH } from './constants.js';
import type { MonitorInterval } from './monitor-interval.js';

/**
 * Aurora's observation: the last {@link HISTORY_LENGTH} monitor intervals, oldest first, each as (sent
 * latency inflation, latency ratio, send ratio) — PCC-RL's `SenderHistory` with its default features.
 *
 * The latency ratio divides an interval's mean RTT by the connection's minimum mean RTT so far. PCC-RL keeps
 * that minimum in a module-level dict keyed by sender id and updates it lazily, the first time an interval's
 * features are computed; since each episode has a new sender, it is per episode, and an interval is evaluated
 * exactly once, when it joins the history. The empty intervals that fill the history at reset are evaluated
 * before any minimum exists, which makes them (0, 1, 1).
 */
export class ObservationHistory {
  /** Features of the intervals, oldest first, `HISTORY_LENGTH × FEATURES_PER_INTERVAL`. */
  private readonly features = new Float64Array(HISTORY_LENGTH * FEATURES_PER_INTERVAL);
  /** The connection's minimum mean RTT so far in the episode, s (0: none yet). */
  private minLatency = 0;

  constructor() {
    this.reset();
  }

  /** Fills the history with empty intervals and forgets the minimum RTT (start of an episode). */
  reset(): void {
    for (let i = 0; i < HISTORY_LENGTH; i++) this.features.set(EMPTY_INTERVAL_FEATURES, i * FEATURES_PER_INTERVAL);
    this.minLatency = 0;
  }

  /** The connection's minimum mean RTT so far (0 before any ack). */
  get connectionMinLatency(): number {
    return this.minLatency;
  }

  /** Appends an interval's features (dropping the oldest interval). */
  push(interval: MonitorInterval): void {
    const latency = interval.avgLatency();
    // PCC-RL's `_mi_metric_conn_min_latency`: a positive mean RTT lowers (or sets) the minimum.
    if (latency > 0 && (this.minLatency === 0 || latency < this.minLatency)) this.minLatency = latency;
    const latencyRatio = this.minLatency > 0 ? latency / this.minLatency : 1.0;
    const features = this.features;
    features.copyWithin(0, FEATURES_PER_INTERVAL);
    const last = (HISTORY_LENGTH - 1) * FEATURES_PER_INTERVAL;
    features[last] = interval.sentLatencyInflation();
    features[last + 1] = latencyRatio;
    features[last + 2] = interval.sendRatio();
  }

  /** Writes the observation (float32) into `out` and returns it. */
  write(out: Float32Array = new Float32Array(OBSERVATION_SIZE)): Float32Array {
    out.set(this.features);
    return out;
  }

  /** The features at full (float64) precision, as PCC-RL returns them. */
  values(): Float64Array {
    return this.features.slice();
  }
}

/** Features of an interval without packets, evaluated before any RTT was seen. */
const EMPTY_INTERVAL_FEATURES = [0, 1, 1];

/** Length of the observation vector. */
export const OBSERVATION_SIZE = HISTORY_LENGTH * FEATURES_PER_INTERVAL;

/**
 * The observation space. PCC-RL declares per interval [−1, 10] × [1, 10000] × [0, 1000], but its own
 * features leave those bounds: the latency ratio is 0 for an interval without acks once a minimum exists,
 * and with traces the inflation can exceed them. The space here holds every value the simulator can
 * produce: inflation unbounded, latency ratio in [0, ∞), send ratio in [0, 1000] (the metric returns 1
 * above 1000).
 */
export function observationSpace(): Box {
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 0; i < HISTORY_LENGTH; i++) {
    low.push(-Infinity, 0, 0);
    high.push(Infinity, Infinity, 1000);
  }
  return new Box(low, high, { dtype: 'float32' });
}
