import type { RunRecord } from '../runner/types.js';
import { estimate, type Estimate } from './stats.js';

/** `summary.json`: per env and method, every numeric metric (and timing) as mean and 95% CI over runs. */
export interface SuiteSummary {
  readonly suite: string;
  readonly config: unknown;
  readonly results: Record<string, Record<string, Record<string, Estimate>>>;
  /** Runs that failed, with their error. */
  readonly failed: Array<{ key: string; error: string }>;
}

/**
 * Aggregates a suite's records by env and method (over seeds and tasks): each numeric metric and each
 * timing figure becomes `{ mean, ci95, n }` (timing figures are prefixed `time/`). The layout is issue 7's
 * `summary.json`, so summaries of any suite can be compared across versions by a script.
 */
export function summarize(suite: string, config: unknown, records: readonly RunRecord[]): SuiteSummary {
  const values = new Map<string, Map<string, Map<string, number[]>>>();
  const failed: Array<{ key: string; error: string }> = [];
  for (const record of records) {
    if (record.status === 'failed') {
      failed.push({ key: record.key, error: record.error });
      continue;
    }
    const byMethod = values.get(record.run.env) ?? new Map<string, Map<string, number[]>>();
    values.set(record.run.env, byMethod);
    const byMetric = byMethod.get(record.run.method) ?? new Map<string, number[]>();
    byMethod.set(record.run.method, byMetric);
    const add = (name: string, v: unknown): void => {
      if (typeof v === 'number' && Number.isFinite(v)) byMetric.set(name, [...(byMetric.get(name) ?? []), v]);
    };
    for (const [name, v] of Object.entries(record.metrics)) add(name, v);
    for (const [name, v] of Object.entries(record.timing)) add(`time/${name}`, v);
  }
  const results: SuiteSummary['results'] = {};
  for (const [env, byMethod] of [...values].sort((a, b) => a[0].localeCompare(b[0]))) {
    results[env] = {};
    for (const [method, byMetric] of byMethod) {
      results[env][method] = {};
      for (const [metric, list] of byMetric) results[env][method][metric] = estimate(list);
    }
  }
  return { suite, config, results, failed };
}
