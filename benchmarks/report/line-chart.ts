import type { BandPoint } from './stats.js';
import { defaultFrame, escapeXml, legend, linearScale, niceTicks, PALETTE, svgOpen, xAxis, yAxis } from './svg.js';

/** One line of a {@link lineChart}: the mean over runs and its 95% confidence band. */
export interface LineSeries {
  readonly name: string;
  readonly points: readonly BandPoint[];
}

/** What a line chart shows. */
export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
}

/**
 * A line chart as SVG text: per series, the mean as a line with a dot per point and the 95% CI as a shaded
 * band (learning curves over steps, adaptation curves over episodes).
 */
export function lineChart(spec: LineChartSpec): string {
  const frame = defaultFrame();
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.lower, p.upper, p.mean]).filter(Number.isFinite);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  let yMin = ys.length ? Math.min(...ys) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (yMin === yMax) [yMin, yMax] = [yMin - 1, yMax + 1];
  const yTicks = niceTicks(yMin, yMax);
  const y0 = Math.min(yMin, yTicks[0] ?? yMin);
  const y1 = Math.max(yMax, yTicks[yTicks.length - 1] ?? yMax);
  const x = linearScale(xMin, xMax, frame.left, frame.right);
  const y = linearScale(y0, y1, frame.bottom, frame.top);
  const parts = [svgOpen(frame, spec.title), yAxis(frame, yTicks, y, spec.yLabel), xAxis(frame, niceTicks(xMin, xMax), x, spec.xLabel)];
  spec.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const pts = s.points;
    if (pts.length === 0) return;
    const band = [...pts.map((p) => `${x(p.x).toFixed(1)},${y(p.upper).toFixed(1)}`), ...[...pts].reverse().map((p) => `${x(p.x).toFixed(1)},${y(p.lower).toFixed(1)}`)];
    parts.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    parts.push(`<polygon points="${band.join(' ')}" fill="${colour}" fill-opacity="0.18" stroke="none"/>`);
    parts.push(`<polyline points="${pts.map((p) => `${x(p.x).toFixed(1)},${y(p.mean).toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.mean).toFixed(1)}" r="2.5" fill="${colour}"><title>${escapeXml(`${s.name}: x=${p.x}, mean ${p.mean.toPrecision(4)} (95% CI ${p.lower.toPrecision(4)} … ${p.upper.toPrecision(4)}, n=${p.n})`)}</title></circle>`);
    parts.push('</g>');
  });
  parts.push(legend(frame, spec.series.map((s) => s.name)));
  parts.push('</svg>');
  return parts.join('');
}
