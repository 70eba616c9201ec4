import { BaseEnv } from '../core/base-env.js';
import type { ResetResult, StepResult } from '../core/env.js';
import { InvalidOptionError, describeValue } from '../core/errors.js';
import { Box } from '../spaces/box.js';
import type { Space } from '../spaces/space.js';
import { taskAtStep } from '../tasks/distribution.js';
import type { TaskDistribution, TaskEnv } from '../tasks/task.js';
import { CONFIG_LIMITS, type ResourceConfig } from './application.js';
import { EpisodeWorkload } from './episode-workload.js';
import { AutoscalingSimulator, emptyMetrics, type IntervalMetrics } from './simulator.js';
import { autoscalingTasks, type AutoscalingTask } from './tasks.js';

/** Keyword arguments of the autoscaling envs (`make('Autoscaling-v0', kwargs)`). */
export interface AutoscalingEnvOptions {
  /** The task of the first episode (default: the first task of `autoscalingTasks.catalog(1, 0)`). */
  readonly task?: AutoscalingTask;
  /** Simulated seconds per control step (default 30). */
  readonly controlIntervalS?: number;
  /** Requests that would wait longer than this are dropped (default 30 s). */
  readonly timeoutS?: number;
  /**
   * What the observation holds (default `full`): `full` is AWARE's 9 values; `partial` keeps only what the
   * infrastructure sees without instrumenting the app ({@link AUTOSCALING_PARTIAL_OBSERVATION_NAMES}).
   */
  readonly observe?: AutoscalingObservationMode;
}

/** The observation modes of the autoscaling envs. */
export const AUTOSCALING_OBSERVATION_MODES = ['full', 'partial'] as const;
export type AutoscalingObservationMode = (typeof AUTOSCALING_OBSERVATION_MODES)[number];

/** A configuration change requested by an action. */
export interface ConfigChange {
  readonly replicas: number;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

/** The `info` of every reset and step. */
export interface AutoscalingInfo {
  [key: string]: unknown;
  readonly taskId: string;
  /** Control steps taken in this episode (0 at reset). */
  readonly step: number;
  readonly latencyMeanMs: number;
  readonly latencyP95Ms: number;
  /** Whether the p95 latency exceeded the SLO. */
  readonly sloViolated: boolean;
  /** min(1, SLO / p95) × the fraction of finished requests that succeeded. */
  readonly sloPreservation: number;
  readonly cpuUtilization: number;
  readonly memoryUtilization: number;
  readonly arrivals: number;
  readonly servedRequests: number;
  readonly failedRequests: number;
  readonly droppedRequests: number;
  readonly backlog: number;
  /** Cost of the allocated resources over the interval ($). */
  readonly resourceCost: number;
  readonly replicas: number;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  /** The action was not allowed (reward −1, configuration unchanged). */
  readonly illegalAction: boolean;
  /** The action reversed the previous one (−1 penalty). */
  readonly flipFlop: boolean;
}

/** Weights of AWARE's reward: utilization and SLO preservation. */
export const UTILIZATION_WEIGHT = 0.3;
export const SLO_WEIGHT = 0.7;
/** Reward of an illegal action, and the penalty of a flip-flop. */
export const ILLEGAL_ACTION_REWARD = -1;
export const FLIP_FLOP_PENALTY = 1;

/** Names of the observation's components, in order. */
export const AUTOSCALING_OBSERVATION_NAMES = [
  'cpuUtilization',
  'memoryUtilization',
  'sloPreservation',
  'latencyOverSlo',
  'arrivalRateOverMaxCapacity',
  'processingOverArrivalRate',
  'replicasOverMax',
  'cpuOverMax',
  'memoryOverMax',
] as const;

const OBS_HIGH = [1, 1, 1, 10, 1, 2, 1, 1, 1];

/**
 * The `partial` observation: utilization, the served-to-arrived ratio and the configuration, which a
 * cluster reports for any container. Hidden are the three values that identify the application: the SLO
 * preservation and p95 latency over the SLO (they need the app's latency and its SLO) and the arrival
 * rate over the app's capacity (it needs the app's service time). Two apps with the same utilization can
 * then need different actions, and only the trajectory (its rewards carry the SLO preservation) tells
 * them apart: the setting in which a task embedding built from history has something to add.
 */
export const AUTOSCALING_PARTIAL_OBSERVATION_NAMES = ['cpuUtilization', 'memoryUtilization', 'processingOverArrivalRate', 'replicasOverMax', 'cpuOverMax', 'memoryOverMax'] as const;
/** Indices of the partial observation's components in the full one. */
const PARTIAL_INDICES = AUTOSCALING_PARTIAL_OBSERVATION_NAMES.map((name) => AUTOSCALING_OBSERVATION_NAMES.indexOf(name));
/** The configuration a simulator holds until the first reset replaces it. */
const PLACEHOLDER_CONFIG: ResourceConfig = { replicas: 1, cpuMillicores: 1024, memoryMiB: 1024 };

/** Reads and checks the `config` reset option, naming the bad field. */
export function readConfigOption(value: unknown, owner: string): ResourceConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(`${owner}.reset: option "config" must be an object { replicas, cpuMillicores, memoryMiB }, got ${describeValue(value)}`);
  }
  const obj = value as Record<string, unknown>;
  const ranges: Record<keyof ResourceConfig, [number, number]> = {
    replicas: [CONFIG_LIMITS.minReplicas, CONFIG_LIMITS.maxReplicas],
    cpuMillicores: [CONFIG_LIMITS.minCpuMillicores, CONFIG_LIMITS.maxCpuMillicores],
    memoryMiB: [CONFIG_LIMITS.minMemoryMiB, CONFIG_LIMITS.maxMemoryMiB],
  };
  for (const key of Object.keys(obj)) {
    if (!(key in ranges)) throw new InvalidOptionError(`${owner}.reset: option "config.${key}" is unknown; allowed: replicas, cpuMillicores, memoryMiB`);
  }
  const read = (key: keyof ResourceConfig): number => {
    const v = obj[key];
    const [lo, hi] = ranges[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new InvalidOptionError(`${owner}.reset: option "config.${key}" = ${describeValue(v)} is invalid; expected an integer in [${lo}, ${hi}]`);
    }
    return v;
  };
  return { replicas: read('replicas'), cpuMillicores: read('cpuMillicores'), memoryMiB: read('memoryMiB') };
}

