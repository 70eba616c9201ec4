import { RUNTIME_BASE_MIB, SEGMENT_PROFILES, type SegmentName } from './segments.js';

/** One segment of an application, with its input scale (multiplies its CPU work, wait and memory). */
export interface ApplicationSegment {
  readonly name: SegmentName;
  readonly scale: number;
}

/** A deployment's resource configuration: replicas, and per-replica CPU and memory limits. */
export interface ResourceConfig {
  readonly replicas: number;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

/** The bounds of a configuration (AWARE's action ranges) and the step of a vertical action. */
export const CONFIG_LIMITS = Object.freeze({
  minReplicas: 1,
  maxReplicas: 20,
  minCpuMillicores: 128,
  maxCpuMillicores: 2048,
  minMemoryMiB: 256,
  maxMemoryMiB: 3072,
  /** A discrete vertical action changes CPU by this many millicores or memory by this many MiB. */
  verticalStep: 128,
  /** Vertical changes restart replicas one by one, so they need at least this many to stay available. */
  minReplicasForVertical: 2,
});

/**
 * Memory below the footprint slows CPU work (GC and paging pressure) by up to this factor extra, reached
 * at {@link OOM_ALL_RATIO}: at limit/footprint = r < 1 the CPU work takes 1 + PRESSURE_SLOWDOWN × (1 − r) times.
 */
export const PRESSURE_SLOWDOWN = 3;
/** At limit/footprint below this ratio, requests whose peak exceeds the limit start to be OOM-killed. */
export const OOM_START_RATIO = 0.8;
/** At or below this ratio every request is OOM-killed. */
export const OOM_ALL_RATIO = 0.5;

/**
 * Prices of a replica's resources, per second: AWS Fargate's on-demand Linux/x86 prices in us-east-1
 * ($0.04048 per vCPU-hour, $0.004445 per GB-hour), a common reference for container cost.
 */
export const PRICE_PER_CORE_SECOND = 0.04048 / 3600;
export const PRICE_PER_GIB_SECOND = 0.004445 / 3600;

/**
 * What a request of an application costs on one replica with a given CPU and memory limit: the first two
 * moments of its service time (for the queueing model), its CPU work, its memory, and the fraction of
 * requests that fail for lack of memory. Derived once per configuration and cached by the simulator.
 */
export interface ServiceModel {
  /** Mean service time of one request (s). */
  readonly meanS: number;
  /** Squared coefficient of variation of the service time (1 for exponential). */
  readonly scv: number;
  /** CPU time one request consumes (core-seconds), pressure included. */
  readonly cpuSecondsPerRequest: number;
  /** Memory a replica needs at its peak: runtime plus the largest segment's working set (MiB). */
  readonly footprintMiB: number;
  /** Fraction of requests OOM-killed at this memory limit, in [0, 1]. */
  readonly failureFraction: number;
  /** CPU slowdown factor from memory pressure (1 when memory suffices). */
  readonly pressureSlowdown: number;
  /** Mean time (s) of each segment, in order: the DES samples segment times around these. */
  readonly segmentMeansS: Float64Array;
  /** Coefficient of variation of each segment. */
  readonly segmentCvs: Float64Array;
}

/** Memory a replica of the application needs at its peak (MiB): segments run one after another. */
export function applicationFootprintMiB(segments: readonly ApplicationSegment[]): number {
  let largest = 0;
  for (const s of segments) largest = Math.max(largest, SEGMENT_PROFILES[s.name].memoryMiB * s.scale);
  return RUNTIME_BASE_MIB + largest;
}

/**
 * The service model of an application on one replica with `cpuMillicores` and `memoryMiB`.
 * CPU work runs at min(limit / 1000, parallelism) cores; waits do not scale; memory below the footprint
 * slows CPU work and, far below, fails requests (see {@link PRESSURE_SLOWDOWN}, {@link OOM_START_RATIO}).
 * A segment's time varies with its cv; segments are independent, so variances add.
 */
export function serviceModel(segments: readonly ApplicationSegment[], cpuMillicores: number, memoryMiB: number): ServiceModel {
  const footprintMiB = applicationFootprintMiB(segments);
  const ratio = memoryMiB / footprintMiB;
  const pressureSlowdown = ratio >= 1 ? 1 : 1 + PRESSURE_SLOWDOWN * (1 - Math.max(ratio, OOM_ALL_RATIO));
  const failureFraction = Math.min(1, Math.max(0, (OOM_START_RATIO - ratio) / (OOM_START_RATIO - OOM_ALL_RATIO)));
  const cores = cpuMillicores / 1000;
  const segmentMeansS = new Float64Array(segments.length);
  const segmentCvs = new Float64Array(segments.length);
  let meanS = 0;
  let variance = 0;
  let cpuSeconds = 0;
  segments.forEach((s, i) => {
    const p = SEGMENT_PROFILES[s.name];
    const work = (p.cpuMs * s.scale * pressureSlowdown) / 1000;
    const segmentMean = work / Math.min(cores, p.parallelism) + (p.waitMs * s.scale) / 1000;
    segmentMeansS[i] = segmentMean;
    segmentCvs[i] = p.cv;
    meanS += segmentMean;
    variance += (segmentMean * p.cv) ** 2;
    cpuSeconds += work;
  });
  return {
    meanS,
    scv: meanS > 0 ? variance / (meanS * meanS) : 0,
    cpuSecondsPerRequest: cpuSeconds,
    footprintMiB,
    failureFraction,
    pressureSlowdown,
    segmentMeansS,
    segmentCvs,
  };
}

/** Cost of running a configuration for `seconds` ($), at {@link PRICE_PER_CORE_SECOND} and {@link PRICE_PER_GIB_SECOND}. */
export function resourceCost(config: ResourceConfig, seconds: number): number {
  const perReplica = (config.cpuMillicores / 1000) * PRICE_PER_CORE_SECOND + (config.memoryMiB / 1024) * PRICE_PER_GIB_SECOND;
  return config.replicas * perReplica * seconds;
}
