import type { AdaptationRunResult } from './adaptation.js';
import { meanCi } from './adaptation.js';

/** One point of an adaptation curve: the mean return of a method at an episode, over (task, seed) runs. */
export interface CurvePoint {
  readonly envId: string;
  readonly method: string;
  /** 1-based episode (warm-up episodes included). */
  readonly episode: number;
  readonly mean: number;
  readonly ci95: number;
  readonly runs: number;
}

/** Per-episode mean return ± CI95 of each (env, method) over its runs. */
export function adaptationCurves(runs: readonly AdaptationRunResult[]): CurvePoint[] {
  const groups = new Map<string, AdaptationRunResult[]>();
  for (const r of runs) {
    const key = `${r.envId}|${r.method}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: CurvePoint[] = [];
  for (const [key, rs] of groups) {
    const [envId, method] = key.split('|');
    const length = Math.max(...rs.map((r) => r.returns.length));
    for (let e = 0; e < length; e++) {
      const values = rs.map((r) => r.returns[e]).filter((v): v is number => v !== undefined);
      const m = meanCi(values);
      out.push({ envId, method, episode: e + 1, mean: m.mean, ci95: m.ci95, runs: values.length });
    }
  }
  return out;
}

/** The curves as CSV (`envId,method,episode,mean,ci95,runs`). */
export function curvesCsv(points: readonly CurvePoint[]): string {
  return ['envId,method,episode,mean,ci95,runs', ...points.map((p) => `${p.envId},${p.method},${p.episode},${p.mean},${p.ci95},${p.runs}`)].join('\n') + '\n';
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** One env's curves as SVG: a line per method and its 95% band. */
export function curvesSvg(envId: string, points: readonly CurvePoint[]): string {
  const mine = points.filter((p) => p.envId === envId && Number.isFinite(p.mean));
  const W = 640;
  const H = 400;
  const pad = 50;
  if (mine.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="30">no data for ${envId}</text></svg>\n`;
  const lo = Math.min(...mine.map((p) => p.mean - (Number.isFinite(p.ci95) ? p.ci95 : 0)));
  const hi = Math.max(...mine.map((p) => p.mean + (Number.isFinite(p.ci95) ? p.ci95 : 0)));
  const maxEp = Math.max(...mine.map((p) => p.episode));
  const x = (e: number) => pad + ((e - 1) / Math.max(1, maxEp - 1)) * (W - 2 * pad);
  const y = (v: number) => H - pad - ((v - lo) / (hi - lo || 1)) * (H - 2 * pad);
  const methods = [...new Set(mine.map((p) => p.method))];
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<text x="${W / 2}" y="20" text-anchor="middle">${envId}: return per adaptation episode (mean ± 95% CI)</text>`];
  parts.push(`<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="black"/>`, `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>`);
  parts.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">episode</text>`, `<text x="${pad - 5}" y="${y(hi)}" text-anchor="end">${hi.toFixed(1)}</text>`, `<text x="${pad - 5}" y="${y(lo)}" text-anchor="end">${lo.toFixed(1)}</text>`);
  methods.forEach((method, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const ps = mine.filter((p) => p.method === method).sort((a, b) => a.episode - b.episode);
    const ci = (p: CurvePoint) => (Number.isFinite(p.ci95) ? p.ci95 : 0);
    const band = [...ps.map((p) => `${x(p.episode).toFixed(1)},${y(p.mean + ci(p)).toFixed(1)}`), ...[...ps].reverse().map((p) => `${x(p.episode).toFixed(1)},${y(p.mean - ci(p)).toFixed(1)}`)].join(' ');
    parts.push(`<polygon points="${band}" fill="${colour}" fill-opacity="0.15" stroke="none"/>`);
    parts.push(`<polyline points="${ps.map((p) => `${x(p.episode).toFixed(1)},${y(p.mean).toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<text x="${W - pad + 5}" y="${pad + 15 * i}" fill="${colour}">${method}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
