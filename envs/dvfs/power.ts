import type { CpuSpec } from './cpu.js';

/**
 * The published SPECpower_ssj2008 curve the power model is calibrated on: average power in watts at
 * target loads 0% (active idle), 10%, …, 100% of an IBM System x3550 M3 with 2 × Intel Xeon X5670
 * (2.93 GHz, 6 cores), 12 GB — SPEC result power_ssj2008-20100315-00239
 * (http://www.spec.org/power_ssj2008/results/res2010q2/power_ssj2008-20100315-00239.html), as tabulated
 * by CloudSim's `PowerModelSpecPowerIbmX3550XeonX5670` (Beloglazov & Buyya, CCPE 2012).
 */
export const SPECPOWER_X5670: readonly number[] = Object.freeze([66, 107, 120, 131, 143, 156, 173, 191, 211, 229, 247]);

/**
 * How much the dynamic power of a level exceeds the nominal level's: f·V² / (f_nom·V_nom²). CMOS dynamic
 * power is C·V²·f, and the voltage must rise with the frequency, so power grows faster than the clock.
 */
export function dynamicScale(cpu: CpuSpec, level: number): number {
  const n = cpu.nominalLevel;
  const vl = cpu.voltages[level];
  const vn = cpu.voltages[n];
  return (cpu.frequencies[level] * vl * vl) / (cpu.frequencies[n] * vn * vn);
}

/** Idle power at a level: the static part, plus the dynamic part of the idle power scaled by f·V². */
export function idlePowerAt(cpu: CpuSpec, level: number): number {
  const dynamic = cpu.idlePower * cpu.idleDynamicFraction;
  return cpu.idlePower - dynamic + dynamic * dynamicScale(cpu, level);
}

/** Full-load power at a level: idle power plus the load-dependent dynamic power scaled by f·V². */
export function fullPowerAt(cpu: CpuSpec, level: number): number {
  return idlePowerAt(cpu, level) + (cpu.fullPower - cpu.idlePower) * dynamicScale(cpu, level);
}

/**
 * Power at a level and utilization u ∈ [0, 1] (the busy fraction of the interval):
 * P(f, u) = P_idle(f) + u·(P_full(f) − P_idle(f)).
 */
export function powerAt(cpu: CpuSpec, level: number, utilization: number): number {
  const idle = idlePowerAt(cpu, level);
  return idle + utilization * (fullPowerAt(cpu, level) - idle);
}
