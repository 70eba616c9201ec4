import { ReplayBuffer } from '../buffers/replay-buffer.js';
import { BaseAlgorithm, type AgentEnv, type CommonAgentOptions } from './base-algorithm.js';
import type { BaseCallback } from './callbacks.js';
import type { BatchStep } from './env-batch.js';

/** The off-policy loop's settings (SB3's names). */
export interface OffPolicySettings {
  readonly bufferSize: number;
  readonly learningStarts: number;
  readonly batchSize: number;
  /** Collect `trainFreq` vector-env steps between updates. */
  readonly trainFreq: number;
  /** Gradient steps after each collection; −1: as many as env steps collected. */
  readonly gradientSteps: number;
}

/**
 * How often the loop lets the event loop run (timers, signals, progress output), in milliseconds of training:
 * at every update would cost DDPG's one-update-per-step loop ~0.1 ms a step for nothing.
 */
const YIELD_MS = 20;

/**
 * SB3's `OffPolicyAlgorithm` loop, shared by DQN and DDPG/TD3: collect `trainFreq` steps into a replay
 * buffer (random actions until `learningStarts`), then run `gradientSteps` updates. Subclasses choose
 * actions ({@link OffPolicyAlgorithm.chooseActions}), update ({@link OffPolicyAlgorithm.trainSteps}) and
 * hook per-step work such as target-network updates ({@link OffPolicyAlgorithm.afterEnvStep}).
 * Next-step autoreset steps are not stored; a truncated transition stores the final observation as its
 * next observation and is not marked done, so it is bootstrapped (SB3's `handle_timeout_termination`).
 */
export abstract class OffPolicyAlgorithm extends BaseAlgorithm {
  readonly checkpointPoint = 'step' as const;
  protected replayBuffer!: ReplayBuffer;
  /** Number of finished episodes during the current `learn` (SB3's `_episode_num`). */
  protected episodeNum = 0;
  /** Vector-env steps collected since the last update; kept across `learn` calls and checkpoints so a resumed run updates when an uninterrupted one would. */
  protected stepsSinceUpdate = 0;
  protected abstract readonly settings: OffPolicySettings;
  /** Width of an action as stored in the buffer (1 for Discrete). */
  protected abstract readonly storedActionDim: number;

  protected constructor(env: AgentEnv, options: CommonAgentOptions) {
    super(env, options);
  }

  /** Creates the replay buffer (call at the end of the subclass constructor). */
  protected initReplayBuffer(): void {
    this.replayBuffer = new ReplayBuffer(this.settings.bufferSize, this.encoder.size, this.storedActionDim);
  }

  /**
   * Fills `stored` (`[numEnvs × storedActionDim]`, what the buffer keeps) and `batched` (what the env
   * gets) for the current observations; `random` during the learning-starts phase.
   */
  protected abstract chooseActions(obs: Float32Array, random: boolean, stored: Float32Array, batched: Int32Array | Float32Array): void;

  /** Runs `gradientSteps` updates. */
  protected abstract trainSteps(gradientSteps: number): void;

  /** Called after every vector-env step (SB3's `_on_step`), with that step (e.g. to reset per-env noise at episode ends). */
  protected abstract afterEnvStep(step: BatchStep): void;

  /** The env action of env `i` from the batched array. */
  protected abstract envActionOf(batched: Int32Array | Float32Array, i: number): unknown;

  /** A batched action array of the right type. */
  protected abstract allocBatchedActions(): Int32Array | Float32Array;

  protected defaultLogInterval(): number {
    return 4;
  }

  protected async runTraining(callback: BaseCallback, logInterval: number): Promise<void> {
    const s = this.settings;
    const env = this.envBatch!;
    const n = this.numEnvs;
    const os = this.encoder.size;
    const ad = this.storedActionDim;
    const stored = new Float32Array(n * ad);
    const batched = this.allocBatchedActions();
    this.episodeNum = 0;
    if (this.numTimesteps === 0) this.stepsSinceUpdate = 0;
    callback.onRolloutStart();
    let lastYield = performance.now();
    while (this.numTimesteps < this.totalTimestepsTarget) {
      const obs = this.lastObs as Float32Array;
      this.chooseActions(obs, this.numTimesteps < s.learningStarts, stored, batched);
      const step = env.step((i) => this.envActionOf(batched, i), batched);
      this.numTimesteps += n;
      this.stepsSinceUpdate += 1;
      if (!callback.step()) break;
      const finished = this.collectEpisodeStats();
      for (let i = 0; i < n; i++) {
        if (step.resetSteps[i] === 1) continue;
        const final = step.finalObservations[i];
        const next = final ?? step.observations;
        const nextOffset = final === null ? i * os : 0;
        this.replayBuffer.add(obs, i * os, next, nextOffset, stored, i * ad, step.rewards[i], step.terminated[i] === 1);
      }
      this.lastObs = Float32Array.from(step.observations);
      this.afterEnvStep(step);
      for (let e = 0; e < finished; e++) {
        this.episodeNum += 1;
        if (this.episodeNum % logInterval === 0) this.dumpLogs();
      }
      if (this.stepsSinceUpdate >= s.trainFreq) {
        callback.onRolloutEnd();
        this.stepsSinceUpdate = 0;
        if (this.numTimesteps > s.learningStarts) {
          const steps = s.gradientSteps >= 0 ? s.gradientSteps : s.trainFreq * n;
          if (steps > 0) this.trainSteps(steps);
        }
        if (performance.now() - lastYield >= YIELD_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        callback.onRolloutStart();
      }
    }
  }

  /** The loop's state for a checkpoint (merge into the subclass's `state`). */
  protected offPolicyState(): Record<string, unknown> {
    return { stepsSinceUpdate: this.stepsSinceUpdate };
  }

  /** Restores {@link OffPolicyAlgorithm.offPolicyState}. */
  protected restoreOffPolicyState(state: Record<string, unknown>): void {
    const v = state.stepsSinceUpdate;
    this.stepsSinceUpdate = typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
  }

  /** Dumps SB3's `rollout/`, `time/` and `train/` keys. */
  protected dumpLogs(): void {
    this.recordRolloutAndTime({ 'time/episodes': this.episodeNum });
    this.logger.dump(this.numTimesteps);
  }
}
