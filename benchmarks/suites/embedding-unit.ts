import { pretrainedLearner, suiteTasks, type AdaptationSuiteConfig } from '../adaptation.js';
import type { Task } from '../../envs/tasks/task.js';
import { pca2 } from '../report/projection.js';
import type { Json, RunOutput, RunSpec } from '../runner/types.js';

/** Training tasks embedded for the plot (enough to show the clusters, cheap: two frozen episodes each). */
const TRAINING_TASKS_SHOWN = 20;

/** The kind a task is coloured by: an autoscaling app's heaviest segment, else the family's name. */
function kindOf(task: Task): string {
  const segments = (task as unknown as { segments?: Array<{ name: string; scale: number }> }).segments;
  if (!Array.isArray(segments) || segments.length === 0) return 'task';
  return [...segments].sort((a, b) => b.scale - a.scale)[0].name;
}

/**
 * The `embedding` run of the adaptation suite: takes FLASH's pretrained learner of the suite's `flash`
 * runs (same config, same seed: the same learner), embeds training and held-out tasks from their frozen warm-up
 * episodes (what the agent conditions on when it meets the task), and projects the embeddings to 2-D
 * (PCA) for the report's embedding plot.
 */
export async function embeddingRun(run: RunSpec): Promise<RunOutput> {
  const config = run.params.config as unknown as AdaptationSuiteConfig;
  if (config === null || typeof config !== 'object' || config.suite !== 'adaptation') throw new RangeError('embedding run: params.config must be an adaptation suite configuration');
  const t0 = performance.now();
  const { train, heldOut } = suiteTasks(config, run.env);
  // The `flash` method's own learner (cached per process; the suite runs this on the flash lane).
  const learner = await pretrainedLearner(config, run.env, 'flash', run.seed);
  const shown = [...train.slice(0, TRAINING_TASKS_SHOWN).map((task) => ({ task, heldOut: false })), ...heldOut.map((task) => ({ task, heldOut: true }))];
  const vectors: Float32Array[] = [];
  for (const [i, { task }] of shown.entries()) {
    const { embedding } = await learner.adapt({ task, episodes: 0, warmup: config.warmupEpisodes, seed: 2_000_000 + run.seed * 1000 + i });
    vectors.push(embedding);
  }
  const { points, explained } = pca2(vectors);
  const embedding: Json[] = shown.map(({ task, heldOut: held }, i) => ({ x: points[i][0], y: points[i][1], label: task.id, group: kindOf(task), heldOut: held }));
  return { metrics: { embedding, explainedVariance: [explained[0], explained[1]], tasks: shown.length }, timing: { seconds: (performance.now() - t0) / 1000 } };
}
