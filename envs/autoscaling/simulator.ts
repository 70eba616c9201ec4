import { RUNTIME_BASE_MIB } from './segments.js';
import { resourceCost, serviceModel, type ApplicationSegment, type ResourceConfig, type ServiceModel } from './application.js';
import { ResponseTail, erlangC } from './queueing.js';

/** What one control interval produced (written into a caller-owned object, so stepping allocates nothing). */
export interface IntervalMetrics {
  /** Requests that arrived. */
  arrivals: number;
  /** Requests that finished (from this interval's arrivals and the backlog), failed ones included. */
  served: number;
  /** Requests OOM-killed (a part of `served`). */
  failed: number;
  /** Requests dropped because the backlog passed its bound (they would have timed out). */
  dropped: number;
  /** Requests still queued at the end of the interval. */
  backlog: number;
  /** Mean response time of this interval's arrivals (s). */
  meanLatencyS: number;
  /** 95th percentile of the response time (s). */
  p95LatencyS: number;
  /** CPU time used / CPU limit allocated, in [0, 1]. */
  cpuUtilization: number;
  /** Memory in use / memory limit allocated, in [0, 1]. */
  memoryUtilization: number;
  /** Cost of the allocated resources over the interval ($). */
  cost: number;
}

/** Creates a zeroed {@link IntervalMetrics}. */
export function emptyMetrics(): IntervalMetrics {
  return { arrivals: 0, served: 0, failed: 0, dropped: 0, backlog: 0, meanLatencyS: 0, p95LatencyS: 0, cpuUtilization: 0, memoryUtilization: 0, cost: 0 };
}

/** Parameters of the simulator besides the application. */
export interface SimulatorOptions {
  /** Length of a control interval (s). */
  readonly controlIntervalS: number;
  /** Time for a new or restarted replica to become ready (s). */
  readonly coldStartS: number;
  /** Requests that would wait longer than this are dropped (the backlog bound is timeoutS × capacity). */
  readonly timeoutS: number;
}

/** A service model with the quantities the queueing model derives from it. */
interface CachedModel {
  readonly model: ServiceModel;
  readonly rate: number;
  /** Service time approximated as shift + Exp(tailRate), matching its mean and variance when cs ≤ 1. */
  readonly shiftS: number;
  readonly tailRate: number;
}

/** The stationary (M/G/c) waiting regime at a load: Erlang C, the conditional wait rate, the mean wait. */
export interface StationaryWait {
  /** Probability of waiting. */
  pWait: number;
  /** Rate of the exponential wait, given that a request waits (1 / conditional mean wait). */
  waitRate: number;
  /** Mean wait over all requests (s). */
  meanWaitS: number;
}

/**
 * The stationary wait of an M/G/c queue with `servers` servers by Allen–Cunneen: Erlang C for the
 * probability of waiting, and an exponential conditional wait of mean (1 + cs²)/2 / (cμ − λ). The wait is
 * capped at `timeoutS`, since the bounded backlog drops what would wait longer. Writes into `out`.
 */
export function stationaryWait(arrivalRate: number, model: ServiceModel, servers: number, timeoutS: number, out: StationaryWait): StationaryWait {
  const mu = 1 / model.meanS;
  const load = arrivalRate / mu;
  if (arrivalRate <= 0) {
    out.pWait = 0;
    out.waitRate = Infinity;
    out.meanWaitS = 0;
    return out;
  }
  const pWait = erlangC(servers, load);
  const conditional = load < servers ? Math.min(timeoutS, (0.5 * (1 + model.scv)) / (servers * mu - arrivalRate)) : timeoutS;
  out.pWait = pWait;
  out.waitRate = 1 / conditional;
  out.meanWaitS = pWait * conditional;
  return out;
}

/** Splits the service time into a fixed part and an exponential tail with the same mean and variance (cs ≤ 1). */
function serviceShape(model: ServiceModel): { shiftS: number; tailRate: number } {
  const cs = Math.sqrt(model.scv);
  const tailMean = Math.max(1e-6, model.meanS * Math.min(cs, 1));
  return { shiftS: model.meanS - tailMean > 0 ? model.meanS - tailMean : 0, tailRate: 1 / tailMean };
}

