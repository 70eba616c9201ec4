import type { Rng } from '../rng/rng.js';
import { defineTaskDistribution } from '../tasks/distribution.js';
import type { Task, TaskDistribution } from '../tasks/task.js';
import { readArray, readNumber, readObject, taskFieldError } from '../tasks/validate.js';
import type { CpuSpec, ThermalSpec } from './cpu.js';
import { MAX_LOAD, workloadMeans, type WorkloadPhase, type WorkloadSpec } from './workload.js';

/** A DVFS task: a CPU and the workload it runs. */
export interface DvfsTask extends Task {
  readonly cpu: CpuSpec;
  readonly workload: WorkloadSpec;
}

const FAMILY = 'dvfs';

/** Number of frequency levels of every sampled CPU: 11 regular P-states and 3 overclock levels, as the X5670. */
export const SAMPLED_LEVELS = 14;
const SAMPLED_OVERCLOCK_LEVELS = 3;

/**
 * Draws a CPU around the calibrated X5670 server: nominal 2.0–3.6 GHz, lowest level at 45–60% of it, 3
 * overclock levels of the same step, a voltage ramp 0.7–0.9 V → 1.0–1.2 V with 30–60 mV per overclock
 * level, idle power 40–120 W, full-load power 2.2–4.5 × idle, a cap at 85–120% of full-load power, and a
 * thermal limit on a third of the CPUs.
 */
function sampleCpu(rng: Rng): CpuSpec {
  const nominal = rng.uniform(2.0, 3.6);
  const lowest = nominal * rng.uniform(0.45, 0.6);
  const regular = SAMPLED_LEVELS - SAMPLED_OVERCLOCK_LEVELS;
  const step = (nominal - lowest) / (regular - 1);
  const vLow = rng.uniform(0.7, 0.9);
  const vNominal = rng.uniform(1.0, 1.2);
  const vTurbo = rng.uniform(0.03, 0.06);
  const frequencies: number[] = [];
  const voltages: number[] = [];
  for (let i = 0; i < SAMPLED_LEVELS; i++) {
    frequencies.push(round(lowest + i * step, 4));
    voltages.push(round(i < regular ? vLow + ((vNominal - vLow) * i) / (regular - 1) : vNominal + vTurbo * (i - regular + 1), 4));
  }
  const idlePower = round(rng.uniform(40, 120), 2);
  const fullPower = round(idlePower * rng.uniform(2.2, 4.5), 2);
  const cpu: CpuSpec = {
    frequencies,
    voltages,
    nominalLevel: regular - 1,
    idlePower,
    fullPower,
    idleDynamicFraction: round(rng.uniform(0.1, 0.3), 3),
    powerCap: round(fullPower * rng.uniform(0.85, 1.2), 2),
  };
  if (rng.random() < 1 / 3) {
    const thermal: ThermalSpec = {
      ambient: round(rng.uniform(20, 35), 2),
      // Steady state at full nominal power lands 5–25 °C below or above the limit.
      resistance: round(rng.uniform(0.15, 0.3), 4),
      timeConstant: round(rng.uniform(5, 30), 2),
      limit: 0,
    };
    const steadyAtFull = thermal.ambient + thermal.resistance * fullPower;
    return { ...cpu, thermal: { ...thermal, limit: round(steadyAtFull + rng.uniform(-25, 5), 2) } };
  }
  return cpu;
}

