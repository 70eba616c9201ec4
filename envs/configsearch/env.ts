import { BaseEnv } from '../core/base-env.js';
import type { ResetResult, StepResult } from '../core/env.js';
import { InvalidActionError, InvalidOptionError } from '../core/errors.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import type { TaskDistribution, TaskEnv } from '../tasks/task.js';
import { regretOf, searchProblem, type Measurement, type SearchProblem } from './problem.js';
import { configSearchTasks, validateConfigSearchTask, type ConfigSearchTask } from './tasks.js';

/** Options of {@link ConfigSearchEnv} (the kwargs of `ConfigSearch-v0`). */
export interface ConfigSearchEnvOptions {
  /** The task of the first episode (a job, or a replay task); default: the first of the family's catalog(1, 0). */
  task?: ConfigSearchTask;
  /** Draw a new job from the family's distribution at every reset that does not pass a task. */
  sampleTasks?: boolean;
  /** Trials per episode (default 10). */
  budget?: number;
}

/** Observation values are clipped to [0, OBS_CLIP]. */
const OBS_CLIP = 10;

/**
 * CherryPick/Scout-style configuration search (FLASH's supervised case as an RL env). An episode is a
 * search budget: each step tries one configuration (`Discrete(configurations)`) and measures it.
 * Observation (float32): [has a trial, the last trial's configuration features…, its runtime / deadline
 * (or / median runtime without a deadline), its cost / median cost, whether it succeeded within the deadline,
 * best cost so far / median cost (OBS_CLIP while nothing qualifies), trials left / budget].
 * Reward: the improvement of the best qualifying measured cost, in units of the optimal cost (the first
 * qualifying trial improves on the worst configuration's cost); the last step also subtracts the final
 * regret, (true cost of the incumbent − optimal cost) / optimal cost. `info.actionMask` marks the untried
 * configurations that can be tried; trying one again re-measures it (allowed, and costs a trial);
 * a configuration that can never be tried (a replay's unmeasured one) is an invalid action.
 */
