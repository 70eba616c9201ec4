import type { Rng } from '../rng/rng.js';

/** One phase of a workload: for `steps` steps, a compute-bound fraction and a mean demand. */
export interface WorkloadPhase {
  /** Length of the phase in steps (≥ 1). */
  readonly steps: number;
  /** Compute-bound fraction β ∈ [0, 1]: at frequency f, speed is β·f/f_nominal + (1 − β). */
  readonly beta: number;
  /** Mean demand, as a fraction of the CPU's capacity at its nominal frequency (≥ 0; above 1 saturates). */
  readonly load: number;
}

/** A workload: phases that repeat in a cycle, per-step demand noise, and a performance target. */
export interface WorkloadSpec {
  readonly phases: readonly WorkloadPhase[];
  /** Standard deviation of the per-step demand around the phase's mean (the utilization trace's noise). */
  readonly loadNoise: number;
  /**
   * Performance target, as speed relative to the nominal frequency: below 1 the service tolerates a
   * slowdown (room to save power), above 1 it wants overclocking.
   */
  readonly performanceTarget: number;
  /** Relative standard deviation of the speed-up that the performance counters measure after a change. */
  readonly measurementNoise: number;
}

/** Demand is clipped to this many times the nominal capacity. */
export const MAX_LOAD = 2;

/** The phase in effect at a step (phases repeat in a cycle). */
export function phaseAt(workload: WorkloadSpec, step: number): WorkloadPhase {
  let cycle = 0;
  for (const phase of workload.phases) cycle += phase.steps;
  let t = step % cycle;
  for (const phase of workload.phases) {
    if (t < phase.steps) return phase;
    t -= phase.steps;
  }
  return workload.phases[workload.phases.length - 1];
}

/** Draws the demand of one step: the phase's mean plus Gaussian noise, clipped to [0, MAX_LOAD]. */
export function drawLoad(phase: WorkloadPhase, loadNoise: number, rng: Rng): number {
  const load = loadNoise > 0 ? phase.load + rng.normal(0, loadNoise) : phase.load;
  return load < 0 ? 0 : load > MAX_LOAD ? MAX_LOAD : load;
}

/** The mean compute-bound fraction and demand of a workload over one cycle, weighted by phase length. */
export function workloadMeans(workload: WorkloadSpec): { beta: number; load: number } {
  let steps = 0;
  let beta = 0;
  let load = 0;
  for (const phase of workload.phases) {
    steps += phase.steps;
    beta += phase.beta * phase.steps;
    load += phase.load * phase.steps;
  }
  return { beta: beta / steps, load: load / steps };
}
