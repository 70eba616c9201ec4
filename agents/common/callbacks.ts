import { join } from 'node:path';
import type { Env } from '../../envs/core/env.js';
import type { BaseAlgorithm } from './base-algorithm.js';
import { evaluatePolicy } from './evaluation.js';

/**
 * A hook into training (SB3's `BaseCallback`). `onStep` runs after every env step of the batch (once per
 * `numEnvs` timesteps) and stops training when it returns false.
 */
export abstract class BaseCallback {
  /** The agent being trained (set by {@link BaseCallback.init}). */
  protected model!: BaseAlgorithm;
  /** Number of `onStep` calls so far. */
  nCalls = 0;

  /** Binds the callback to an agent; called by `learn` before training starts. */
  init(model: BaseAlgorithm): void {
    this.model = model;
  }

  onTrainingStart(): void {}
  onRolloutStart(): void {}
  /** Called after each env step; returning false stops training. */
  onStep(): boolean {
    return true;
  }
  onRolloutEnd(): void {}
  onTrainingEnd(): void {}

  /** Counts the call then runs {@link BaseCallback.onStep}. */
  step(): boolean {
    this.nCalls += 1;
    return this.onStep();
  }
}

/** Runs several callbacks in order; training stops if any asks to. */
export class CallbackList extends BaseCallback {
  constructor(readonly callbacks: readonly BaseCallback[]) {
    super();
  }
  override init(model: BaseAlgorithm): void {
    super.init(model);
    for (const c of this.callbacks) c.init(model);
  }
  override onTrainingStart(): void {
    for (const c of this.callbacks) c.onTrainingStart();
  }
  override onRolloutStart(): void {
    for (const c of this.callbacks) c.onRolloutStart();
  }
  override onStep(): boolean {
    let go = true;
    for (const c of this.callbacks) go = c.step() && go;
    return go;
  }
  override onRolloutEnd(): void {
    for (const c of this.callbacks) c.onRolloutEnd();
  }
  override onTrainingEnd(): void {
    for (const c of this.callbacks) c.onTrainingEnd();
  }
}

/** Stops training once the evaluation's best mean reward reaches `rewardThreshold` (use as EvalCallback's `callbackOnNewBest`). */
export class StopTrainingOnRewardThreshold extends BaseCallback {
  /** Set by the EvalCallback that owns this callback. */
  bestMeanReward = -Infinity;
  constructor(readonly rewardThreshold: number) {
    super();
    if (!Number.isFinite(rewardThreshold)) throw new RangeError(`StopTrainingOnRewardThreshold: rewardThreshold must be finite, got ${rewardThreshold}`);
  }
  override onStep(): boolean {
    return this.bestMeanReward < this.rewardThreshold;
  }
}

/** Options of {@link EvalCallback} (SB3's names in camelCase). */
export interface EvalCallbackOptions {
  /** Evaluate every `evalFreq` calls of `onStep` (SB3 counts vector-env steps, not timesteps). Default 10000. */
  readonly evalFreq?: number;
  readonly nEvalEpisodes?: number;
  readonly deterministic?: boolean;
  /** Folder where the best model is saved as `best_model` (none: not saved). */
  readonly bestModelSavePath?: string;
  /** Run when a new best mean reward is reached; training stops if it returns false. */
  readonly callbackOnNewBest?: StopTrainingOnRewardThreshold;
}

/** One row of an {@link EvalCallback}'s history. */
export interface EvaluationRecord {
  readonly timesteps: number;
  readonly meanReward: number;
  readonly stdReward: number;
  readonly meanEpLength: number;
  readonly episodeRewards: readonly number[];
}

/**
 * Periodic evaluation on a separate env (SB3's `EvalCallback`): logs `eval/mean_reward` and
 * `eval/mean_ep_length`, keeps the history in {@link EvalCallback.evaluations}, saves the best model, and
 * can stop training through `callbackOnNewBest`.
 */
export class EvalCallback extends BaseCallback {
  readonly evalFreq: number;
  readonly nEvalEpisodes: number;
  readonly deterministic: boolean;
  bestMeanReward = -Infinity;
  lastMeanReward = -Infinity;
  readonly evaluations: EvaluationRecord[] = [];

  constructor(
    readonly evalEnv: Env,
    readonly options: EvalCallbackOptions = {},
  ) {
    super();
    this.evalFreq = options.evalFreq ?? 10000;
    this.nEvalEpisodes = options.nEvalEpisodes ?? 5;
    this.deterministic = options.deterministic ?? true;
    if (!Number.isInteger(this.evalFreq) || this.evalFreq <= 0) throw new RangeError(`EvalCallback: evalFreq must be a positive integer, got ${this.evalFreq}`);
    if (!Number.isInteger(this.nEvalEpisodes) || this.nEvalEpisodes <= 0) throw new RangeError(`EvalCallback: nEvalEpisodes must be a positive integer, got ${this.nEvalEpisodes}`);
  }

