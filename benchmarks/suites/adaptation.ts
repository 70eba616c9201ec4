import type { DecoupledSettings } from '../../meta/procedures.js';
import { ADAPTATION_METHODS, adaptationPreset, adaptationUnits, summarize as summarizeAdaptation, type AdaptationRunResult, type AdaptationSuiteConfig } from '../adaptation.js';
import { makeRun } from '../runner/run-key.js';
import type { Json, RunRecord, SuiteDefinition } from '../runner/types.js';
import { matchesFilter, seedList, type SuiteOptions } from './suite-options.js';

/** Options of the adaptation suite: `tasks` and `iterations` shrink it for CI and trials (Reptile's iterations scale alike). */
export type AdaptationSuiteOptions = SuiteOptions;

/** The preset of issue 7 with the overrides applied. */
export function adaptationConfig(options: AdaptationSuiteOptions): AdaptationSuiteConfig {
  const preset = adaptationPreset(options.size);
  const envIds = preset.envIds.filter((id) => matchesFilter(options.filter, id) || ADAPTATION_METHODS.some((m) => matchesFilter(options.filter, m)));
  const ratio = options.iterations === undefined ? 1 : options.iterations / preset.pretrainIterations;
  return {
    ...preset,
    envIds: envIds.length > 0 ? envIds : preset.envIds,
    seeds: options.seeds === undefined ? preset.seeds : seedList(options.seeds),
    heldOutTasks: options.tasks ?? preset.heldOutTasks,
    pretrainIterations: options.iterations ?? preset.pretrainIterations,
    // An explicit --iterations applies to every env.
    pretrainIterationsByEnv: options.iterations === undefined ? preset.pretrainIterationsByEnv : undefined,
    reptileIterations: Math.max(1, Math.round(preset.reptileIterations * ratio)),
    // FLASH's encoder phase shrinks with the pretraining (a CI-sized run need not collect 100 rounds).
    ...(preset.decoupled === undefined ? {} : { decoupled: scaledDecoupled(preset.decoupled, Math.min(1, ratio)) }),
  };
}

/**
 * The adaptation suite (FLASH's comparison, issue 7): pretrain on the training tasks of Autoscaling-v0 (and
 * CongestionControl-v0 in `full`), adapt to held-out tasks with FLASH's embedding, MAML (Reptile), TL, TL+
 * and scratch. One run per (env, method, held-out task, seed), executed by the benchmark's own unit. `quick`
 * cuts, against `full`: one env instead of two, 60 catalog tasks (40 train) instead of 250 (200), 300
 * pretraining iterations instead of 3,000 (Reptile 40 instead of 150), 6 adaptation episodes instead of 20;
 * `full` itself, against FLASH, is described at `adaptationPreset`.
 */
export function adaptationSuite(options: AdaptationSuiteOptions): SuiteDefinition {
  const config = adaptationConfig(options);
  const runs = adaptationUnits(config)
    .filter((u) => matchesFilter(options.filter, u.envId, u.method))
    .map((u) => makeRun({ env: u.envId, method: u.method, task: `heldout-${u.taskIndex}`, seed: u.seed, params: { config: config as unknown as Json, taskIndex: u.taskIndex } }));
  // One more run per env: the task embeddings of FLASH's learner (seed 0) projected to 2-D, for the report.
  if (matchesFilter(options.filter, 'flash', 'embedding')) {
    for (const env of config.envIds) runs.push(makeRun({ env, method: 'embedding', task: 'all', seed: config.seeds[0], params: { config: config as unknown as Json } }));
  }
  if (runs.length === 0) throw new RangeError(`adaptation suite: no run matches "${options.filter}"; envs ${config.envIds.join(', ')}, methods ${ADAPTATION_METHODS.join(', ')}`);
  return {
    name: 'adaptation',
    config: { adaptation: config as unknown as Json, filter: options.filter ?? null },
    runs,
    unit: { module: new URL('./adaptation-unit.js', import.meta.url).href, exportName: 'adaptationRun' },
    backend: options.backend ?? 'auto',
    // The unit caches the pretrained learner per (env, method, seed) per process; scratch reads TL's, and
    // the embedding run FLASH's.
    affinity: (run) => `${run.env}|${run.method === 'scratch' ? 'tl' : run.method === 'embedding' ? 'flash' : run.method}|${run.seed}`,
    headline: (record) => {
      const value = record.metrics.episodesToAdapt;
      return typeof value === 'number' ? { group: `${record.run.env.replace(/-v\d+$/, '')} ${record.run.method}`, value, higherIsBetter: false, unit: 'episodes to adapt', aggregate: 'mean' } : undefined;
    },
  };
}

/**
 * The adaptation suite's `summary.json`, computed by the benchmark's own summarizer (issue 7's layout:
 * speed-up against TL on the same task and seed, cost-prediction Spearman), from the runner's records.
 */
export function adaptationSummary(config: { readonly [key: string]: Json }, records: readonly RunRecord[]): unknown {
  const adaptation = config.adaptation as unknown as AdaptationSuiteConfig;
  const results: AdaptationRunResult[] = [];
  for (const r of records) {
    if (r.status !== 'ok' || !(ADAPTATION_METHODS as readonly string[]).includes(r.run.method)) continue;
    const m = r.metrics;
    const num = (k: string): number => (typeof m[k] === 'number' ? (m[k] as number) : NaN);
    const opt = (k: string): number | undefined => (typeof m[k] === 'number' ? (m[k] as number) : undefined);
    results.push({
      envId: r.run.env,
      method: r.run.method as AdaptationRunResult['method'],
      taskIndex: r.run.params.taskIndex as number,
      seed: r.run.seed,
      taskId: String(m.taskId),
      returns: Array.isArray(m.curve) ? (m.curve as Array<[number, number]>).map((p) => p[1]) : [],
      trainReference: num('trainReference'),
      zeroShotReturn: num('zeroShotReturn'),
      zeroShotDegradation: num('zeroShotDegradation'),
      episodesToAdapt: num('episodesToAdapt'),
      sloViolationRate: opt('sloViolationRate'),
      cpuDeficit: opt('cpuDeficit'),
      memDeficit: opt('memDeficit'),
      predictedCost: opt('predictedCost'),
    });
  }
  return summarizeAdaptation(adaptation, results);
}

/** The decoupled encoder phase with its rounds and steps scaled by `ratio` (at least 1 each). */
function scaledDecoupled(d: DecoupledSettings, ratio: number): DecoupledSettings {
  const scale = (v: number | undefined) => (v === undefined ? undefined : Math.max(1, Math.round(v * ratio)));
  return { ...d, ...(d.rounds === undefined ? {} : { rounds: scale(d.rounds) }), ...(d.steps === undefined ? {} : { steps: scale(d.steps) }) };
}
