import type { Rng } from '../rng/rng.js';
import { INITIAL_INTERVAL_LATENCIES, INTERVAL_RTT_FRACTION } from './constants.js';
import { Link, type LinkParams } from './link.js';
import type { MonitorInterval } from './monitor-interval.js';
import { Network } from './network.js';
import { Sender, applyRateDelta } from './sender.js';
import { TraceSchedule, type LinkTrace } from './trace.js';

/** What the simulator needs to start an episode: the link, the sender's initial rate, optionally a trace. */
export interface SimulationSetup extends LinkParams {
  readonly initialRate: number;
  readonly trace?: LinkTrace;
}

/**
 * The Aurora model without the RL interface: one sender over a forward and a return link with the same
 * parameters (PCC-RL's `SimulatedNetworkEnv` minus observation and reward), stepped one monitor interval at
 * a time. The first interval lasts 3 × the one-way latency; each later one half the previous interval's
 * mean RTT (unchanged after an interval without acks). `reset` runs two warm-up intervals, as PCC-RL does.
 */
export class AuroraSimulation {
  readonly sender: Sender;
  readonly forward: Link;
  readonly back: Link;
  readonly network: Network;
  /** Length of the next monitor interval, s. */
  intervalDuration: number;

  constructor(setup: SimulationSetup, rng: Rng) {
    this.sender = new Sender(setup.initialRate);
    const schedule = setup.trace ? new TraceSchedule(setup.trace) : null;
    this.forward = new Link(setup, schedule);
    this.back = new Link(setup);
    this.network = new Network(this.sender, this.forward, this.back, rng);
    this.intervalDuration = INITIAL_INTERVAL_LATENCIES * setup.latency;
    this.warmUp();
  }

  /** Simulated time, s. */
  get time(): number {
    return this.network.time;
  }

  /** The sender's current rate, packets/s. */
  get rate(): number {
    return this.sender.rate;
  }

  /** Applies a rate action (PCC-RL's rule), runs one monitor interval, and returns what it measured. */
  step(action: number): MonitorInterval {
    this.sender.rate = applyRateDelta(this.sender.rate, action);
    const interval = this.network.runFor(this.intervalDuration);
    const latency = interval.avgLatency();
    if (latency > 0) this.intervalDuration = INTERVAL_RTT_FRACTION * latency;
    return interval;
  }

  /** Changes the links' parameters mid-episode (a task drift); queued packets stay queued. */
  reconfigure(params: LinkParams): void {
    this.forward.configure(params);
    this.back.configure(params, null);
  }

  private warmUp(): void {
    this.network.runFor(this.intervalDuration);
    this.network.runFor(this.intervalDuration);
  }
}
