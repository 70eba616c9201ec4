import * as tf from '@tensorflow/tfjs';
import type { ParameterVector } from '../../agents/nn/parameters.js';
import type { EpisodeRecord } from '../episode-buffer.js';

/** The settings an encoder is built from (stored in checkpoints). */
export type TaskEncoderConfig = GruEncoderConfig | TransitionEncoderConfig;

/** FLASH/AWARE's trajectory encoder: a 2-layer GRU over time per episode, mean over episodes, Linear + ReLU. */
export interface GruEncoderConfig {
  readonly kind: 'gru';
  readonly observationSize: number;
  readonly actionSize: number;
  /** GRU hidden units per layer (default 32). */
  readonly hiddenSize?: number;
  /** GRU layers (default 2, as in FLASH/AWARE). */
  readonly layers?: number;
  /** Embedding dimensions (default 32, AWARE's; FLASH uses 64). */
  readonly embeddingSize?: number;
  /** Longer episodes are subsampled with a constant stride to at most this many steps (default 64). */
  readonly maxSteps?: number;
  /** The projection's activation (default `relu`, FLASH/AWARE's; see {@link EmbeddingActivation}). */
  readonly activation?: EmbeddingActivation;
}

/** PEARL-style permutation-invariant encoder: an MLP per transition, mean over all transitions, Linear + ReLU. */
export interface TransitionEncoderConfig {
  readonly kind: 'transition';
  readonly observationSize: number;
  readonly actionSize: number;
  /** Hidden sizes of the per-transition MLP (default [64]). */
  readonly hiddenSizes?: readonly number[];
  /** Size of a transition's code before pooling (default 32). */
  readonly codeSize?: number;
  readonly embeddingSize?: number;
  /** At most this many transitions per episode are used, with a constant stride (default 64). */
  readonly maxSteps?: number;
  /** The projection's activation (default `relu`). */
  readonly activation?: EmbeddingActivation;
}

/**
 * The activation of the encoder's last Linear layer. `relu` is FLASH/AWARE's; `tanh` keeps every
 * dimension alive and bounded in (−1, 1), the scale of the observation features the agent sees next to
 * it (with ReLU, units whose pre-activation is negative for every task output 0 and get no gradient).
 */
export type EmbeddingActivation = 'relu' | 'tanh';

/** Reads the activation setting, naming the allowed values. */
export function embeddingActivation(who: string, value: EmbeddingActivation | undefined): EmbeddingActivation {
  const v = value ?? 'relu';
  if (v !== 'relu' && v !== 'tanh') throw new RangeError(`${who}: activation must be "relu" or "tanh", got ${String(v)}`);
  return v;
}

/** Applies the projection's activation. */
export function applyEmbeddingActivation(activation: EmbeddingActivation, x: tf.Tensor2D): tf.Tensor2D {
  return activation === 'tanh' ? tf.tanh(x) : tf.relu(x);
}

/**
 * A meta-learner that maps a task's context (a set of whole episodes) to a fixed-size embedding. Its
 * parameters are one flat vector (agents/nn's machinery), so the embedding can be differentiated with
 * respect to them inside any tfjs loss: the agent's (end to end) or a self-supervised one.
 */
export interface TaskEncoder {
  readonly config: Required<GruEncoderConfig> | Required<TransitionEncoderConfig>;
  readonly embeddingSize: number;
  readonly params: ParameterVector;
  /**
   * Embeddings `[contexts.length, embeddingSize]` as tfjs ops of `theta` (the flat parameters). An
   * empty context gives the zero vector: with no episode seen, the encoder knows nothing of the task.
   */
  forward(theta: tf.Tensor1D, contexts: readonly (readonly EpisodeRecord[])[]): tf.Tensor2D;
  /** The embedding of one context with the current parameters (host values). */
  embed(context: readonly EpisodeRecord[]): Float32Array;
}

/** Indices of the steps an encoder reads from an episode: all of them, or a constant stride down to `maxSteps`. */
export function strideSteps(length: number, maxSteps: number): number[] {
  const stride = Math.max(1, Math.ceil(length / maxSteps));
  const out: number[] = [];
  for (let t = 0; t < length; t += stride) out.push(t);
  return out;
}

/**
 * The pooling matrix `[contexts, items]` whose row s averages the items of context s (zeros for an
 * empty context), plus the mask `[contexts, 1]` of non-empty contexts.
 */
export function poolingMatrix(itemCounts: readonly number[]): { pool: tf.Tensor2D; nonEmpty: tf.Tensor2D } {
  const total = itemCounts.reduce((a, b) => a + b, 0);
  const pool = new Float32Array(itemCounts.length * Math.max(total, 1));
  const width = Math.max(total, 1);
  let offset = 0;
  itemCounts.forEach((n, s) => {
    for (let i = 0; i < n; i++) pool[s * width + offset + i] = 1 / n;
    offset += n;
  });
  return {
    pool: tf.tensor2d(pool, [itemCounts.length, width]),
    nonEmpty: tf.tensor2d(itemCounts.map((n) => (n > 0 ? 1 : 0)), [itemCounts.length, 1]),
  };
}

/** Embeds one context with `encoder`'s current parameters, freeing every tensor. */
export function embedWith(encoder: TaskEncoder, context: readonly EpisodeRecord[]): Float32Array {
  if (context.length === 0) return new Float32Array(encoder.embeddingSize);
  return tf.tidy(() => Float32Array.from(encoder.forward(encoder.params.variable, [context]).dataSync()));
}

/** Checks a positive integer setting of an encoder, naming it. */
export function positiveSetting(who: string, key: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${who}: ${key} must be a positive integer, got ${String(value)}`);
  return value;
}