/** Reads a positive number kwarg in a range, naming it. */
function readKwarg(kwargs: AutoscalingEnvOptions, key: 'controlIntervalS' | 'timeoutS', fallback: number, lo: number, hi: number): number {
  const v = kwargs[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new InvalidOptionError(`autoscaling env: kwarg "${key}" = ${describeValue(v)} is invalid; expected a number in [${lo}, ${hi}]`);
  }
  return v;
}

/** Reads the `observe` kwarg, naming it and the allowed values. */
function readObserveMode(value: unknown): AutoscalingObservationMode {
  if (value === undefined) return 'full';
  if (typeof value !== 'string' || !(AUTOSCALING_OBSERVATION_MODES as readonly string[]).includes(value)) {
    throw new InvalidOptionError(`autoscaling env: kwarg "observe" = ${describeValue(value)} is invalid; expected one of ${AUTOSCALING_OBSERVATION_MODES.map((m) => `"${m}"`).join(', ')}`);
  }
  return value as AutoscalingObservationMode;
}

let defaultTask: AutoscalingTask | undefined;
/** The default task: the first of the default catalog with seed 0 (the same as `catalog(n, 0)[0]`). */
function firstCatalogTask(): AutoscalingTask {
  defaultTask ??= autoscalingTasks.catalog(1, 0)[0];
  return defaultTask;
}

/**
 * The autoscaling envs' common part (AWARE's formulation): the task, the simulator, the observation,
 * the reward and the info. Subclasses map their action to a configuration change.
 *
 * An episode: `reset` simulates interval 0 with the initial configuration (the `config` option, else a
 * random one from the env's RNG) to produce the first observation; each `step` applies the action's
 * change (unless illegal) and simulates the next interval. Drift events of the task take effect at their
 * step. An illegal action (out of the allowed ranges, or a vertical change with fewer than 2 replicas)
 * is not applied and earns −1; time still passes. Reward = 0.3 × (CPU + memory utilization) / 2 +
 * 0.7 × SLO preservation, minus 1 if the action reverses the previous step's change in any dimension.
 */
