import { CONFIG_LIMITS, PRICE_PER_CORE_SECOND, PRICE_PER_GIB_SECOND, serviceModel, type ResourceConfig } from './application.js';
import { ResponseTail } from './queueing.js';
import { RUNTIME_BASE_MIB } from './segments.js';
import { steadyState } from './simulator.js';
import type { AutoscalingTask } from './tasks.js';

/** The oracle's choice for one arrival rate. */
export interface OracleDecision {
  /** The cheapest configuration meeting the SLO; the largest one when none does (`feasible` false). */
  readonly config: ResourceConfig;
  readonly feasible: boolean;
  /** Cost of the configuration per second ($/s). */
  readonly costPerSecond: number;
  readonly meanLatencyS: number;
  readonly p95LatencyS: number;
  readonly cpuUtilization: number;
  readonly memoryUtilization: number;
}

/** Every CPU limit a configuration can have (multiples of 128 m in range). */
export function cpuLevels(): number[] {
  const levels: number[] = [];
  for (let c = CONFIG_LIMITS.minCpuMillicores; c <= CONFIG_LIMITS.maxCpuMillicores; c += CONFIG_LIMITS.verticalStep) levels.push(c);
  return levels;
}

/** Every memory limit a configuration can have (256 MiB plus multiples of 128 MiB in range). */
export function memoryLevels(): number[] {
  const levels: number[] = [];
  for (let m = CONFIG_LIMITS.minMemoryMiB; m <= CONFIG_LIMITS.maxMemoryMiB; m += CONFIG_LIMITS.verticalStep) levels.push(m);
  return levels;
}

/** Price of one replica per second ($/s). */
export function replicaPricePerSecond(cpuMillicores: number, memoryMiB: number): number {
  return (cpuMillicores / 1000) * PRICE_PER_CORE_SECOND + (memoryMiB / 1024) * PRICE_PER_GIB_SECOND;
}

/**
 * The oracle: the cheapest configuration (replicas × CPU × memory on the action grid) whose steady state
 * at `arrivalRate` meets the task's SLO — stable, p95 response time ≤ SLO, no OOM failures — by search
 * over the simulator's stationary M/G/c model. For each CPU and memory level it finds the fewest
 * replicas that meet the SLO (p95 only falls as replicas are added), skipping levels whose cheapest
 * possible replica count already costs more than the best found.
 */
export function oracleDecision(task: AutoscalingTask, arrivalRate: number, timeoutS = 30): OracleDecision {
  const sloS = task.sloMs / 1000;
  const tail = new ResponseTail();
  let best: OracleDecision | undefined;
  for (const cpu of cpuLevels()) {
    for (const memory of memoryLevels()) {
      const model = serviceModel(task.segments, cpu, memory);
      if (model.failureFraction > 0) continue;
      const price = replicaPricePerSecond(cpu, memory);
      const minStable = Math.max(CONFIG_LIMITS.minReplicas, Math.floor(arrivalRate * model.meanS) + 1);
      for (let replicas = minStable; replicas <= CONFIG_LIMITS.maxReplicas; replicas++) {
        const cost = replicas * price;
        if (best !== undefined && cost >= best.costPerSecond) break;
        const state = steadyState(arrivalRate, model, replicas, timeoutS, tail);
        if (!state.stable || state.p95LatencyS > sloS) continue;
        const busy = (arrivalRate * model.meanS) / replicas;
        best = {
          config: { replicas, cpuMillicores: cpu, memoryMiB: memory },
          feasible: true,
          costPerSecond: cost,
          meanLatencyS: state.meanLatencyS,
          p95LatencyS: state.p95LatencyS,
          cpuUtilization: Math.min(1, (arrivalRate * model.cpuSecondsPerRequest) / (replicas * (cpu / 1000))),
          memoryUtilization: Math.min(1, (RUNTIME_BASE_MIB + busy * (model.footprintMiB - RUNTIME_BASE_MIB)) / memory),
        };
        break;
      }
    }
  }
  if (best !== undefined) return best;
  const config: ResourceConfig = { replicas: CONFIG_LIMITS.maxReplicas, cpuMillicores: CONFIG_LIMITS.maxCpuMillicores, memoryMiB: CONFIG_LIMITS.maxMemoryMiB };
  const model = serviceModel(task.segments, config.cpuMillicores, config.memoryMiB);
  const state = steadyState(arrivalRate, model, config.replicas, timeoutS, tail);
  return {
    config,
    feasible: false,
    costPerSecond: config.replicas * replicaPricePerSecond(config.cpuMillicores, config.memoryMiB),
    meanLatencyS: state.meanLatencyS,
    p95LatencyS: state.p95LatencyS,
    cpuUtilization: state.stable ? (arrivalRate * model.cpuSecondsPerRequest) / (config.replicas * 2.048) : 1,
    memoryUtilization: Math.min(1, model.footprintMiB / config.memoryMiB),
  };
}

/** How a step of a policy compares with the oracle's decision for the same interval. */
export interface OracleComparison {
  /** The policy's resource cost minus the oracle's over the interval ($; negative when it under-provisions). */
  readonly costRegret: number;
  /** The oracle's mean of CPU and memory utilization minus the policy's (positive: the policy wastes). */
  readonly utilizationDeficit: number;
}

/** Compares a step's info (`resourceCost`, `cpuUtilization`, `memoryUtilization`) with the oracle. */
export function compareWithOracle(
  info: { readonly resourceCost: number; readonly cpuUtilization: number; readonly memoryUtilization: number },
  oracle: OracleDecision,
  controlIntervalS: number,
): OracleComparison {
  return {
    costRegret: info.resourceCost - oracle.costPerSecond * controlIntervalS,
    utilizationDeficit: 0.5 * (oracle.cpuUtilization + oracle.memoryUtilization) - 0.5 * (info.cpuUtilization + info.memoryUtilization),
  };
}
