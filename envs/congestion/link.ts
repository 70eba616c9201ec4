import type { Rng } from '../rng/rng.js';
import { TraceSchedule } from './trace.js';

/** A link's parameters: bandwidth (packets/s), one-way propagation delay (s), queue (packets), loss rate. */
export interface LinkParams {
  readonly bandwidth: number;
  readonly latency: number;
  readonly queue: number;
  readonly loss: number;
}

/**
 * A link with a drop-tail queue and random loss, as PCC-RL's `Link`: the queue is tracked as the delay (s)
 * a packet entering now would wait; it drains at one second per second, each accepted packet adds
 * 1 / bandwidth, and a packet that would push it past `queue / bandwidth` is dropped. With a trace, the
 * bandwidth in force when a packet enters is used.
 */
export class Link {
  private bandwidth = 1;
  private delay = 0;
  private lossRate = 0;
  private queuePackets = 1;
  private maxQueueDelay = 1;
  private queueDelay = 0;
  private queueDelayUpdateTime = 0;
  private schedule: TraceSchedule | null = null;

  constructor(params: LinkParams, schedule: TraceSchedule | null = null) {
    this.configure(params, schedule);
  }

  /** Changes the link's parameters (a new task or a drift); the queue's current content is kept. */
  configure(params: LinkParams, schedule: TraceSchedule | null = this.schedule): void {
    this.bandwidth = params.bandwidth;
    this.delay = params.latency;
    this.lossRate = params.loss;
    this.queuePackets = params.queue;
    this.maxQueueDelay = params.queue / params.bandwidth;
    this.schedule = schedule;
  }

  /** Empties the queue (start of an episode). */
  reset(): void {
    this.queueDelay = 0;
    this.queueDelayUpdateTime = 0;
    this.schedule?.reset();
  }

  /** Queueing delay a packet entering at `t` would see. */
  currentQueueDelay(t: number): number {
    return Math.max(0, this.queueDelay - (t - this.queueDelayUpdateTime));
  }

  /** Propagation plus queueing delay for a packet entering at `t` (PCC-RL's `get_cur_latency`). */
  currentLatency(t: number): number {
    return this.delay + this.currentQueueDelay(t);
  }

  /** Genet's delay noise for a packet entering at `t` (0 without a trace). */
  delayNoise(t: number, rng: Rng): number {
    return this.schedule === null ? 0 : this.schedule.delayNoise(t, rng);
  }

  /**
   * Offers a packet to the link at `t`; returns whether it is accepted (false: lost at random or dropped by a
   * full queue). PCC-RL draws the loss coin for every packet; drawing it only when the loss rate is positive
   * gives the same outcomes and keeps lossless links free of RNG calls.
   */
  packetEntersLink(t: number, rng: Rng): boolean {
    if (this.lossRate > 0 && rng.random() < this.lossRate) return false;
    this.queueDelay = this.currentQueueDelay(t);
    this.queueDelayUpdateTime = t;
    let extraDelay: number;
    let maxQueueDelay: number;
    if (this.schedule === null) {
      extraDelay = 1.0 / this.bandwidth;
      maxQueueDelay = this.maxQueueDelay;
    } else {
      const bandwidth = this.schedule.bandwidthAt(t);
      extraDelay = 1.0 / bandwidth;
      maxQueueDelay = this.queuePackets / bandwidth;
    }
    if (extraDelay + this.queueDelay > maxQueueDelay) return false;
    this.queueDelay += extraDelay;
    return true;
  }
}
