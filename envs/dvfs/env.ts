import { BaseEnv } from '../core/base-env.js';
import type { ResetResult, StepResult } from '../core/env.js';
import { InvalidOptionError } from '../core/errors.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import type { TaskDistribution, TaskEnv } from '../tasks/task.js';
import { XEON_X5670_SERVER } from './cpu.js';
import { DvfsSimulator, type DvfsMeasurement } from './simulator.js';
import { dvfsTasks, type DvfsTask } from './tasks.js';

/** How actions are read: `relative` = Discrete(3) down/stay/up; `absolute` = Discrete(levels), the level itself. */
export type DvfsActionMode = 'relative' | 'absolute';

/** Options of {@link DvfsEnv} (the kwargs of `DVFS-v0`). */
export interface DvfsEnvOptions {
  /** The task of the first episode (default {@link DEFAULT_DVFS_TASK}). */
  task?: DvfsTask;
  /** Draw a new task from the family's distribution at every reset that does not pass one. */
  sampleTasks?: boolean;
  actionMode?: DvfsActionMode;
  /** λ: weight of the extra power (as a fraction of full-load power) against the performance gain. */
  powerWeight?: number;
  /** Weight of the relative excess over the power cap. */
  capPenalty?: number;
}

/** The calibrated X5670 server running a web-like service: a busy compute phase, a memory-bound batch phase. */
export const DEFAULT_DVFS_TASK: DvfsTask = Object.freeze({
  id: 'dvfs-x5670-default',
  cpu: XEON_X5670_SERVER,
  workload: Object.freeze({
    phases: Object.freeze([
      Object.freeze({ steps: 60, beta: 0.9, load: 0.6 }),
      Object.freeze({ steps: 40, beta: 0.3, load: 0.85 }),
    ]),
    loadNoise: 0.05,
    performanceTarget: 0.95,
    measurementNoise: 0.01,
  }),
});

/** Upper bounds of the observation; power/cap and speed/target are clipped to them. */
const OBS_HIGH = [1, 1, 1, 3, 3];

/**
 * The node-power agent's env (SOL, ASPLOS 2022; FLASH's DVFS case): each step is one control interval of
 * a CPU running a phased workload. Observation (float32): [utilization, compute-boundness measured at the
 * last frequency change (0 = memory-bound, 1 = compute-bound; 0.5 before any change), level/(levels − 1),
 * power/cap, speed/target]. Action: down/stay/up (or an absolute level). Reward:
 * min(speed, target) − min(1, target) − λ·(P − P_nominal)/P_full − capPenalty·max(0, P/cap − 1), i.e. the
 * performance gained over the nominal level (counted up to the target) against the extra power it costs.
 * The episode never terminates; `make` truncates it.
 */
export class DvfsEnv extends BaseEnv<Float32Array, number> implements TaskEnv<DvfsTask> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly taskDistribution: TaskDistribution<DvfsTask> = dvfsTasks;
  readonly actionMode: DvfsActionMode;
  private readonly powerWeight: number;
  private readonly capPenalty: number;
  private readonly sampleTasks: boolean;
  private baseTask: DvfsTask;
  private sim: DvfsSimulator | undefined;
  private sampled = 0;

  constructor(options: DvfsEnvOptions = {}) {
    super();
    this.baseTask = options.task === undefined ? DEFAULT_DVFS_TASK : dvfsTasks.validate(options.task);
    this.actionMode = options.actionMode ?? 'relative';
    if (this.actionMode !== 'relative' && this.actionMode !== 'absolute') {
      throw new InvalidOptionError(`DvfsEnv: actionMode must be "relative" or "absolute", got ${String(this.actionMode)}`);
    }
    this.powerWeight = options.powerWeight ?? 1;
    this.capPenalty = options.capPenalty ?? 2;
    this.sampleTasks = options.sampleTasks ?? false;
    this.observationSpace = new Box(new Float32Array(5), Float32Array.from(OBS_HIGH));
    this.actionSpace = new Discrete(this.actionMode === 'relative' ? 3 : this.baseTask.cpu.frequencies.length);
  }

  /** The task in effect now (after drift); before the first reset, the task of the first episode. */
  get task(): DvfsTask {
    return this.sim === undefined ? this.baseTask : this.sim.currentTask;
  }

  protected override resetOptionKeys(): readonly string[] {
    return ['task'];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<Float32Array> {
    if (options.task !== undefined) {
      const task = dvfsTasks.validate(options.task);
      this.assertLevelCount(task);
      this.baseTask = task;
    } else if (this.sampleTasks) {
      const task = dvfsTasks.sample(this.npRandom, `dvfs-sampled-${this.sampled++}`);
      this.assertLevelCount(task);
      this.baseTask = task;
    }
    this.sim = new DvfsSimulator(this.baseTask);
    // One interval at the nominal level, so the first observation is a measurement (a warm-up interval).
    const m = this.sim.advance(this.baseTask.cpu.nominalLevel, this.npRandom);
    return { observation: this.observe(m), info: this.info(m) };
  }

  protected stepEnv(action: number): StepResult<Float32Array> {
    const sim = this.sim as DvfsSimulator;
    const requested = this.actionMode === 'absolute' ? action : sim.level + action - 1;
    const m = sim.advance(requested, this.npRandom);
    const { cpu, workload } = m.task;
    const target = workload.performanceTarget;
    const gain = Math.min(m.speed, target) - Math.min(1, target);
    const extraPower = (m.power - m.nominalPower) / cpu.fullPower;
    const overCap = m.power > cpu.powerCap ? m.power / cpu.powerCap - 1 : 0;
    const reward = gain - this.powerWeight * extraPower - this.capPenalty * overCap;
    return { observation: this.observe(m), reward, terminated: false, truncated: false, info: this.info(m) };
  }

  private observe(m: DvfsMeasurement): Float32Array {
    const { cpu, workload } = m.task;
    const obs = new Float32Array(5);
    obs[0] = m.utilization;
    obs[1] = m.computeBoundness;
    obs[2] = m.level / (cpu.frequencies.length - 1);
    obs[3] = Math.min(m.power / cpu.powerCap, OBS_HIGH[3]);
    obs[4] = Math.min(m.speed / workload.performanceTarget, OBS_HIGH[4]);
    return obs;
  }

  private info(m: DvfsMeasurement): Record<string, unknown> {
    return {
      power: m.power,
      speed: m.speed,
      utilization: m.utilization,
      load: m.load,
      level: m.level,
      temperature: m.temperature,
      throttled: m.throttled,
    };
  }

  private assertLevelCount(task: DvfsTask): void {
    if (this.actionMode === 'absolute' && task.cpu.frequencies.length !== this.actionSpace.n) {
      throw new InvalidOptionError(
        `DvfsEnv.reset: option "task" (${task.id}) has ${task.cpu.frequencies.length} frequency levels; this absolute-level env acts on Discrete(${this.actionSpace.n}), so the task needs ${this.actionSpace.n}`,
      );
    }
  }
}