export abstract class AutoscalingEnvBase<Act> extends BaseEnv<Float32Array, Act> implements TaskEnv<AutoscalingTask> {
  readonly observationSpace: Box;
  /** What the observation holds (see {@link AutoscalingEnvOptions.observe}). */
  readonly observeMode: AutoscalingObservationMode;
  abstract override readonly actionSpace: Space<Act>;
  readonly taskDistribution: TaskDistribution<AutoscalingTask> = autoscalingTasks;
  readonly controlIntervalS: number;
  readonly timeoutS: number;
  private baseTask: AutoscalingTask;
  private simulator: AutoscalingSimulator;
  private workload: EpisodeWorkload;
  private maxCapacity = 1;
  private stepCount = 0;
  private readonly metrics: IntervalMetrics = emptyMetrics();
  // The previous step's applied change (replicas, CPU, memory), for the flip-flop penalty.
  private lastReplicaChange = 0;
  private lastCpuChange = 0;
  private lastMemoryChange = 0;

  constructor(kwargs: AutoscalingEnvOptions = {}) {
    super();
    this.controlIntervalS = readKwarg(kwargs, 'controlIntervalS', 30, 1, 3600);
    this.timeoutS = readKwarg(kwargs, 'timeoutS', 30, 0.1, 3600);
    this.observeMode = readObserveMode(kwargs.observe);
    const high = this.observeMode === 'full' ? OBS_HIGH : PARTIAL_INDICES.map((i) => OBS_HIGH[i]);
    this.observationSpace = new Box(0, high, { shape: [high.length] });
    this.baseTask = kwargs.task === undefined ? firstCatalogTask() : autoscalingTasks.validate(kwargs.task);
    this.simulator = this.buildSimulator(this.baseTask);
    this.workload = new EpisodeWorkload(this.baseTask, this.controlIntervalS);
  }

  /** The task in effect now (the episode's task with the drift reached so far). */
  get task(): AutoscalingTask {
    return taskAtStep(this.baseTask, this.stepCount);
  }

  /** The configuration in effect. */
  get config(): ResourceConfig {
    return this.simulator.config;
  }

  /** Control steps taken in this episode. */
  get elapsedSteps(): number {
    return this.stepCount;
  }

  /** The expected arrival rate (requests/s) of the current interval, noise excluded (for the oracle). */
  expectedArrivalRate(): number {
    return this.workload.expectedRate(this.stepCount);
  }