/**
 * The analytic simulator of one application, one control interval at a time. In each interval, arrivals
 * come at a uniform rate; the replicas serve at c·μ; a fluid backlog carries over when arrivals exceed
 * capacity and is bounded (excess dropped); while no backlog is queued, waits follow the stationary M/G/c
 * model (Erlang C with the Allen–Cunneen correction). A configuration change takes effect at the start of
 * the next interval: added replicas serve only after the cold start, and a vertical change restarts the
 * replicas one at a time (one fewer serving for replicas × cold start).
 */
export class AutoscalingSimulator {
  private readonly cache = new Map<number, CachedModel>();
  private readonly tail = new ResponseTail();
  private readonly wait: StationaryWait = { pWait: 0, waitRate: 0, meanWaitS: 0 };
  private current: ResourceConfig;
  private previous: ResourceConfig;
  private queued = 0;
  // Accumulators of the interval being simulated.
  private served = 0;
  private dropped = 0;
  private waitSum = 0;
  private busyServerS = 0;
  private cpuS = 0;
  private failed = 0;

  constructor(
    readonly segments: readonly ApplicationSegment[],
    readonly options: SimulatorOptions,
    config: ResourceConfig,
  ) {
    this.current = config;
    this.previous = config;
  }

  /** The configuration in effect. */
  get config(): ResourceConfig {
    return this.current;
  }

  /** Requests queued now. */
  get backlog(): number {
    return this.queued;
  }

  /** Starts over with warm replicas in `config` and an empty queue. */
  reset(config: ResourceConfig): void {
    this.current = config;
    this.previous = config;
    this.queued = 0;
  }

  /** Changes the configuration from the next interval on (see the class comment for the transition). */
  reconfigure(config: ResourceConfig): void {
    this.current = config;
  }

  /** The (cached) service model of the application at a CPU and memory limit. */
  serviceModelAt(cpuMillicores: number, memoryMiB: number): ServiceModel {
    return this.cached(cpuMillicores, memoryMiB).model;
  }

