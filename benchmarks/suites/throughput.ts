import { listEnvs } from '../../envs/index.js';
import { makeRun } from '../runner/run-key.js';
import type { RunSpec, SuiteDefinition } from '../runner/types.js';
import { matchesFilter, seedList, type SuiteOptions } from './suite-options.js';

/**
 * The throughput suite: steps per second of every registered env, bare and through `make`, with the env
 * benchmark's harness. `quick`: 3 runs of 200 ms per env and mode, one repetition; `full`: 5 runs of 1 s,
 * 3 repetitions (seeds). Runs in parallel measure per-core throughput: with more workers than idle cores
 * the figures drop, so compare figures taken with the same `--workers`.
 */
export function throughputSuite(options: SuiteOptions): SuiteDefinition {
  const full = options.size === 'full';
  const seeds = seedList(options.seeds ?? (full ? 3 : 1));
  const params = full ? { runs: 5, runMs: 1000, clock: 'wall' } : { runs: 3, runMs: 200, clock: 'wall' };
  const envs = listEnvs().filter((id) => matchesFilter(options.filter, id));
  if (envs.length === 0) throw new RangeError(`throughput suite: no env id contains "${options.filter}"; registered: ${listEnvs().join(', ')}`);
  const runs: RunSpec[] = [];
  for (const env of envs) for (const method of ['bare', 'make']) for (const seed of seeds) runs.push(makeRun({ env, method, task: 'default', seed, params }));
  return {
    name: 'throughput',
    config: { size: options.size, seeds: seeds.length, filter: options.filter ?? null, ...params },
    runs,
    unit: { module: new URL('./throughput-unit.js', import.meta.url).href, exportName: 'throughputRun' },
    backend: 'none',
    headline: (record) => {
      const value = record.timing.stepsPerSecond;
      return value === undefined ? undefined : { group: `${record.run.env} ${record.run.method}`, value, higherIsBetter: true, unit: 'steps/s' };
    },
  };
}
