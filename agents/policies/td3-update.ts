import type { AdamState } from '../nn/flat-adam.js';

/** One replayed minibatch for a TD3/DDPG update; arrays are row-major and reused between updates. */
export interface Td3Batch {
  readonly size: number;
  readonly observations: Float32Array;
  /** Scaled actions in [-1, 1], `[size × actionDim]`. */
  readonly actions: Float32Array;
  readonly nextObservations: Float32Array;
  readonly rewards: Float32Array;
  /** 1 − terminated: whether the target bootstraps. */
  readonly notDone: Float32Array;
  /** Clipped target-policy noise `[size × actionDim]`, or null without target smoothing. */
  readonly targetNoise: Float32Array | null;
}

/** What one gradient step needs besides the batch. */
export interface Td3StepSettings {
  readonly learningRate: number;
  readonly gamma: number;
  readonly tau: number;
  /** Whether this step also updates the actor and the targets (every `policyDelay` steps). */
  readonly updateActor: boolean;
}

/** The losses of one gradient step (`actorLoss` is NaN when the actor was not updated). */
export interface Td3Losses {
  readonly criticLoss: number;
  readonly actorLoss: number;
}

/**
 * The arithmetic of a TD3/DDPG gradient step (SB3's `TD3.train` body), on one engine:
 * `typed-array` (plain loops on the host parameters) or `tfjs` (the selected TensorFlow.js backend).
 * Both compute: y = r + γ (1 − d) min_i Q'_i(s', clip(μ'(s') + ε, −1, 1)); critic loss Σ_i mean (Q_i(s, a) − y)²,
 * one Adam step; then, when `updateActor`, actor loss −mean Q_1(s, μ(s)) with the updated critics, one Adam
 * step, and Polyak averaging of both targets.
 */
export interface Td3Updater {
  readonly engine: 'typed-array' | 'tfjs';
  step(batch: Td3Batch, settings: Td3StepSettings): Td3Losses;
  /** Brings the host parameter copies up to date (the acting fast path and checkpoints read them). */
  syncHost(actorOnly: boolean): void;
  optimizerStates(): { actor: AdamState; critic: AdamState };
  setOptimizerStates(states: { actor: AdamState; critic: AdamState }): void;
  dispose(): void;
}
