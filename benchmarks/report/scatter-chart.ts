import { defaultFrame, escapeXml, legend, linearScale, niceTicks, PALETTE, svgOpen, xAxis, yAxis } from './svg.js';

/** One point of a {@link scatterChart}: coordinates, a label (shown on hover) and the group that colours it. */
export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly group: string;
  /** Drawn as a ring instead of a disc (e.g. held-out tasks among training tasks). */
  readonly hollow?: boolean;
}

/** A scatter plot as SVG text: the 2-D projection of task embeddings, coloured by the task's kind. */
export function scatterChart(spec: { title: string; xLabel: string; yLabel: string; points: readonly ScatterPoint[]; note?: string }): string {
  const frame = defaultFrame();
  const groups = [...new Set(spec.points.map((p) => p.group))];
  const xs = spec.points.map((p) => p.x);
  const ys = spec.points.map((p) => p.y);
  const pad = (lo: number, hi: number): [number, number] => (lo === hi ? [lo - 1, hi + 1] : [lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05]);
  const [x0, x1] = xs.length ? pad(Math.min(...xs), Math.max(...xs)) : [0, 1];
  const [y0, y1] = ys.length ? pad(Math.min(...ys), Math.max(...ys)) : [0, 1];
  const x = linearScale(x0, x1, frame.left, frame.right);
  const y = linearScale(y0, y1, frame.bottom, frame.top);
  const parts = [svgOpen(frame, spec.title), yAxis(frame, niceTicks(y0, y1), y, spec.yLabel), xAxis(frame, niceTicks(x0, x1), x, spec.xLabel)];
  for (const p of spec.points) {
    const colour = PALETTE[groups.indexOf(p.group) % PALETTE.length];
    const paint = p.hollow ? `fill="white" stroke="${colour}" stroke-width="2"` : `fill="${colour}"`;
    parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="4" ${paint}><title>${escapeXml(`${p.label} (${p.group})`)}</title></circle>`);
  }
  parts.push(legend(frame, groups));
  if (spec.note) parts.push(`<text x="${frame.right + 14}" y="${frame.bottom}" font-size="10">${escapeXml(spec.note)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}
