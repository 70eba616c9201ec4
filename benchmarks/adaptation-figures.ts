/**
 * Per-env figures and tables of an adaptation suite folder (what README and BENCHMARKS.md show): the
 * Markdown table of each env with the cost-prediction Spearman (from the suite's `summary.json`, written by
 * `flash-gym bench`/`report`), and one embedding projection per env (the report draws all envs' embedding
 * runs in one chart; their PCA axes are not comparable across envs).
 *
 * Usage: node dist/benchmarks/adaptation-figures.js <suite-folder> [--figures DIR] [--suffix TEXT]
 * Writes `embedding-<env>-<suffix>.svg` into DIR (default the folder) and prints the tables.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scatterChart, type ScatterPoint } from './report/scatter-chart.js';
import { readResults } from './runner/results-file.js';
import { RESULTS_FILE } from './runner/run-suite.js';
import { markdownTable, type AdaptationSummary } from './adaptation.js';

/** The env id as a file-name part: `AutoscalingPartial-v0` → `autoscalingpartial`. */
export function envSlug(envId: string): string {
  return envId.replace(/-v\d+$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** The embedding points of each env's `embedding` run in a suite folder. */
export function embeddingPointsByEnv(folder: string): Map<string, { points: ScatterPoint[]; explained: number[] }> {
  const byEnv = new Map<string, { points: ScatterPoint[]; explained: number[] }>();
  for (const record of readResults(path.join(folder, RESULTS_FILE))) {
    if (record.status !== 'ok' || record.run.method !== 'embedding') continue;
    const list = record.metrics.embedding;
    if (!Array.isArray(list)) continue;
    const points: ScatterPoint[] = [];
    for (const p of list) {
      if (p === null || typeof p !== 'object' || Array.isArray(p) || typeof p.x !== 'number' || typeof p.y !== 'number') continue;
      points.push({ x: p.x, y: p.y, label: String(p.label ?? ''), group: String(p.group ?? 'task'), hollow: p.heldOut === true });
    }
    const explained = Array.isArray(record.metrics.explainedVariance) ? record.metrics.explainedVariance.filter((v): v is number => typeof v === 'number') : [];
    byEnv.set(record.run.env, { points, explained });
  }
  return byEnv;
}

function main(argv: string[]): void {
  const folder = argv[0];
  if (folder === undefined || !fs.existsSync(path.join(folder, RESULTS_FILE))) throw new Error(`adaptation-figures: give a suite folder holding ${RESULTS_FILE} (flash-gym bench adaptation --out DIR)`);
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const figures = arg('--figures') ?? folder;
  const suffix = arg('--suffix') ?? 'full';
  fs.mkdirSync(figures, { recursive: true });
  for (const [envId, { points, explained }] of embeddingPointsByEnv(folder)) {
    const share = explained.length === 2 ? ` (PCA, ${(100 * (explained[0] + explained[1])).toFixed(0)}% of the variance)` : '';
    const svg = scatterChart({ title: `${envId}: FLASH task embeddings, 2-D projection${share}`, xLabel: 'component 1', yLabel: 'component 2', points, note: 'rings: held-out tasks' });
    const file = path.join(figures, `embedding-${envSlug(envId)}-${suffix}.svg`);
    fs.writeFileSync(file, `${svg}\n`);
    console.error(`wrote ${file}`);
  }
  const summaryPath = path.join(folder, 'summary.json');
  if (fs.existsSync(summaryPath)) console.log(markdownTable(JSON.parse(fs.readFileSync(summaryPath, 'utf8')) as AdaptationSummary));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
