import type { ReplaySample } from '../buffers/replay-buffer.js';
import type { AdamState } from '../nn/flat-adam.js';

/** One replayed DQN minibatch: the replay buffer's sample (row-major; arrays are reused between steps). */
export type DqnBatch = ReplaySample;

/** What one DQN gradient step needs besides the batch. */
export interface DqnStepSettings {
  readonly learningRate: number;
  readonly gamma: number;
  readonly maxGradNorm: number;
  /** Double-DQN target: the online network picks the next action, the target network values it. */
  readonly doubleQ: boolean;
}

/**
 * The arithmetic of one DQN gradient step (SB3's `DQN.train` body) on one engine: the TD target
 * `y = r + γ (1 − d) max_a Q'(s', a)` (or Q'(s', argmax_a Q(s', a)) with `doubleQ`), the Huber loss
 * (`smooth_l1_loss`, δ = 1) of Q(s, a) against y, global-norm gradient clipping and one Adam step.
 * Returns the loss before the step.
 */
export interface DqnUpdater {
  readonly engine: 'typed-array' | 'tfjs';
  step(batch: DqnBatch, settings: DqnStepSettings): number;
  /** Brings the host parameter copy up to date after a series of steps. */
  syncHost(): void;
  optimizerState(): AdamState;
  setOptimizerState(state: AdamState): void;
}
