import type { EmbeddingSource } from './embedding-source.js';
import type { TaskEncoder } from './encoders/task-encoder.js';

/** Per-dimension mean and standard deviation of embeddings (JSON, stored with a learner). */
export interface EmbeddingStandardization {
  readonly mean: number[];
  readonly std: number[];
}

/**
 * The per-dimension mean and std of `embeddings` (population std; a dimension that does not vary gets
 * std 1, so it maps to 0 rather than to ±∞). Throws when there are none or their sizes differ.
 */
export function fitStandardization(embeddings: readonly Float32Array[]): EmbeddingStandardization {
  if (embeddings.length === 0) throw new RangeError('fitStandardization: needs at least one embedding');
  const d = embeddings[0].length;
  for (const e of embeddings) if (e.length !== d) throw new RangeError(`fitStandardization: embeddings have ${e.length} and ${d} dimensions`);
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const e of embeddings) for (let i = 0; i < d; i++) mean[i] += e[i] / embeddings.length;
  for (const e of embeddings) for (let i = 0; i < d; i++) std[i] += (e[i] - mean[i]) ** 2 / embeddings.length;
  // 1e-6 of a tanh/ReLU output is noise: treating it as spread would blow float rounding up to unit scale.
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]) > 1e-6 ? Math.sqrt(std[i]) : 1;
  return { mean, std };
}

/**
 * The learned embedding, standardized per dimension: (e − mean) / std, so that the tasks' embeddings
 * reach the agent with unit spread next to its (normalized) observation — as TL+'s fingerprint does —
 * however little the encoder's raw outputs differ between tasks. An empty context (no episode of the
 * task seen yet) gives 0, the training tasks' mean: the agent's best guess when it knows nothing.
 * `stats()` is read at every call, so a learner can fit the statistics after building its wrappers.
 */
export function standardizedEmbedding(encoder: TaskEncoder, stats: () => EmbeddingStandardization | undefined): EmbeddingSource {
  return {
    size: encoder.embeddingSize,
    usesContext: true,
    embed(context) {
      const raw = encoder.embed(context);
      const s = stats();
      if (s === undefined || context.length === 0) return context.length === 0 ? new Float32Array(raw.length) : raw;
      return Float32Array.from(raw, (v, i) => (v - s.mean[i]) / s.std[i]);
    },
  };
}
