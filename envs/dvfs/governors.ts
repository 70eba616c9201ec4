import { Rng } from '../rng/rng.js';
import type { CpuSpec } from './cpu.js';
import { DvfsSimulator } from './simulator.js';
import type { DvfsTask } from './tasks.js';

/** What a governor sees at the end of a sampling period: the level it ran at and the busy fraction. */
export interface GovernorInput {
  readonly level: number;
  readonly utilization: number;
}

/** A CPU-frequency governor: picks the next level from the last sampling period. */
export interface Governor {
  readonly name: string;
  nextLevel(input: GovernorInput, cpu: CpuSpec): number;
}

/** Linux's `performance` governor: always the highest level (here, the top overclock level). */
export const performanceGovernor: Governor = {
  name: 'performance',
  nextLevel: (_input, cpu) => cpu.frequencies.length - 1,
};

/** Linux's `powersave` governor: always the lowest level. */
export const powersaveGovernor: Governor = {
  name: 'powersave',
  nextLevel: () => 0,
};

/**
 * Linux's `ondemand` governor (drivers/cpufreq/cpufreq_ondemand.c, `od_update`): when the busy fraction of
 * the last sampling period is above `up_threshold` (default 80%), jump to the highest frequency; otherwise
 * set the frequency proportionally to the load, f = f_min + load·(f_max − f_min), rounded to the closest
 * available level (CPUFREQ_RELATION_C).
 */
export function ondemandGovernor(upThreshold = 0.8): Governor {
  if (!(upThreshold > 0 && upThreshold <= 1)) throw new RangeError(`ondemand: upThreshold must be in (0, 1], got ${upThreshold}`);
  return {
    name: 'ondemand',
    nextLevel({ utilization }, cpu) {
      const freqs = cpu.frequencies;
      const top = freqs.length - 1;
      if (utilization > upThreshold) return top;
      const target = freqs[0] + utilization * (freqs[top] - freqs[0]);
      return closestLevel(freqs, target);
    },
  };
}

/** The index of the level whose frequency is closest to `target` (ties go to the lower level). */
export function closestLevel(frequencies: readonly number[], target: number): number {
  let best = 0;
  for (let i = 1; i < frequencies.length; i++) {
    if (Math.abs(frequencies[i] - target) < Math.abs(frequencies[best] - target)) best = i;
  }
  return best;
}

/** Totals of a governor's run. */
export interface GovernorRun {
  /** Mean power, W. */
  meanPower: number;
  /** Mean speed relative to nominal. */
  meanSpeed: number;
  /** Mean utilization. */
  meanUtilization: number;
  /** Fraction of steps above the power cap. */
  overCapFraction: number;
  /** Level of each step. */
  levels: number[];
}

/** Runs a governor on the simulator for `steps` sampling periods, starting at the nominal level. */
export function runGovernor(task: DvfsTask, governor: Governor, steps: number, seed: number): GovernorRun {
  if (!Number.isInteger(steps) || steps <= 0) throw new RangeError(`runGovernor: steps must be a positive integer, got ${steps}`);
  const rng = new Rng(seed);
  const sim = new DvfsSimulator(task);
  let next = task.cpu.nominalLevel;
  let power = 0;
  let speed = 0;
  let utilization = 0;
  let overCap = 0;
  const levels: number[] = [];
  for (let t = 0; t < steps; t++) {
    const m = sim.advance(next, rng);
    const cpu = sim.task.cpu;
    power += m.power;
    speed += m.speed;
    utilization += m.utilization;
    if (m.power > cpu.powerCap) overCap++;
    levels.push(m.level);
    next = governor.nextLevel({ level: m.level, utilization: m.utilization }, cpu);
  }
  return { meanPower: power / steps, meanSpeed: speed / steps, meanUtilization: utilization / steps, overCapFraction: overCap / steps, levels };
}
