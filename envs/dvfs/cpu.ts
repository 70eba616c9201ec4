/**
 * A CPU as the DVFS env sees it: discrete frequency levels (P-states), including overclock (turbo) levels
 * above the nominal one, a supply voltage per level, idle and full-load power at the nominal level, a power
 * cap, and optionally a thermal limit.
 */
export interface CpuSpec {
  /** Frequency of each level in GHz, strictly ascending. */
  readonly frequencies: readonly number[];
  /** Supply voltage of each level in volts, non-decreasing (higher frequencies need higher voltage). */
  readonly voltages: readonly number[];
  /** Index of the nominal (base) level; the levels above it are overclock levels. */
  readonly nominalLevel: number;
  /** Power in watts at the nominal level with no load (SPECpower's "active idle"). */
  readonly idlePower: number;
  /** Power in watts at the nominal level at 100% utilization. */
  readonly fullPower: number;
  /**
   * Share of the idle power that is dynamic (clock distribution, uncore), so that it scales with f·V² like
   * the load-dependent part; the rest is static (leakage, fans, disks, PSU losses).
   */
  readonly idleDynamicFraction: number;
  /** Power cap in watts; the env penalizes power above it. */
  readonly powerCap: number;
  /** Optional first-order thermal model; above `limit` the CPU throttles. */
  readonly thermal?: ThermalSpec;
}

/** A first-order (RC) thermal model: dT/dt = (ambient + resistance·P − T) / timeConstant. */
export interface ThermalSpec {
  /** Ambient (inlet) temperature, °C. */
  readonly ambient: number;
  /** Thermal resistance, °C per watt. */
  readonly resistance: number;
  /** Time constant in steps (≥ 1). */
  readonly timeConstant: number;
  /** Temperature above which the hardware throttles one level per step, °C. */
  readonly limit: number;
}

/** The nominal frequency of a CPU in GHz. */
export function nominalFrequency(cpu: CpuSpec): number {
  return cpu.frequencies[cpu.nominalLevel];
}

/**
 * Relative performance (speed) at a level, for a workload whose compute-bound fraction is `beta`:
 * β·f/f_nominal + (1 − β). The compute-bound part scales with the clock; the memory-bound part runs at the
 * memory's pace whatever the clock. Equals 1 at the nominal level for every β.
 */
export function relativeSpeed(cpu: CpuSpec, level: number, beta: number): number {
  return (beta * cpu.frequencies[level]) / nominalFrequency(cpu) + (1 - beta);
}

/**
 * The 2-socket Intel Xeon X5670 server that the power model is calibrated on (IBM System x3550 M3,
 * SPECpower_ssj2008 result power_ssj2008-20100315-00239, see {@link SPECPOWER_X5670}).
 *
 * Frequencies: the X5670's P-states as Linux's acpi-cpufreq lists them, 1.596–2.926 GHz in 133 MHz steps,
 * nominal 2.93 GHz, plus three turbo bins (3.059, 3.192, 3.325 GHz; Intel's maximum single-core turbo is
 * 3.33 GHz) as the overclock levels. Voltages: Intel publishes only the VID range (0.75–1.35 V), not a VID
 * per P-state, so we assume a linear ramp from 0.85 V to 1.15 V over the regular P-states and +50 mV per
 * turbo bin (turbo runs above the nominal voltage). idlePower/fullPower are the published 66 W / 247 W.
 */
export const XEON_X5670_SERVER: CpuSpec = Object.freeze({
  frequencies: Object.freeze([1.596, 1.729, 1.862, 1.995, 2.128, 2.261, 2.394, 2.527, 2.66, 2.793, 2.926, 3.059, 3.192, 3.325]),
  voltages: Object.freeze([0.85, 0.88, 0.91, 0.94, 0.97, 1.0, 1.03, 1.06, 1.09, 1.12, 1.15, 1.2, 1.25, 1.3]),
  nominalLevel: 10,
  idlePower: 66,
  fullPower: 247,
  idleDynamicFraction: 0.2,
  powerCap: 260,
});
