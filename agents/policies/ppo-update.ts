import type { AdamState } from '../nn/flat-adam.js';

/** One PPO minibatch, row-major; arrays may be longer than `size` (only the first `size` rows are read). */
export interface PpoMinibatch {
  readonly size: number;
  /** `[size × obsSize]`. */
  readonly observations: Float32Array;
  /** Discrete: the action index per row (`[size]`); Box: the unclipped sampled action (`[size × actionDim]`). */
  readonly actions: Float32Array;
  /** Advantages, already normalised when `normalizeAdvantage` is on. */
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  /** Log-probabilities of the actions under the policy that collected them. */
  readonly oldLogProbs: Float32Array;
  /** Values of the collecting policy (for value clipping). */
  readonly oldValues: Float32Array;
}

/** The loss's coefficients for one update (schedules already evaluated). */
export interface PpoLossSettings {
  readonly clipRange: number;
  /** SB3's `clip_range_vf`, or null for no value clipping. */
  readonly clipRangeVf: number | null;
  readonly entCoef: number;
  readonly vfCoef: number;
}

/** What one minibatch step needs besides the loss settings. */
export interface PpoStepSettings extends PpoLossSettings {
  readonly learningRate: number;
  readonly maxGradNorm: number;
  /** Skip the update (and report `stopped`) when the approximate KL exceeds 1.5 × targetKl; null: never. */
  readonly targetKl: number | null;
}

/** Statistics of one minibatch (SB3's logged quantities). */
export interface PpoStepStats {
  /** Clipped surrogate loss −mean min(A·r, A·clip(r)). */
  readonly pg: number;
  /** Value loss mean (R − V̂)² (V̂ clipped when asked). */
  readonly vf: number;
  /** Entropy loss −mean H. */
  readonly ent: number;
  /** pg + entCoef·ent + vfCoef·vf (NaN when stopped). */
  readonly loss: number;
  /** SB3's approximate KL: mean (r − 1 − log r). */
  readonly kl: number;
  readonly clipFrac: number;
  /** Whether the KL limit stopped this step before the optimizer ran. */
  readonly stopped: boolean;
}

/**
 * The arithmetic of PPO's minibatch step (the body of SB3's `PPO.train` loop) on one engine:
 * `typed-array` (hand-written forward and backward passes on the host parameters) or `tfjs` (autodiff on
 * the selected TensorFlow.js backend). Both compute the same loss, clip the gradient's global norm and take
 * one Adam step (ε = 1e-5) on the policy's flat parameter vector.
 */
export interface PpoUpdater {
  readonly engine: 'typed-array' | 'tfjs';
  step(batch: PpoMinibatch, settings: PpoStepSettings): PpoStepStats;
  /** Brings the host parameter copy up to date after a series of steps (acting and checkpoints read it). */
  syncHost(): void;
  optimizerState(): AdamState;
  setOptimizerState(state: AdamState): void;
}

/** SB3's approximate KL and clip fraction from per-row log-ratios. */
export function klAndClipFraction(logRatios: ArrayLike<number>, size: number, clipRange: number): { kl: number; clipFrac: number } {
  let kl = 0;
  let clipped = 0;
  for (let b = 0; b < size; b++) {
    const lr = logRatios[b];
    const ratio = Math.exp(lr);
    kl += ratio - 1 - lr;
    if (Math.abs(ratio - 1) > clipRange) clipped += 1;
  }
  return { kl: kl / size, clipFrac: clipped / size };
}
