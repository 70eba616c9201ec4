import { runAdaptationUnit, type AdaptationMethod, type AdaptationSuiteConfig } from '../adaptation.js';
import type { Json, RunOutput, RunSpec } from '../runner/types.js';
import { embeddingRun } from './embedding-unit.js';

/**
 * One run of the `adaptation` suite: a method adapted to one held-out task with one seed, by the
 * adaptation benchmark's own unit (`benchmarks/adaptation.ts`, issue 7). Its module caches the pretrained
 * learner of each (env, method, seed) per process, which is why the suite pins runs of one (env, method,
 * seed) to one worker. The return per episode becomes the adaptation curve. The `embedding` run of each
 * env goes to {@link embeddingRun}.
 */
export async function adaptationRun(run: RunSpec): Promise<RunOutput> {
  if (run.method === 'embedding') return embeddingRun(run);
  const config = run.params.config as unknown as AdaptationSuiteConfig;
  if (config === null || typeof config !== 'object' || config.suite !== 'adaptation') throw new RangeError('adaptation run: params.config must be an adaptation suite configuration');
  const taskIndex = run.params.taskIndex;
  if (typeof taskIndex !== 'number' || !Number.isInteger(taskIndex) || taskIndex < 0) throw new RangeError(`adaptation run: params.taskIndex must be an integer ≥ 0, got ${JSON.stringify(taskIndex)}`);
  const t0 = performance.now();
  const result = await runAdaptationUnit(config, { envId: run.env, method: run.method as AdaptationMethod, taskIndex, seed: run.seed });
  const metrics: Record<string, Json> = {};
  for (const [key, value] of Object.entries(result)) {
    if (key === 'seed' || key === 'taskIndex') continue; // the run's own coordinates, not measurements
    if (typeof value === 'number') metrics[key] = Number.isFinite(value) ? value : null;
    else if (typeof value === 'string') metrics[key] = value;
  }
  metrics.curve = result.returns.map((r, i) => [i + 1, r]);
  return { metrics, timing: { seconds: (performance.now() - t0) / 1000 } };
}
