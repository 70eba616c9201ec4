import { formatNumber } from '../runner/progress.js';
import type { Json, RunRecord } from '../runner/types.js';
import { barChart } from './bar-chart.js';
import type { Plot, Section, Table } from './document.js';
import { lineChart } from './line-chart.js';
import { scatterChart, type ScatterPoint } from './scatter-chart.js';
import { meanCurve, type Estimate } from './stats.js';
import type { SuiteSummary } from './summarize.js';

type OkRecord = RunRecord & { status: 'ok' };

/** `12.3 ± 4.5` (mean ± 95% CI half-width), or `–`. */
export function formatEstimate(e: Estimate | undefined): string {
  if (e === undefined || e.mean === null || !Number.isFinite(e.mean)) return '–';
  return Number.isFinite(e.ci95) && e.ci95 > 0 ? `${formatNumber(e.mean)} ± ${formatNumber(e.ci95)}` : formatNumber(e.mean);
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

/** Reads a metric that is a curve: a list of [x, y] pairs. */
function curveOf(value: Json | undefined): Array<[number, number]> | undefined {
  if (!Array.isArray(value)) return undefined;
  const points = value.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && typeof p[1] === 'number');
  return points.length === value.length && points.length > 0 ? points : undefined;
}

/** Learning or adaptation curves: a chart per env, a line per method, mean over runs with its 95% CI band. */
function curvePlots(suite: string, records: readonly OkRecord[], metric: string, xLabel: string, yLabel: string): Plot[] {
  const plots: Plot[] = [];
  for (const [env, envRecords] of groupBy(records, (r) => r.run.env)) {
    const series = [...groupBy(envRecords, (r) => r.run.method)]
      .map(([method, rs]) => ({ name: `${method} (n=${rs.length})`, points: meanCurve(rs.map((r) => curveOf(r.metrics[metric])).filter((c): c is Array<[number, number]> => c !== undefined)) }))
      .filter((s) => s.points.length > 0);
    if (series.length === 0) continue;
    const title = `${env}: ${suite} curves (mean, 95% CI)`;
    plots.push({ file: `${slug(suite)}-${slug(env)}-${slug(metric)}.svg`, caption: title, svg: lineChart({ title, xLabel, yLabel, series }) });
  }
  return plots;
}

/** A table of every numeric metric of the summary, a row per env and method, with the number of runs. */
function summaryTable(summary: SuiteSummary, records: readonly OkRecord[], metrics?: readonly string[]): Table {
  const names = metrics ?? [...new Set(Object.values(summary.results).flatMap((byMethod) => Object.values(byMethod).flatMap((m) => Object.keys(m))))].sort();
  const rows: string[][] = [];
  for (const [env, byMethod] of Object.entries(summary.results)) {
    for (const [method, byMetric] of Object.entries(byMethod)) {
      const runs = records.filter((r) => r.run.env === env && r.run.method === method).length;
      rows.push([env, method, ...names.map((n) => formatEstimate(byMetric[n])), String(runs)]);
    }
  }
  return { header: ['env', 'method', ...names, 'runs'], rows };
}

function throughputSection(summary: SuiteSummary): Section['blocks'] {
  const envs = Object.keys(summary.results);
  const modes = ['bare', 'make'];
  const value = (env: string, mode: string) => summary.results[env]?.[mode]?.['time/stepsPerSecond'];
  const plot: Plot = {
    file: 'throughput.svg',
    caption: 'Env throughput, steps per second (mean over repetitions, 95% CI)',
    svg: barChart({
      title: 'Env throughput (steps/s)',
      yLabel: 'steps per second',
      categories: envs,
      groups: modes.map((mode) => ({ name: mode === 'bare' ? 'bare env' : 'through make()', values: envs.map((e) => value(e, mode)?.mean ?? null), errors: envs.map((e) => value(e, mode)?.ci95 ?? null) })),
      logScale: true,
    }),
  };
  const rows = envs.map((env) => {
    const bare = value(env, 'bare');
    const made = value(env, 'make');
    return [env, formatEstimate(bare), formatEstimate(made), bare && made ? `${(bare.mean / made.mean).toFixed(2)}×` : '–'];
  });
  return [{ kind: 'plot', plot }, { kind: 'table', table: { header: ['env', 'bare steps/s', 'make steps/s', 'wrapper cost'], rows } }];
}

function learningSection(summary: SuiteSummary, records: readonly OkRecord[]): Section['blocks'] {
  const plots = curvePlots('learning', records, 'curve', 'env steps', 'evaluation return');
  const table = summaryTable(summary, records, ['finalMeanReward', 'bestMeanReward', 'time/fps', 'time/seconds']);
  return [
    ...plots.map((plot) => ({ kind: 'plot' as const, plot })),
    { kind: 'text', text: 'finalMeanReward: deterministic policy over 10 evaluation episodes after training; bestMeanReward: best evaluation along the way; mean ± 95% CI over seeds.' },
    { kind: 'table', table },
  ];
}

/** Embedding points recorded by a run: `metrics.embedding` as a list of `{ x, y, label, group, heldOut }`. */
function embeddingPoints(records: readonly OkRecord[]): ScatterPoint[] {
  const points: ScatterPoint[] = [];
  for (const r of records) {
    const list = r.metrics.embedding;
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (p === null || typeof p !== 'object' || Array.isArray(p)) continue;
      if (typeof p.x !== 'number' || typeof p.y !== 'number') continue;
      points.push({ x: p.x, y: p.y, label: String(p.label ?? ''), group: String(p.group ?? 'task'), hollow: p.heldOut === true });
    }
  }
  return points;
}

/** Generic section (adaptation and other suites): curves, the embedding projection when present, the summary table. */
function genericSection(summary: SuiteSummary, records: readonly OkRecord[]): Section['blocks'] {
  const blocks: Array<Section['blocks'][number]> = curvePlots(summary.suite, records, 'curve', 'episodes', 'return').map((plot) => ({ kind: 'plot' as const, plot }));
  const points = embeddingPoints(records);
  if (points.length > 0) {
    const title = `${summary.suite}: task embeddings, 2-D projection`;
    blocks.push({ kind: 'plot', plot: { file: `${slug(summary.suite)}-embedding.svg`, caption: title, svg: scatterChart({ title, xLabel: 'component 1', yLabel: 'component 2', points, note: 'rings: held-out tasks' }) } });
  }
  blocks.push({ kind: 'table', table: summaryTable(summary, records) });
  return blocks;
}

/** The report section of one suite: plots and tables chosen by the suite's kind, then its failed runs. */
export function suiteSection(summary: SuiteSummary, records: readonly RunRecord[], config: string): Section {
  const ok = records.filter((r): r is OkRecord => r.status === 'ok');
  const blocks: Array<Section['blocks'][number]> = [{ kind: 'text', text: `Configuration: ${config}. ${ok.length} runs finished, ${summary.failed.length} failed.` }];
  if (summary.suite === 'throughput') blocks.push(...throughputSection(summary));
  else if (summary.suite === 'learning') blocks.push(...learningSection(summary, ok));
  else blocks.push(...genericSection(summary, ok));
  if (summary.failed.length > 0) {
    blocks.push({ kind: 'table', table: { header: ['failed run', 'error'], rows: summary.failed.map((f) => [f.key, f.error]) } });
  }
  return { heading: `Suite: ${summary.suite}`, blocks };
}
