/**
 * FLASH's supervised case (issue 7): K-shot adaptation of a runtime regressor to held-out configuration-
 * search jobs, for FLASH (shot embedding), MAML (second order), TL, TL+ and scratch; see
 * `meta/supervised/config-adaptation.ts` for the protocol.
 *
 * Usage: node dist/benchmarks/adaptation-configsearch.js [--quick | --full] [--seeds N] [--out DIR]
 * Writes `summary.json` ({ suite, config, results: { ConfigSearch: { <method>: { rmseLogRuntimeK<k>,
 * mapeK<k>: { mean, ci95 } } } } }) and prints the Markdown table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_ADAPTATION_METHODS, configAdaptationPreset, runConfigAdaptation, type ConfigAdaptationConfig, type KShotResult } from '../meta/supervised/config-adaptation.js';
import { meanCi, type MeanCi } from './adaptation.js';

/** The summary document of the supervised K-shot suite. */
export interface ConfigAdaptationSummary {
  readonly suite: 'adaptation-configsearch';
  readonly config: ConfigAdaptationConfig & { readonly seeds: readonly number[] };
  readonly results: { ConfigSearch: Record<string, Record<string, MeanCi>> };
}

/** Aggregates K-shot results per method: RMSE of ln runtime and MAPE per K, mean ± CI95 over jobs × seeds. */
export function summarizeConfigAdaptation(config: ConfigAdaptationConfig, seeds: readonly number[], results: readonly KShotResult[]): ConfigAdaptationSummary {
  const byMethod: Record<string, Record<string, MeanCi>> = {};
  for (const method of CONFIG_ADAPTATION_METHODS) {
    const rs = results.filter((r) => r.method === method);
    if (rs.length === 0) continue;
    byMethod[method] = {};
    for (const k of config.shots) {
      const atK = rs.filter((r) => r.shots === k);
      byMethod[method][`rmseLogRuntimeK${k}`] = meanCi(atK.map((r) => r.rmseLogRuntime));
      byMethod[method][`mapeK${k}`] = meanCi(atK.map((r) => r.mape));
    }
  }
  return { suite: 'adaptation-configsearch', config: { ...config, seeds }, results: { ConfigSearch: byMethod } };
}

/** The summary as a Markdown table (RMSE of ln runtime after K shots; MAPE in parentheses). */
export function configAdaptationTable(summary: ConfigAdaptationSummary): string {
  const ks = summary.config.shots;
  const lines = [`| method | ${ks.map((k) => `K = ${k}`).join(' | ')} |`, `|---|${ks.map(() => '---').join('|')}|`];
  for (const [method, m] of Object.entries(summary.results.ConfigSearch)) {
    lines.push(`| ${method} | ${ks.map((k) => `${m[`rmseLogRuntimeK${k}`].mean.toFixed(3)} ± ${m[`rmseLogRuntimeK${k}`].ci95.toFixed(3)} (${(100 * m[`mapeK${k}`].mean).toFixed(1)}%)`).join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const preset = argv.includes('--full') ? 'full' : 'quick';
  const config = configAdaptationPreset(preset);
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = Number(arg('--seeds') ?? 3);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--seeds must be a positive integer, got ${String(arg('--seeds'))}`);
  const seeds = Array.from({ length: n }, (_, i) => i);
  const out = arg('--out') ?? path.join('bench-results', 'adaptation-configsearch');
  fs.mkdirSync(out, { recursive: true });
  const start = Date.now();
  const results: KShotResult[] = [];
  for (const seed of seeds) {
    results.push(...runConfigAdaptation(config, seed));
    process.stderr.write(`adaptation-configsearch: seed ${seed} done, ${((Date.now() - start) / 1000).toFixed(0)} s\n`);
  }
  fs.writeFileSync(path.join(out, 'runs.json'), JSON.stringify(results));
  const summary = summarizeConfigAdaptation(config, seeds, results);
  fs.writeFileSync(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(configAdaptationTable(summary));
  console.log(`\n(${preset}, ${seeds.length} seeds × ${config.heldOutJobs} held-out jobs, RMSE of ln runtime on the unmeasured configurations (MAPE), ${((Date.now() - start) / 1000).toFixed(0)} s)`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