/** Draws a workload: 1–4 phases of 20–100 steps, β ∈ [0, 1], demand 0.1–1.0 of nominal capacity. */
function sampleWorkload(rng: Rng): WorkloadSpec {
  const count = rng.integers(1, 5);
  const phases: WorkloadPhase[] = [];
  for (let i = 0; i < count; i++) {
    phases.push({ steps: rng.integers(20, 101), beta: round(rng.uniform(0, 1), 4), load: round(rng.uniform(0.1, 1.0), 4) });
  }
  return {
    phases,
    loadNoise: round(rng.uniform(0, 0.1), 4),
    performanceTarget: round(rng.uniform(0.8, 1.1), 4),
    measurementNoise: 0.01,
  };
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

/** Validates a CPU object; errors name the field path (e.g. `cpu.voltages[3]`). */
export function validateCpu(value: unknown, path = 'cpu'): CpuSpec {
  const obj = readObject(FAMILY, value, path);
  const frequencies = readArray(FAMILY, obj, 'frequencies', { min: 2 }, path);
  const voltages = readArray(FAMILY, obj, 'voltages', { min: 2 }, path);
  frequencies.forEach((f, i) => {
    if (typeof f !== 'number' || !(f > 0) || !Number.isFinite(f) || (i > 0 && !(f > (frequencies[i - 1] as number)))) {
      throw taskFieldError(FAMILY, `${path}.frequencies[${i}]`, f, 'a positive GHz value, strictly above the previous level');
    }
  });
  if (voltages.length !== frequencies.length) {
    throw taskFieldError(FAMILY, `${path}.voltages`, voltages, `one voltage per frequency level (${frequencies.length})`);
  }
  voltages.forEach((v, i) => {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (i > 0 && v < (voltages[i - 1] as number))) {
      throw taskFieldError(FAMILY, `${path}.voltages[${i}]`, v, 'a positive voltage, not below the previous level');
    }
  });
  const nominalLevel = readNumber(FAMILY, obj, 'nominalLevel', { min: 0, max: frequencies.length - 1, integer: true, path });
  const idlePower = readNumber(FAMILY, obj, 'idlePower', { min: 0, path });
  const fullPower = readNumber(FAMILY, obj, 'fullPower', { min: 0, path });
  if (!(fullPower > idlePower)) throw taskFieldError(FAMILY, `${path}.fullPower`, fullPower, `a power above idlePower (${idlePower} W)`);
  const idleDynamicFraction = readNumber(FAMILY, obj, 'idleDynamicFraction', { min: 0, max: 1, path });
  const powerCap = readNumber(FAMILY, obj, 'powerCap', { min: Number.MIN_VALUE, path });
  const cpu: CpuSpec = {
    frequencies: frequencies as number[],
    voltages: voltages as number[],
    nominalLevel,
    idlePower,
    fullPower,
    idleDynamicFraction,
    powerCap,
  };
  if (obj.thermal === undefined) return cpu;
  const t = readObject(FAMILY, obj.thermal, `${path}.thermal`);
  const tp = `${path}.thermal`;
  const thermal: ThermalSpec = {
    ambient: readNumber(FAMILY, t, 'ambient', { min: -50, max: 100, path: tp }),
    resistance: readNumber(FAMILY, t, 'resistance', { min: 0, path: tp }),
    timeConstant: readNumber(FAMILY, t, 'timeConstant', { min: 1, path: tp }),
    limit: readNumber(FAMILY, t, 'limit', { min: -50, max: 200, path: tp }),
  };
  return { ...cpu, thermal };
}

/** Validates a workload object; errors name the field path (e.g. `workload.phases[1].beta`). */
export function validateWorkload(value: unknown, path = 'workload'): WorkloadSpec {
  const obj = readObject(FAMILY, value, path);
  const phases = readArray(FAMILY, obj, 'phases', { min: 1 }, path).map((p, i): WorkloadPhase => {
    const pp = `${path}.phases[${i}]`;
    const phase = readObject(FAMILY, p, pp);
    return {
      steps: readNumber(FAMILY, phase, 'steps', { min: 1, integer: true, path: pp }),
      beta: readNumber(FAMILY, phase, 'beta', { min: 0, max: 1, path: pp }),
      load: readNumber(FAMILY, phase, 'load', { min: 0, max: MAX_LOAD, path: pp }),
    };
  });
  return {
    phases,
    loadNoise: readNumber(FAMILY, obj, 'loadNoise', { min: 0, max: 1, path }),
    performanceTarget: readNumber(FAMILY, obj, 'performanceTarget', { min: 0.1, max: 10, path }),
    measurementNoise: readNumber(FAMILY, obj, 'measurementNoise', { min: 0, max: 1, path }),
  };
}

/**
 * The DVFS tasks: CPUs around the calibrated X5670 server and phased workloads. Fingerprint (what a
 * human would write down): nominal GHz, overclock headroom (f_max/f_nominal), idle/full power, cap/full
 * power, whether a thermal limit applies, the mean β and demand, the demand noise, the performance target.
 * A drift may replace the workload.
 */
export const dvfsTasks: TaskDistribution<DvfsTask> = defineTaskDistribution<DvfsTask>({
  family: FAMILY,
  fingerprintNames: ['nominalGHz', 'overclockHeadroom', 'idleToFull', 'capToFull', 'thermalLimited', 'meanBeta', 'meanLoad', 'loadNoise', 'performanceTarget'],
  sample: (rng, id) => ({ id, cpu: sampleCpu(rng), workload: sampleWorkload(rng) }),
  fingerprint(task) {
    const { cpu, workload } = task;
    const nominal = cpu.frequencies[cpu.nominalLevel];
    const means = workloadMeans(workload);
    return Float64Array.from([
      nominal,
      cpu.frequencies[cpu.frequencies.length - 1] / nominal,
      cpu.idlePower / cpu.fullPower,
      cpu.powerCap / cpu.fullPower,
      cpu.thermal === undefined ? 0 : 1,
      means.beta,
      means.load,
      workload.loadNoise,
      workload.performanceTarget,
    ]);
  },
  validateFields(obj) {
    const task: DvfsTask = { id: obj.id as string, cpu: validateCpu(obj.cpu), workload: validateWorkload(obj.workload) };
    return obj.drift === undefined ? task : { ...task, drift: obj.drift as DvfsTask['drift'] };
  },
  driftableKeys: ['workload'],
});
