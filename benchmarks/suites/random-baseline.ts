import { listEnvs } from '../../envs/index.js';
import { makeRun } from '../runner/run-key.js';
import type { RunSpec, SuiteDefinition } from '../runner/types.js';
import { matchesFilter, seedList, type SuiteOptions } from './suite-options.js';

/**
 * The random-policy suite: the return of a uniformly random policy on every registered env (or those
 * matching the filter), per seed — the floor any learner must clear. `quick`: 20 episodes × 2 seeds;
 * `full`: 100 episodes × 5 seeds. `episodes` overrides the count (the runner's tests use it to size runs).
 */
export function randomBaselineSuite(options: SuiteOptions & { episodes?: number; envs?: readonly string[] }): SuiteDefinition {
  const full = options.size === 'full';
  const seeds = seedList(options.seeds ?? (full ? 5 : 2));
  const episodes = options.episodes ?? (full ? 100 : 20);
  const envs = (options.envs ?? listEnvs()).filter((id) => matchesFilter(options.filter, id));
  if (envs.length === 0) throw new RangeError(`random suite: no env id contains "${options.filter}"; registered: ${listEnvs().join(', ')}`);
  const runs: RunSpec[] = [];
  for (const env of envs) for (const seed of seeds) runs.push(makeRun({ env, method: 'random', task: 'default', seed, params: { episodes } }));
  return {
    name: 'random',
    config: { size: options.size, seeds: seeds.length, episodes, envs: [...envs] },
    runs,
    unit: { module: new URL('./random-baseline-unit.js', import.meta.url).href, exportName: 'randomBaselineRun' },
    backend: 'none',
    headline: (record) => {
      const value = record.metrics.meanReturn;
      return typeof value === 'number' ? { group: record.run.env, value, higherIsBetter: true } : undefined;
    },
  };
}