  override init(model: BaseAlgorithm): void {
    super.init(model);
    this.options.callbackOnNewBest?.init(model);
  }

  override onStep(): boolean {
    if (this.nCalls % this.evalFreq !== 0) return true;
    return this.evaluateNow();
  }

  /** Runs one evaluation now; returns false when training should stop. */
  evaluateNow(): boolean {
    const result = evaluatePolicy(this.model, this.evalEnv, { nEvalEpisodes: this.nEvalEpisodes, deterministic: this.deterministic });
    const meanEpLength = result.episodeLengths.reduce((a, b) => a + b, 0) / result.episodeLengths.length;
    this.lastMeanReward = result.meanReward;
    this.evaluations.push({ timesteps: this.model.numTimesteps, meanReward: result.meanReward, stdReward: result.stdReward, meanEpLength, episodeRewards: result.episodeRewards });
    this.model.logger.record('eval/mean_reward', result.meanReward);
    this.model.logger.record('eval/mean_ep_length', meanEpLength);
    if (this.model.verbose >= 1) {
      console.log(`Eval num_timesteps=${this.model.numTimesteps}, episode_reward=${result.meanReward.toFixed(2)} +/- ${result.stdReward.toFixed(2)}`);
    }
    if (result.meanReward > this.bestMeanReward) {
      this.bestMeanReward = result.meanReward;
      if (this.options.bestModelSavePath !== undefined) this.model.saveSync(join(this.options.bestModelSavePath, 'best_model'));
      const onBest = this.options.callbackOnNewBest;
      if (onBest !== undefined) {
        onBest.bestMeanReward = this.bestMeanReward;
        return onBest.step();
      }
    }
    return true;
  }
}

/** Options of {@link CheckpointCallback}. */
export interface CheckpointCallbackOptions {
  /** Save every `saveFreq` calls of `onStep`. */
  readonly saveFreq: number;
  readonly savePath: string;
  readonly namePrefix?: string;
}

/**
 * Saves the agent every `saveFreq` steps as `<savePath>/<namePrefix>_<numTimesteps>_steps` (SB3's
 * `CheckpointCallback`). An off-policy agent is saved right away (its checkpoint holds the replay buffer,
 * so resuming is exact). An on-policy agent is saved at the next rollout boundary (after its update),
 * where its state is complete, so that resuming from any of these checkpoints is exact too.
 */
export class CheckpointCallback extends BaseCallback {
  private due = false;
  /** Directories written so far. */
  readonly saved: string[] = [];

  constructor(readonly options: CheckpointCallbackOptions) {
    super();
    if (!Number.isInteger(options.saveFreq) || options.saveFreq <= 0) throw new RangeError(`CheckpointCallback: saveFreq must be a positive integer, got ${options.saveFreq}`);
  }

  override onStep(): boolean {
    if (this.nCalls % this.options.saveFreq === 0) {
      if (this.model.checkpointPoint === 'step') this.saveNow();
      else this.due = true;
    }
    return true;
  }

  override onRolloutStart(): void {
    if (this.due) this.saveNow();
  }

  override onTrainingEnd(): void {
    if (this.due) this.saveNow();
  }

  private saveNow(): void {
    this.due = false;
    const dir = join(this.options.savePath, `${this.options.namePrefix ?? 'rl_model'}_${this.model.numTimesteps}_steps`);
    this.model.saveSync(dir);
    this.saved.push(dir);
    if (this.model.verbose >= 2) console.log(`Saving model checkpoint to ${dir}`);
  }
}

/** A progress bar on stderr (SB3's `ProgressBarCallback`), redrawn at most every 200 ms. */
export class ProgressBarCallback extends BaseCallback {
  private lastDraw = 0;
  private readonly write: (text: string) => void;

  constructor(write?: (text: string) => void) {
    super();
    this.write = write ?? ((text) => process.stderr.write(text));
  }

  override onStep(): boolean {
    const now = Date.now();
    if (now - this.lastDraw >= 200) {
      this.lastDraw = now;
      this.draw();
    }
    return true;
  }

  override onTrainingEnd(): void {
    this.draw();
    this.write('\n');
  }

  private draw(): void {
    const total = Math.max(1, this.model.totalTimestepsTarget);
    const done = Math.min(this.model.numTimesteps, total);
    const width = 30;
    const filled = Math.round((done / total) * width);
    this.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${((100 * done) / total).toFixed(0).padStart(3)}% ${done}/${total}`);
  }
}
