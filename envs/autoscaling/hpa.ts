import { CONFIG_LIMITS } from './application.js';
import { MAX_REPLICA_CHANGE } from './continuous-env.js';

/** Options of {@link HorizontalPodAutoscaler}; the defaults are Kubernetes'. */
export interface HpaOptions {
  /** Target average CPU utilization, as a fraction of the CPU limit (default 0.6). */
  readonly targetCpuUtilization?: number;
  /** No change while |utilization / target − 1| ≤ tolerance (default 0.1, the controller's default). */
  readonly tolerance?: number;
  /** Scale-down stabilization window (default 300 s): scale down only to the highest recommendation in it. */
  readonly scaleDownStabilizationS?: number;
  /** Seconds between decisions (the env's control interval, default 30). */
  readonly controlIntervalS?: number;
}

/**
 * The Kubernetes Horizontal Pod Autoscaler's algorithm as a baseline policy: desired = ⌈current ×
 * utilization / target⌉, left unchanged within the tolerance; scale-ups apply at once, scale-downs go
 * only as low as the highest recommendation of the stabilization window (so a brief dip does not
 * remove replicas). It only scales horizontally, as the HPA does.
 */
export class HorizontalPodAutoscaler {
  readonly targetCpuUtilization: number;
  readonly tolerance: number;
  readonly scaleDownStabilizationS: number;
  readonly controlIntervalS: number;
  private recommendations: Array<{ timeS: number; replicas: number }> = [];
  private timeS = 0;

  constructor(options: HpaOptions = {}) {
    this.targetCpuUtilization = options.targetCpuUtilization ?? 0.6;
    this.tolerance = options.tolerance ?? 0.1;
    this.scaleDownStabilizationS = options.scaleDownStabilizationS ?? 300;
    this.controlIntervalS = options.controlIntervalS ?? 30;
    if (!(this.targetCpuUtilization > 0 && this.targetCpuUtilization <= 1)) throw new RangeError(`HPA: targetCpuUtilization must be in (0, 1], got ${this.targetCpuUtilization}`);
    if (!(this.tolerance >= 0)) throw new RangeError(`HPA: tolerance must be >= 0, got ${this.tolerance}`);
    if (!(this.scaleDownStabilizationS >= 0)) throw new RangeError(`HPA: scaleDownStabilizationS must be >= 0, got ${this.scaleDownStabilizationS}`);
    if (!(this.controlIntervalS > 0)) throw new RangeError(`HPA: controlIntervalS must be > 0, got ${this.controlIntervalS}`);
  }

  /** Forgets the recommendation history (call at each episode's start). */
  reset(): void {
    this.recommendations = [];
    this.timeS = 0;
  }

  /** The replica count the HPA wants now, given the current count and CPU utilization; advances its clock. */
  desiredReplicas(currentReplicas: number, cpuUtilization: number): number {
    const ratio = cpuUtilization / this.targetCpuUtilization;
    let raw = Math.abs(ratio - 1) <= this.tolerance ? currentReplicas : Math.ceil(currentReplicas * ratio);
    raw = Math.min(CONFIG_LIMITS.maxReplicas, Math.max(CONFIG_LIMITS.minReplicas, raw));
    const now = this.timeS;
    this.timeS += this.controlIntervalS;
    this.recommendations.push({ timeS: now, replicas: raw });
    this.recommendations = this.recommendations.filter((r) => r.timeS > now - this.scaleDownStabilizationS);
    if (raw >= currentReplicas) return raw;
    const highest = Math.max(...this.recommendations.map((r) => r.replicas));
    return Math.min(currentReplicas, highest);
  }

  /**
   * The `Autoscaling-v0` action for an observation: +1 replica (1) below the desired count, −1 (2) above it,
   * no-op (0) at it. Reads CPU utilization (observation[0]) and replicas (observation[6] × 20).
   */
  discreteAction(observation: ArrayLike<number>): number {
    const current = Math.round(observation[6] * CONFIG_LIMITS.maxReplicas);
    const desired = this.desiredReplicas(current, observation[0]);
    return desired > current ? 1 : desired < current ? 2 : 0;
  }

  /** The `AutoscalingContinuous-v0` action: the replica change toward the desired count, no vertical change. */
  continuousAction(observation: ArrayLike<number>): Float32Array {
    const current = Math.round(observation[6] * CONFIG_LIMITS.maxReplicas);
    const desired = this.desiredReplicas(current, observation[0]);
    const change = Math.max(-MAX_REPLICA_CHANGE, Math.min(MAX_REPLICA_CHANGE, desired - current));
    return Float32Array.from([change / MAX_REPLICA_CHANGE, 0, 0]);
  }
}