export class ConfigSearchEnv extends BaseEnv<Float32Array, number> implements TaskEnv<ConfigSearchTask> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly taskDistribution: TaskDistribution<ConfigSearchTask> = configSearchTasks as unknown as TaskDistribution<ConfigSearchTask>;
  readonly budget: number;
  private readonly sampleTasks: boolean;
  private currentTask: ConfigSearchTask;
  private problem: SearchProblem;
  private readonly featureCount: number;
  /**
   * The episode's action masks, one row of `size` per step (row k: after k trials), allocated once per
   * episode: `info.actionMask` is a view of its row, never written again, so a kept mask stays valid.
   * (Typed arrays of more than 64 bytes are slow to allocate one by one, which would halve the step rate.)
   */
  private maskRows = new Int8Array(0);
  /** triedIn[i] === episode: configuration i was tried this episode (no per-episode allocation). */
  private readonly triedIn: Int32Array;
  private episode = 0;
  private untriedCount = 0;
  private trials = 0;
  private bestCost = Infinity;
  private incumbent = -1;
  private previousBest = 0;
  private sampled = 0;

  constructor(options: ConfigSearchEnvOptions = {}) {
    super();
    this.currentTask = options.task === undefined ? configSearchTasks.catalog(1, 0)[0] : validateConfigSearchTask(options.task);
    this.problem = searchProblem(this.currentTask);
    this.budget = options.budget ?? 10;
    if (!Number.isInteger(this.budget) || this.budget < 1) throw new InvalidOptionError(`ConfigSearchEnv: budget must be a positive integer, got ${this.budget}`);
    this.sampleTasks = options.sampleTasks ?? false;
    this.featureCount = this.problem.features[0].length;
    const dims = this.featureCount + 6;
    this.observationSpace = new Box(0, OBS_CLIP, { shape: [dims] });
    this.actionSpace = new Discrete(this.problem.size);
    this.triedIn = new Int32Array(this.problem.size).fill(-1);
  }

  /** The task of the current episode. */
  get task(): ConfigSearchTask {
    return this.currentTask;
  }

  /** The current task's search problem (with the truth, for scoring and baselines). */
  get searchProblem(): SearchProblem {
    return this.problem;
  }

  protected override resetOptionKeys(): readonly string[] {
    return ['task'];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<Float32Array> {
    let task = this.currentTask;
    let sampled = false;
    if (options.task !== undefined) task = validateConfigSearchTask(options.task);
    else if (this.sampleTasks) {
      task = configSearchTasks.sample(this.npRandom, `configsearch-sampled-${this.sampled++}`);
      sampled = true;
    }
    const problem = searchProblem(task, { cache: !sampled });
    if (problem.size !== this.problem.size || problem.features[0].length !== this.featureCount) {
      throw new InvalidOptionError(
        `ConfigSearchEnv.reset: option "task" (${task.id}) has ${problem.size} configurations of ${problem.features[0].length} features; this env acts on Discrete(${this.problem.size}) with ${this.featureCount} features`,
      );
    }
    this.currentTask = task;
    this.problem = problem;
    this.episode++;
    let available = 0;
    for (let i = 0; i < problem.size; i++) available += problem.available[i];
    this.untriedCount = available;
    this.maskRows = new Int8Array((this.budget + 1) * problem.size);
    this.maskRows.set(problem.available);
    this.trials = 0;
    this.bestCost = Infinity;
    this.previousBest = problem.worstCost;
    this.incumbent = -1;
    const observation = new Float32Array(this.featureCount + 6);
    observation[this.featureCount + 4] = OBS_CLIP;
    observation[this.featureCount + 5] = 1;
    return { observation, info: { actionMask: this.maskRows.subarray(0, problem.size) } };
  }

  protected stepEnv(action: number): StepResult<Float32Array> {
    const problem = this.problem;
    if (!problem.available[action]) {
      throw new InvalidActionError(`ConfigSearchEnv.step: configuration ${action} was never measured in replay task ${this.currentTask.id}; see info.actionMask`);
    }
    const m = problem.measure(action, this.npRandom);
    if (this.triedIn[action] !== this.episode) {
      this.triedIn[action] = this.episode;
      this.untriedCount--;
    }
    this.trials++;
    const n = problem.size;
    this.maskRows.copyWithin(this.trials * n, (this.trials - 1) * n, this.trials * n);
    this.maskRows[this.trials * n + action] = 0;
    const qualifies = m.succeeded && m.runtime <= problem.deadline;
    let reward = 0;
    if (qualifies && m.cost < this.bestCost) {
      this.bestCost = m.cost;
      this.incumbent = action;
      // Measured noise can put a first find above the worst true cost: it then improves by nothing.
      reward = (Math.max(this.previousBest, m.cost) - m.cost) / problem.optimalCost;
      this.previousBest = m.cost;
    }
    const terminated = this.trials >= this.budget || this.untriedCount === 0;
    const info: Record<string, unknown> = {
      actionMask: this.maskRows.subarray(this.trials * n, (this.trials + 1) * n),
      runtime: m.runtime,
      cost: m.cost,
      succeeded: m.succeeded,
      qualifies,
      incumbent: this.incumbent,
    };
    if (terminated) {
      const regret = regretOf(problem, this.incumbent);
      reward -= regret;
      info.regret = regret;
      info.optimum = problem.optimum;
      info.optimalCost = problem.optimalCost;
    }
    return { observation: this.observe(action, m, qualifies), reward, terminated, truncated: false, info };
  }

  private observe(action: number, m: Measurement, qualifies: boolean): Float32Array {
    const problem = this.problem;
    const k = this.featureCount;
    const obs = new Float32Array(k + 6);
    obs[0] = 1;
    obs.set(problem.features[action], 1);
    const runtimeScale = Number.isFinite(problem.deadline) ? problem.deadline : problem.runtimeScale;
    obs[k + 1] = clip(m.runtime / runtimeScale);
    obs[k + 2] = clip(m.cost / problem.costScale);
    obs[k + 3] = qualifies ? 1 : 0;
    obs[k + 4] = this.incumbent < 0 ? OBS_CLIP : clip(this.bestCost / problem.costScale);
    obs[k + 5] = (this.budget - this.trials) / this.budget;
    return obs;
  }
}

function clip(x: number): number {
  return x < 0 ? 0 : x > OBS_CLIP ? OBS_CLIP : x;
}