  protected override resetOptionKeys(): readonly string[] {
    return ['task', 'config'];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<Float32Array> {
    // Validate every option before changing anything.
    const task = options.task === undefined ? this.baseTask : this.taskDistribution.validate(options.task);
    const config = options.config === undefined ? undefined : readConfigOption(options.config, this.envName());
    if (task !== this.baseTask) {
      this.baseTask = task;
      this.simulator = this.buildSimulator(task);
    }
    this.workload = new EpisodeWorkload(task, this.controlIntervalS);
    this.stepCount = 0;
    this.rememberChange(0, 0, 0);
    this.simulator.reset(config ?? this.randomConfig());
    this.simulate();
    return { observation: this.observe(), info: this.info(false, false) };
  }

  protected stepEnv(action: Act): StepResult<Float32Array> {
    const current = this.simulator.config;
    const next = this.decodeAction(action, current);
    const legal = isLegal(current, next);
    let flipFlop = false;
    if (legal) {
      const dReplicas = next.replicas - current.replicas;
      const dCpu = next.cpuMillicores - current.cpuMillicores;
      const dMemory = next.memoryMiB - current.memoryMiB;
      flipFlop = dReplicas * this.lastReplicaChange < 0 || dCpu * this.lastCpuChange < 0 || dMemory * this.lastMemoryChange < 0;
      this.rememberChange(dReplicas, dCpu, dMemory);
      if (dReplicas !== 0 || dCpu !== 0 || dMemory !== 0) this.simulator.reconfigure(next);
    } else {
      this.rememberChange(0, 0, 0);
    }
    this.stepCount++;
    this.simulate();
    const m = this.metrics;
    const reward = legal
      ? UTILIZATION_WEIGHT * 0.5 * (m.cpuUtilization + m.memoryUtilization) + SLO_WEIGHT * this.sloPreservation() - (flipFlop ? FLIP_FLOP_PENALTY : 0)
      : ILLEGAL_ACTION_REWARD;
    return { observation: this.observe(), reward, terminated: false, truncated: false, info: this.info(!legal, flipFlop) };
  }

  /**
   * The configuration an action asks for, from the current one (possibly out of range: the base class
   * checks the ranges and the two-replica rule).
   */
  protected abstract decodeAction(action: Act, current: ResourceConfig): ResourceConfig;

  private rememberChange(replicas: number, cpu: number, memory: number): void {
    this.lastReplicaChange = replicas;
    this.lastCpuChange = cpu;
    this.lastMemoryChange = memory;
  }

  private buildSimulator(task: AutoscalingTask): AutoscalingSimulator {
    const options = { controlIntervalS: this.controlIntervalS, coldStartS: task.coldStartS, timeoutS: this.timeoutS };
    const simulator = new AutoscalingSimulator(task.segments, options, PLACEHOLDER_CONFIG);
    const best = simulator.serviceModelAt(CONFIG_LIMITS.maxCpuMillicores, CONFIG_LIMITS.maxMemoryMiB);
    this.maxCapacity = CONFIG_LIMITS.maxReplicas / best.meanS;
    return simulator;
  }

  /** A random initial configuration: 1–4 replicas, 256–1024 millicores, 256–1024 MiB, in steps of 128. */
  private randomConfig(): ResourceConfig {
    const rng = this.npRandom;
    return { replicas: rng.integers(1, 5), cpuMillicores: 128 * rng.integers(2, 9), memoryMiB: 256 + 128 * rng.integers(0, 7) };
  }

  private simulate(): void {
    this.workload.advanceTo(this.stepCount);
    const arrivals = this.workload.drawArrivals(this.stepCount, this.npRandom);
    this.simulator.runInterval(arrivals, this.metrics);
  }

  private sloPreservation(): number {
    const m = this.metrics;
    const sloS = this.baseTask.sloMs / 1000;
    const latency = m.p95LatencyS > 0 ? Math.min(1, sloS / m.p95LatencyS) : 1;
    const finished = m.served + m.dropped;
    const success = finished > 0 ? (m.served - m.failed) / finished : 1;
    return latency * success;
  }

  private observe(): Float32Array {
    const m = this.metrics;
    const config = this.simulator.config;
    const sloS = this.baseTask.sloMs / 1000;
    const arrivalRate = m.arrivals / this.controlIntervalS;
    const obs = new Float32Array(9);
    obs[0] = m.cpuUtilization;
    obs[1] = m.memoryUtilization;
    obs[2] = this.sloPreservation();
    obs[3] = Math.min(10, m.p95LatencyS / sloS);
    obs[4] = Math.min(1, arrivalRate / this.maxCapacity);
    obs[5] = m.arrivals > 0 ? Math.min(2, m.served / m.arrivals) : 1;
    obs[6] = config.replicas / CONFIG_LIMITS.maxReplicas;
    obs[7] = config.cpuMillicores / CONFIG_LIMITS.maxCpuMillicores;
    obs[8] = config.memoryMiB / CONFIG_LIMITS.maxMemoryMiB;
    return this.observeMode === 'full' ? obs : Float32Array.from(PARTIAL_INDICES, (i) => obs[i]);
  }

  private info(illegalAction: boolean, flipFlop: boolean): AutoscalingInfo {
    const m = this.metrics;
    const config = this.simulator.config;
    const p95Ms = m.p95LatencyS * 1000;
    return {
      taskId: this.baseTask.id,
      step: this.stepCount,
      latencyMeanMs: m.meanLatencyS * 1000,
      latencyP95Ms: p95Ms,
      sloViolated: p95Ms > this.baseTask.sloMs,
      sloPreservation: this.sloPreservation(),
      cpuUtilization: m.cpuUtilization,
      memoryUtilization: m.memoryUtilization,
      arrivals: m.arrivals,
      servedRequests: m.served,
      failedRequests: m.failed,
      droppedRequests: m.dropped,
      backlog: m.backlog,
      resourceCost: m.cost,
      replicas: config.replicas,
      cpuMillicores: config.cpuMillicores,
      memoryMiB: config.memoryMiB,
      illegalAction,
      flipFlop,
    };
  }
}

/** Whether a change keeps the configuration in range and, if vertical, has at least 2 replicas. */
export function isLegal(current: ResourceConfig, next: ResourceConfig): boolean {
  const L = CONFIG_LIMITS;
  if (next.replicas < L.minReplicas || next.replicas > L.maxReplicas) return false;
  if (next.cpuMillicores < L.minCpuMillicores || next.cpuMillicores > L.maxCpuMillicores) return false;
  if (next.memoryMiB < L.minMemoryMiB || next.memoryMiB > L.maxMemoryMiB) return false;
  const vertical = next.cpuMillicores !== current.cpuMillicores || next.memoryMiB !== current.memoryMiB;
  return !vertical || Math.min(current.replicas, next.replicas) >= L.minReplicasForVertical;
}
