import type { Task, TaskDistribution } from '../envs/tasks/task.js';
import type { EpisodeRecord } from './episode-buffer.js';
import type { TaskEncoder } from './encoders/task-encoder.js';

/**
 * Where a conditioning wrapper gets a task's vector from: a learned encoder of the task's episodes
 * (FLASH) or the task's hand-crafted fingerprint (the TL+ baseline).
 */
export interface EmbeddingSource {
  readonly size: number;
  /** Whether the vector is computed from the episode context (else from the task description alone). */
  readonly usesContext: boolean;
  embed(context: readonly EpisodeRecord[], task: Task | undefined): Float32Array;
}

/** The learned embedding of the task's episode buffer. */
export function learnedEmbedding(encoder: TaskEncoder): EmbeddingSource {
  return { size: encoder.embeddingSize, usesContext: true, embed: (context) => encoder.embed(context) };
}

/**
 * The task's fingerprint, standardized with the mean and std of the given (training) tasks' fingerprints
 * so that no component dominates the agent's input. TL+ conditions on this.
 */
export function fingerprintEmbedding<T extends Task>(distribution: TaskDistribution<T>, trainingTasks: readonly T[]): EmbeddingSource {
  const d = distribution.fingerprintNames.length;
  const prints = trainingTasks.map((t) => distribution.fingerprint(t));
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const p of prints) for (let i = 0; i < d; i++) mean[i] += p[i] / prints.length;
  for (const p of prints) for (let i = 0; i < d; i++) std[i] += (p[i] - mean[i]) ** 2 / prints.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]) || 1;
  return {
    size: d,
    usesContext: false,
    embed(_context, task) {
      if (task === undefined) throw new Error('fingerprint embedding: the env is not parameterized by tasks');
      const p = distribution.fingerprint(task as T);
      return Float32Array.from(p, (v, i) => (v - mean[i]) / std[i]);
    },
  };
}