  private cached(cpuMillicores: number, memoryMiB: number): CachedModel {
    const key = cpuMillicores * 65536 + memoryMiB;
    let entry = this.cache.get(key);
    if (entry === undefined) {
      const model = serviceModel(this.segments, cpuMillicores, memoryMiB);
      entry = { model, rate: 1 / model.meanS, ...serviceShape(model) };
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** Simulates one control interval with `arrivals` requests; writes the results into `out`. */
  runInterval(arrivals: number, out: IntervalMetrics): IntervalMetrics {
    const { controlIntervalS: duration, coldStartS } = this.options;
    const cur = this.current;
    const prev = this.previous;
    const entry = this.cached(cur.cpuMillicores, cur.memoryMiB);
    const rate = arrivals / duration;
    this.served = 0;
    this.dropped = 0;
    this.waitSum = 0;
    this.busyServerS = 0;
    this.cpuS = 0;
    this.failed = 0;
    this.tail.clear();

    let warmupS = 0;
    let warmupServers = cur.replicas;
    if (cur.cpuMillicores !== prev.cpuMillicores || cur.memoryMiB !== prev.memoryMiB) {
      warmupS = Math.min(cur.replicas * coldStartS, duration);
      warmupServers = Math.max(1, Math.min(prev.replicas, cur.replicas) - 1);
    } else if (cur.replicas > prev.replicas) {
      warmupS = Math.min(coldStartS, duration);
      warmupServers = prev.replicas;
    }
    if (warmupS > 0) this.runPhase(rate, warmupServers, entry, warmupS);
    if (duration - warmupS > 0) this.runPhase(rate, cur.replicas, entry, duration - warmupS);
    this.previous = cur;

    const model = entry.model;
    const allocatedServerS = cur.replicas * duration;
    const busyFraction = Math.min(1, this.busyServerS / allocatedServerS);
    out.arrivals = arrivals;
    out.served = this.served;
    out.failed = this.failed;
    out.dropped = this.dropped;
    out.backlog = this.queued;
    out.meanLatencyS = model.meanS + (arrivals > 0 ? this.waitSum / arrivals : 0);
    if (arrivals <= 0) this.tail.add(1, entry.shiftS, 0, Infinity, entry.tailRate);
    out.p95LatencyS = this.tail.quantile(0.95);
    out.cpuUtilization = Math.min(1, this.cpuS / (allocatedServerS * (cur.cpuMillicores / 1000)));
    const inUse = RUNTIME_BASE_MIB + busyFraction * (model.footprintMiB - RUNTIME_BASE_MIB);
    out.memoryUtilization = Math.min(1, inUse / cur.memoryMiB);
    out.cost = resourceCost(cur, duration);
    return out;
  }

  /**
   * One phase of an interval with a fixed number of serving replicas: the fluid backlog B(t) moves at
   * λ − cμ, bounded by timeoutS·cμ (the excess is dropped) and by 0. Arrivals while B > 0 wait B/cμ on
   * average; arrivals while B = 0 see the stationary M/G/c wait.
   */
  private runPhase(rate: number, servers: number, entry: CachedModel, duration: number): void {
    const { model } = entry;
    const capacity = servers * entry.rate;
    const bound = this.options.timeoutS * capacity;
    let b0 = this.queued;
    if (b0 > bound) {
      this.dropped += b0 - bound;
      b0 = bound;
    }
    const net = rate - capacity;
    let b1: number;
    let area: number;
    let emptyS: number;
    let served: number;
    if (net > 0) {
      const hitS = (bound - b0) / net;
      if (hitS >= duration) {
        b1 = b0 + net * duration;
        area = 0.5 * (b0 + b1) * duration;
      } else {
        b1 = bound;
        area = 0.5 * (b0 + bound) * hitS + bound * (duration - hitS);
        this.dropped += net * (duration - hitS);
      }
      served = capacity * duration;
      emptyS = 0;
    } else if (net < 0) {
      const drainS = b0 / -net;
      if (drainS >= duration) {
        b1 = b0 + net * duration;
        area = 0.5 * (b0 + b1) * duration;
        emptyS = 0;
      } else {
        b1 = 0;
        area = 0.5 * b0 * drainS;
        emptyS = duration - drainS;
      }
      served = rate * duration + b0 - b1;
    } else {
      b1 = b0;
      area = b0 * duration;
      emptyS = b0 === 0 ? duration : 0;
      served = rate * duration;
    }
    this.queued = b1;

    const busyArrivals = rate * (duration - emptyS);
    const emptyArrivals = rate * emptyS;
    if (busyArrivals > 0) {
      const fluidWait = area / (duration - emptyS) / capacity;
      this.waitSum += busyArrivals * fluidWait;
      this.tail.add(busyArrivals, entry.shiftS + fluidWait, 0, Infinity, entry.tailRate);
    }
    if (emptyArrivals > 0) {
      const w = stationaryWait(rate, model, servers, this.options.timeoutS, this.wait);
      this.waitSum += emptyArrivals * w.meanWaitS;
      this.tail.add(emptyArrivals, entry.shiftS, w.pWait, w.waitRate, entry.tailRate);
    }
    this.served += served;
    this.failed += served * model.failureFraction;
    this.busyServerS += served * model.meanS;
    this.cpuS += served * model.cpuSecondsPerRequest;
  }
}

/** Steady-state latency of a configuration at a constant arrival rate (for the oracle and tests). */
export interface SteadyState {
  /** Whether the arrival rate is below capacity. */
  readonly stable: boolean;
  readonly meanLatencyS: number;
  readonly p95LatencyS: number;
  readonly failureFraction: number;
}

/**
 * The steady state of `servers` replicas with a service model at a constant arrival rate: the stationary
 * M/G/c response time (the same formulas the simulator uses while no backlog is queued). Unstable loads
 * return `stable: false` and infinite latency.
 */
export function steadyState(arrivalRate: number, model: ServiceModel, servers: number, timeoutS: number, tail = new ResponseTail()): SteadyState {
  if (arrivalRate >= servers / model.meanS) {
    return { stable: false, meanLatencyS: Infinity, p95LatencyS: Infinity, failureFraction: model.failureFraction };
  }
  const w = stationaryWait(arrivalRate, model, servers, timeoutS, { pWait: 0, waitRate: 0, meanWaitS: 0 });
  const { shiftS, tailRate } = serviceShape(model);
  tail.clear();
  tail.add(1, shiftS, w.pWait, w.waitRate, tailRate);
  return { stable: true, meanLatencyS: model.meanS + w.meanWaitS, p95LatencyS: tail.quantile(0.95), failureFraction: model.failureFraction };
}
