import { defaultFrame, escapeXml, formatTick, legend, linearScale, niceTicks, PALETTE, svgOpen, yAxis } from './svg.js';

/** One group of bars (a colour): a value per category, null where missing, with optional 95% CI half-widths. */
export interface BarGroup {
  readonly name: string;
  readonly values: ReadonlyArray<number | null>;
  readonly errors?: ReadonlyArray<number | null>;
}

/** What a bar chart shows. */
export interface BarChartSpec {
  readonly title: string;
  readonly yLabel: string;
  readonly categories: readonly string[];
  readonly groups: readonly BarGroup[];
  /** A log10 y axis, for values spanning orders of magnitude (env throughputs). */
  readonly logScale?: boolean;
}

/** A grouped bar chart as SVG text (throughput per env, bare and through make), with error bars. */
export function barChart(spec: BarChartSpec): string {
  const frame = { ...defaultFrame(), bottom: 360 - 90 };
  const values = spec.groups.flatMap((g) => g.values.map((v, i) => (v === null ? null : v + (g.errors?.[i] ?? 0)))).filter((v): v is number => v !== null && Number.isFinite(v));
  const log = spec.logScale === true && values.every((v) => v > 0);
  const maxValue = values.length ? Math.max(...values) : 1;
  let ticks: number[];
  let y: (v: number) => number;
  let baseline: number;
  if (log) {
    const lo = Math.floor(Math.log10(Math.min(...values)));
    const hi = Math.ceil(Math.log10(maxValue));
    ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
    const scale = linearScale(lo, hi === lo ? lo + 1 : hi, frame.bottom, frame.top);
    y = (v) => scale(Math.log10(Math.max(v, 10 ** lo)));
    baseline = frame.bottom;
  } else {
    ticks = niceTicks(0, maxValue);
    const top = Math.max(maxValue, ticks[ticks.length - 1] ?? maxValue);
    y = linearScale(0, top === 0 ? 1 : top, frame.bottom, frame.top);
    baseline = y(0);
  }
  const parts = [svgOpen(frame, spec.title), yAxis(frame, ticks, y, `${spec.yLabel}${log ? ' (log scale)' : ''}`)];
  const slot = (frame.right - frame.left) / Math.max(1, spec.categories.length);
  const barWidth = (slot * 0.8) / Math.max(1, spec.groups.length);
  spec.categories.forEach((category, c) => {
    const x0 = frame.left + c * slot + slot * 0.1;
    spec.groups.forEach((g, gi) => {
      const v = g.values[c];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const x = x0 + gi * barWidth;
      const top = y(v);
      parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${Math.max(0, baseline - top).toFixed(1)}" fill="${PALETTE[gi % PALETTE.length]}"><title>${escapeXml(`${category} ${g.name}: ${formatTick(v)}`)}</title></rect>`);
      const e = g.errors?.[c];
      if (e !== null && e !== undefined && e > 0) {
        const cx = (x + barWidth / 2).toFixed(1);
        parts.push(`<line x1="${cx}" x2="${cx}" y1="${y(v + e).toFixed(1)}" y2="${y(Math.max(v - e, log ? v / 10 : 0)).toFixed(1)}" stroke="#222"/>`);
      }
    });
    const lx = frame.left + c * slot + slot / 2;
    parts.push(`<text transform="translate(${lx.toFixed(1)} ${frame.bottom + 10}) rotate(30)" text-anchor="start">${escapeXml(category)}</text>`);
  });
  parts.push(`<line x1="${frame.left}" x2="${frame.right}" y1="${frame.bottom}" y2="${frame.bottom}" stroke="#333"/>`);
  parts.push(legend(frame, spec.groups.map((g) => g.name)));
  parts.push('</svg>');
  return parts.join('');
}
