import { Discrete } from '../spaces/discrete.js';
import { CONFIG_LIMITS, type ResourceConfig } from './application.js';
import { AutoscalingEnvBase, type AutoscalingEnvOptions } from './env-base.js';

/** The actions of `Autoscaling-v0`, by index. */
export const AUTOSCALING_ACTIONS = ['noop', 'addReplica', 'removeReplica', 'addCpu', 'removeCpu', 'addMemory', 'removeMemory'] as const;

/**
 * `Autoscaling-v0`: AWARE's autoscaling formulation on the analytic simulator, with `Discrete(7)` actions:
 * 0 no-op, 1/2 ±1 replica, 3/4 ±128 millicores of CPU, 5/6 ±128 MiB of memory (per replica), within
 * 1–20 replicas, 128–2048 m and 256–3072 MiB; a vertical change needs at least 2 replicas. An illegal action
 * earns −1 and changes nothing. See {@link AutoscalingEnvBase} for the observation, reward and info.
 */
export class AutoscalingEnv extends AutoscalingEnvBase<number> {
  readonly actionSpace = new Discrete(AUTOSCALING_ACTIONS.length);

  constructor(kwargs: AutoscalingEnvOptions = {}) {
    super(kwargs);
  }

  protected decodeAction(action: number, current: ResourceConfig): ResourceConfig {
    const step = CONFIG_LIMITS.verticalStep;
    const { replicas, cpuMillicores, memoryMiB } = current;
    switch (action) {
      case 1:
        return { replicas: replicas + 1, cpuMillicores, memoryMiB };
      case 2:
        return { replicas: replicas - 1, cpuMillicores, memoryMiB };
      case 3:
        return { replicas, cpuMillicores: cpuMillicores + step, memoryMiB };
      case 4:
        return { replicas, cpuMillicores: cpuMillicores - step, memoryMiB };
      case 5:
        return { replicas, cpuMillicores, memoryMiB: memoryMiB + step };
      case 6:
        return { replicas, cpuMillicores, memoryMiB: memoryMiB - step };
      default:
        return current;
    }
  }
}
