import { BaseEnv } from '../core/base-env.js';
import type { Info, ResetResult, StepResult } from '../core/env.js';
import { EnvError, InvalidOptionError } from '../core/errors.js';
import { Box } from '../spaces/box.js';
import { taskAtStep } from '../tasks/distribution.js';
import type { TaskDistribution, TaskEnv } from '../tasks/task.js';
import { BYTES_PER_PACKET } from './constants.js';
import type { MonitorInterval } from './monitor-interval.js';
import { ObservationHistory, observationSpace } from './observation.js';
import { AuroraSimulation } from './simulation.js';
import { congestionTasks, congestionTraceTasks, type CongestionTask } from './tasks.js';

/** Where tasks come from when none is given: PCC-RL's link ranges, or Genet-style traces. */
export type CongestionTaskFamily = 'aurora' | 'trace';

/** Constructor options of {@link CongestionControlEnv} (the kwargs of `CongestionControl-v0`). */
export interface CongestionControlOptions {
  /** A fixed task for every episode (until `reset({ options: { task } })` gives another). */
  task?: unknown;
  /** Distribution to sample a task from at each reset when no task is fixed (default `aurora`). */
  taskFamily?: CongestionTaskFamily;
}

/** What `info` holds after a step: the monitor interval's measurements, in packets/s and seconds. */
export interface CongestionStepInfo extends Info {
  /** Sending rate after this step's action, packets/s. */
  rate: number;
  sendRate: number;
  throughput: number;
  /** Mean RTT of the interval, s (0 without acks). */
  latency: number;
  lossRatio: number;
  /** Simulated time at the end of the interval, s. */
  time: number;
  intervalDuration: number;
}

/**
 * `CongestionControl-v0`: PCC-RL's Aurora environment (`PccNs-v0`), ported exactly. Each step applies a rate
 * action (rate × (1 + 0.025·a), or ÷ (1 − 0.025·a) for a < 0, clamped to [40, 1000] packets/s) and simulates
 * one monitor interval; the observation is the last 10 intervals' (sent latency inflation, latency ratio,
 * send ratio); the reward 0.001 × (10 × throughput − 1000 × latency − 2000 × loss).
 *
 * Episodes last 400 steps through `make` (a time limit, so `truncated`; PCC-RL reports it as `done`). The
 * env never terminates on its own. Every random draw (task sampling, packet loss, trace noise) comes from
 * the env's seeded RNG.
 */
export class CongestionControlEnv extends BaseEnv<Float32Array, Float32Array> implements TaskEnv<CongestionTask> {
  readonly observationSpace = observationSpace();
  /** PCC-RL's action space: one unbounded-in-practice rate change. */
  readonly actionSpace = new Box(-1e12, 1e12, { shape: [1], dtype: 'float32' });
  readonly taskDistribution: TaskDistribution<CongestionTask>;
  private fixedTask: CongestionTask | undefined;
  private episodeTask: CongestionTask | undefined;
  private effectiveTask: CongestionTask | undefined;
  private simulation: AuroraSimulation | undefined;
  private readonly history = new ObservationHistory();
  private steps = 0;

  constructor(options: CongestionControlOptions = {}) {
    super();
    const family = options.taskFamily ?? 'aurora';
    if (family !== 'aurora' && family !== 'trace') {
      throw new InvalidOptionError(`CongestionControlEnv: taskFamily must be "aurora" or "trace", got ${JSON.stringify(family)}`);
    }
    this.taskDistribution = family === 'aurora' ? congestionTasks : congestionTraceTasks;
    if (options.task !== undefined) this.fixedTask = this.taskDistribution.validate(options.task);
  }

  /** The task in effect now (after any drift); before the first reset, the fixed task if one was given. */
  get task(): CongestionTask {
    const task = this.effectiveTask ?? this.fixedTask;
    if (task === undefined) throw new EnvError(`${this.envName()}: no task yet; call reset() first or pass a task`);
    return task;
  }

  /** The simulator of the current episode (for baselines, diagnostics and benchmarks). */
  get model(): AuroraSimulation {
    if (this.simulation === undefined) throw new EnvError(`${this.envName()}: call reset() before reading the model`);
    return this.simulation;
  }

  /** The current observation at full (float64) precision, as PCC-RL returns it. */
  fullPrecisionObservation(): Float64Array {
    return this.history.values();
  }

  protected override resetOptionKeys(): readonly string[] {
    return ['task'];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<Float32Array> {
    // Validate before changing anything, so a malformed task leaves the env as it was.
    if (options.task !== undefined) this.fixedTask = this.taskDistribution.validate(options.task);
    const task = this.fixedTask ?? this.taskDistribution.sample(this.npRandom);
    this.episodeTask = task;
    this.effectiveTask = taskAtStep(task, 0);
    this.simulation = new AuroraSimulation(this.effectiveTask, this.npRandom);
    this.history.reset();
    this.steps = 0;
    return {
      observation: this.history.write(),
      info: { taskId: task.id, rate: this.simulation.rate, time: this.simulation.time },
    };
  }

  protected stepEnv(action: Float32Array): StepResult<Float32Array> {
    const simulation = this.model;
    this.applyDrift(simulation);
    const interval = simulation.step(action[0]);
    this.history.push(interval);
    this.steps++;
    return this.result(this.history.write(), interval.reward(), false, false, stepInfo(interval, simulation));
  }

  /** Applies the task's drift events that take effect at the step about to run. */
  private applyDrift(simulation: AuroraSimulation): void {
    const task = this.episodeTask;
    if (task?.drift === undefined || task.drift.length === 0) return;
    const now = taskAtStep(task, this.steps);
    if (now === this.effectiveTask) return;
    const before = this.effectiveTask;
    this.effectiveTask = now;
    if (before === undefined || now.bandwidth !== before.bandwidth || now.latency !== before.latency || now.queue !== before.queue || now.loss !== before.loss) {
      simulation.reconfigure(now);
    }
  }
}

function stepInfo(interval: MonitorInterval, simulation: AuroraSimulation): CongestionStepInfo {
  const bitsPerPacket = 8 * BYTES_PER_PACKET;
  return {
    rate: simulation.rate,
    sendRate: interval.sendRate() / bitsPerPacket,
    throughput: interval.recvRate() / bitsPerPacket,
    latency: interval.avgLatency(),
    lossRatio: interval.lossRatio(),
    time: interval.end,
    intervalDuration: interval.duration,
  };
}
