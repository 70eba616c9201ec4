import type { Rng } from '../rng/rng.js';
import { serviceModel, type ApplicationSegment, type ResourceConfig } from './application.js';
import { lognormalSigma } from './workload.js';

/** Options of {@link simulateRequests}. */
export interface DesOptions {
  readonly segments: readonly ApplicationSegment[];
  readonly config: ResourceConfig;
  /** Poisson arrival rate (requests/s). */
  readonly arrivalRate: number;
  /** Simulated time (s) after the warm-up. */
  readonly durationS: number;
  /** Simulated time (s) whose arrivals are not measured, so the queue starts from its stationary state. */
  readonly warmupS?: number;
  readonly rng: Rng;
  /**
   * How a segment's time varies: `lognormal` (default) around the segment's mean with its cv, as the
   * application is modelled; `exponential` draws the whole service time from an exponential of the same
   * mean (M/M/c, to check the closed forms).
   */
  readonly serviceDistribution?: 'lognormal' | 'exponential';
}

/** Measured results of a discrete-event run. */
export interface DesResult {
  /** Measured requests (arrivals after the warm-up that finished). */
  readonly requests: number;
  readonly failed: number;
  readonly meanLatencyS: number;
  readonly p95LatencyS: number;
  /** Mean service time of the measured requests (s). */
  readonly meanServiceS: number;
  /** Fraction of the measured period the replicas were busy. */
  readonly busyFraction: number;
}

/**
 * A request-level discrete-event simulation of an application on `config.replicas` replicas with one
 * FCFS queue (each replica serves one request at a time): Poisson arrivals; each request draws each
 * segment's time from a mean-one-cv lognormal around the segment's mean at the configuration (the same
 * {@link serviceModel} the analytic simulator uses), and fails (OOM) with the model's failure fraction.
 * Serving each arrival, in order, on the replica that frees first is exactly FCFS for c servers.
 * It exists to validate the analytic model, so it is simple rather than fast.
 */
export function simulateRequests(options: DesOptions): DesResult {
  const { segments, config, arrivalRate, durationS, rng } = options;
  const warmupS = options.warmupS ?? 0;
  if (!(arrivalRate > 0) || !(durationS > 0)) throw new RangeError(`simulateRequests: arrivalRate and durationS must be > 0, got ${arrivalRate}, ${durationS}`);
  const model = serviceModel(segments, config.cpuMillicores, config.memoryMiB);
  const mus = Array.from(model.segmentMeansS, (mean, i) => {
    const sigma = lognormalSigma(model.segmentCvs[i]);
    return { mean, sigma, mu: mean > 0 ? Math.log(mean) - 0.5 * sigma * sigma : -Infinity };
  });
  const exponential = options.serviceDistribution === 'exponential';
  const drawService = (): number => {
    if (exponential) return rng.exponential(model.meanS);
    let s = 0;
    for (const seg of mus) if (seg.mean > 0) s += seg.sigma > 0 ? Math.exp(rng.normal(seg.mu, seg.sigma)) : seg.mean;
    return s;
  };

  const freeAt = new Float64Array(config.replicas);
  const latencies: number[] = [];
  const end = warmupS + durationS;
  let t = 0;
  let failed = 0;
  let serviceSum = 0;
  let busyInWindow = 0;
  for (;;) {
    t += rng.exponential(1 / arrivalRate);
    if (t >= end) break;
    let server = 0;
    for (let i = 1; i < freeAt.length; i++) if (freeAt[i] < freeAt[server]) server = i;
    const start = Math.max(t, freeAt[server]);
    const service = drawService();
    const finish = start + service;
    freeAt[server] = finish;
    // Busy time inside the measured window [warmupS, end].
    busyInWindow += Math.max(0, Math.min(finish, end) - Math.max(start, warmupS));
    if (t < warmupS) continue;
    latencies.push(finish - t);
    serviceSum += service;
    if (model.failureFraction > 0 && rng.random() < model.failureFraction) failed++;
  }
  const n = latencies.length;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: n,
    failed,
    meanLatencyS: n > 0 ? latencies.reduce((a, b) => a + b, 0) / n : 0,
    p95LatencyS: n > 0 ? sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)] : 0,
    meanServiceS: n > 0 ? serviceSum / n : 0,
    busyFraction: busyInWindow / (config.replicas * durationS),
  };
}
