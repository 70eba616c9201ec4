import { Box } from '../spaces/box.js';
import { CONFIG_LIMITS, type ResourceConfig } from './application.js';
import { AutoscalingEnvBase, type AutoscalingEnvOptions } from './env-base.js';

/** At |action| = 1, the replica count changes by this many. */
export const MAX_REPLICA_CHANGE = 4;
/** At |action| = 1, CPU (millicores) and memory (MiB) change by this many steps of 128. */
export const MAX_VERTICAL_STEPS = 4;

/**
 * `AutoscalingContinuous-v0`: the same simulator, observation and reward as `Autoscaling-v0`, with a
 * `Box([-1, 1]^3)` action (for DDPG): the replica, CPU and memory changes. Each component is scaled and
 * rounded to the discrete env's units — ±{@link MAX_REPLICA_CHANGE} replicas and ±{@link MAX_VERTICAL_STEPS}
 * × 128 millicores / MiB — and the result is clipped into the allowed ranges, as Pendulum clips its torque.
 * A vertical change with fewer than 2 replicas (before or after) is illegal: −1, nothing changes.
 */
export class AutoscalingContinuousEnv extends AutoscalingEnvBase<Float32Array> {
  readonly actionSpace = new Box(-1, 1, { shape: [3] });

  constructor(kwargs: AutoscalingEnvOptions = {}) {
    super(kwargs);
  }

  protected decodeAction(action: Float32Array, current: ResourceConfig): ResourceConfig {
    const L = CONFIG_LIMITS;
    const clip = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
    return {
      replicas: clip(current.replicas + Math.round(action[0] * MAX_REPLICA_CHANGE), L.minReplicas, L.maxReplicas),
      cpuMillicores: clip(current.cpuMillicores + Math.round(action[1] * MAX_VERTICAL_STEPS) * L.verticalStep, L.minCpuMillicores, L.maxCpuMillicores),
      memoryMiB: clip(current.memoryMiB + Math.round(action[2] * MAX_VERTICAL_STEPS) * L.verticalStep, L.minMemoryMiB, L.maxMemoryMiB),
    };
  }
}
