// Small helpers shared by the hand-written SVG charts: escaping, nice ticks, the plot frame and legend.

/** Colours of the series, in order (colour-blind-safe Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A tick label: compact (12k, 1.5M) for large values, three significant digits otherwise. */
export function formatTick(value: number): string {
  const a = Math.abs(value);
  if (a >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

/** Plot geometry: the SVG's size and the inner plotting area. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** The default frame: 640 × 360 with room for axis labels and a legend on the right. */
export function defaultFrame(legendWidth = 150): Frame {
  return { width: 640 + legendWidth, height: 360, left: 64, right: 640 - 16, top: 36, bottom: 360 - 48 };
}

/** A linear map from [d0, d1] to [r0, r1] (a zero-width domain maps to the middle). */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d0 === d1) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** Opening tag, background and title of a chart. */
export function svgOpen(frame: Frame, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}" font-family="sans-serif" font-size="12">` +
    `<title>${escapeXml(title)}</title><rect width="100%" height="100%" fill="white"/>` +
    `<text x="${frame.width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`
  );
}

/** The y axis with ticks, grid lines and its label. */
export function yAxis(frame: Frame, ticks: readonly number[], y: (v: number) => number, label: string, format: (v: number) => string = formatTick): string {
  const parts = ticks.map((t) => `<line x1="${frame.left}" x2="${frame.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e5e5"/><text x="${frame.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${escapeXml(format(t))}</text>`);
  const mid = (frame.top + frame.bottom) / 2;
  parts.push(`<line x1="${frame.left}" x2="${frame.left}" y1="${frame.top}" y2="${frame.bottom}" stroke="#333"/>`);
  parts.push(`<text transform="translate(16 ${mid}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`);
  return parts.join('');
}

/** The x axis with numeric ticks and its label. */
export function xAxis(frame: Frame, ticks: readonly number[], x: (v: number) => number, label: string): string {
  const parts = ticks.map((t) => `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${frame.bottom}" y2="${frame.bottom + 4}" stroke="#333"/><text x="${x(t).toFixed(1)}" y="${frame.bottom + 17}" text-anchor="middle">${escapeXml(formatTick(t))}</text>`);
  parts.push(`<line x1="${frame.left}" x2="${frame.right}" y1="${frame.bottom}" y2="${frame.bottom}" stroke="#333"/>`);
  parts.push(`<text x="${(frame.left + frame.right) / 2}" y="${frame.height - 10}" text-anchor="middle">${escapeXml(label)}</text>`);
  return parts.join('');
}

/** A legend to the right of the plot: a colour swatch and a name per series. */
export function legend(frame: Frame, names: readonly string[]): string {
  return names
    .map((name, i) => {
      const y = frame.top + 8 + i * 18;
      return `<rect x="${frame.right + 14}" y="${y - 9}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="${frame.right + 32}" y="${y + 1}">${escapeXml(name)}</text>`;
    })
    .join('');
}
