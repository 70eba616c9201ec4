import type { Rng } from '../rng/rng.js';
import { taskAtStep } from '../tasks/distribution.js';
import { relativeSpeed } from './cpu.js';
import { powerAt } from './power.js';
import type { DvfsTask } from './tasks.js';
import { drawLoad, phaseAt } from './workload.js';

/** What one control interval of the simulated CPU measured. */
export interface DvfsMeasurement {
  /** The task in effect during the interval (after drift). */
  task: DvfsTask;
  /** The level the CPU ran at (the requested one, unless thermal throttling lowered it). */
  level: number;
  /** Demand of the interval, as a fraction of nominal capacity. */
  load: number;
  /** Busy fraction of the interval at this level: min(1, load / speed). */
  utilization: number;
  /** Speed relative to nominal: β·f/f_nominal + (1 − β). */
  speed: number;
  /** Power in watts. */
  power: number;
  /** Power the same demand would draw at the nominal level, in watts (the reward's baseline). */
  nominalPower: number;
  /** The compute-boundness that the last frequency change revealed (performance counters), in [0, 1]. */
  computeBoundness: number;
  /** Die temperature, °C (NaN without a thermal model). */
  temperature: number;
  /** Whether thermal throttling lowered the requested level. */
  throttled: boolean;
}

/** Compute-boundness reported before any frequency change has been observed: uninformative. */
export const UNKNOWN_BOUNDNESS = 0.5;

/**
 * The CPU-and-workload simulator, apart from any env: one call of {@link DvfsSimulator.advance} is one
 * control interval (a governor's sampling period). All randomness (demand noise, counter noise) comes
 * from the RNG passed in, so the env's seeded RNG drives it.
 */
export class DvfsSimulator {
  private stepIndex = 0;
  private currentLevel: number;
  private lastSpeed = 1;
  private boundness = UNKNOWN_BOUNDNESS;
  private temperatureC: number;

  constructor(
    readonly task: DvfsTask,
    initialLevel = task.cpu.nominalLevel,
  ) {
    this.currentLevel = initialLevel;
    this.lastSpeed = relativeSpeed(task.cpu, initialLevel, phaseAt(task.workload, 0).beta);
    this.temperatureC = task.cpu.thermal === undefined ? Number.NaN : task.cpu.thermal.ambient;
  }

  /** Steps simulated so far. */
  get step(): number {
    return this.stepIndex;
  }

  /** The level the CPU runs at now. */
  get level(): number {
    return this.currentLevel;
  }

  /** The task in effect at the current step (after drift). */
  get currentTask(): DvfsTask {
    return taskAtStep(this.task, this.stepIndex);
  }

  /** Runs one interval at `requestedLevel` (clamped to the CPU's levels) and returns what it measured. */
  advance(requestedLevel: number, rng: Rng): DvfsMeasurement {
    const task = this.task.drift === undefined ? this.task : taskAtStep(this.task, this.stepIndex);
    const { cpu, workload } = task;
    const top = cpu.frequencies.length - 1;
    let level = requestedLevel < 0 ? 0 : requestedLevel > top ? top : requestedLevel;
    let throttled = false;
    const thermal = cpu.thermal;
    if (thermal !== undefined && this.temperatureC > thermal.limit && level >= this.currentLevel && this.currentLevel > 0) {
      // Hardware throttling (PROCHOT): one level below the current one while the die is too hot.
      level = this.currentLevel - 1;
      throttled = true;
    }
    const phase = phaseAt(workload, this.stepIndex);
    const load = drawLoad(phase, workload.loadNoise, rng);
    const speed = relativeSpeed(cpu, level, phase.beta);
    const utilization = load >= speed ? 1 : load / speed;
    const power = powerAt(cpu, level, utilization);
    const nominalPower = powerAt(cpu, cpu.nominalLevel, load >= 1 ? 1 : load);
    if (level !== this.currentLevel) {
      // The counters see the speed ratio of the change; its slope against the frequency ratio is β.
      const freqRatio = cpu.frequencies[level] / cpu.frequencies[this.currentLevel];
      const noise = workload.measurementNoise > 0 ? Math.exp(rng.normal(0, workload.measurementNoise)) : 1;
      const measured = ((speed / this.lastSpeed) * noise - 1) / (freqRatio - 1);
      this.boundness = measured < 0 ? 0 : measured > 1 ? 1 : measured;
    }
    if (thermal !== undefined) {
      this.temperatureC += (thermal.ambient + thermal.resistance * power - this.temperatureC) / thermal.timeConstant;
    }
    this.currentLevel = level;
    this.lastSpeed = speed;
    this.stepIndex++;
    return {
      task,
      level,
      load,
      utilization,
      speed,
      power,
      nominalPower,
      computeBoundness: this.boundness,
      temperature: this.temperatureC,
      throttled,
    };
  }
}
