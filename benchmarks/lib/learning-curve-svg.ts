/** A learning-curve chart as a small standalone SVG: one polyline per seed, a dashed target line. */
export function curvesSvg(title: string, points: readonly { seed: number; timesteps: number; meanReward: number }[], target: number): string {
  const w = 640;
  const h = 360;
  const pad = 48;
  const maxX = Math.max(1, ...points.map((p) => p.timesteps));
  const ys = points.map((p) => p.meanReward);
  const minY = Math.min(0, ...ys);
  const maxY = Math.max(target, ...ys);
  const x = (v: number) => pad + ((w - 2 * pad) * v) / maxX;
  const y = (v: number) => h - pad - ((h - 2 * pad) * (v - minY)) / Math.max(1e-9, maxY - minY);
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];
  const seeds = [...new Set(points.map((p) => p.seed))];
  const lines = seeds.map((s, i) => {
    const pts = points.filter((p) => p.seed === s).map((p) => `${x(p.timesteps).toFixed(1)},${y(p.meanReward).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${colors[i % colors.length]}" stroke-width="2" points="${pts}"><title>seed ${s}</title></polyline>`;
  });
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<text x="${w / 2}" y="20" text-anchor="middle">${esc(title)}</text>`,
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#000"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#000"/>`,
    `<line x1="${pad}" y1="${y(target).toFixed(1)}" x2="${w - pad}" y2="${y(target).toFixed(1)}" stroke="#888" stroke-dasharray="4 4"/>`,
    `<text x="${w - pad}" y="${h - pad + 30}" text-anchor="end">env steps (max ${maxX})</text>`,
    `<text x="${pad - 6}" y="${y(maxY).toFixed(1)}" text-anchor="end">${maxY.toFixed(0)}</text>`,
    `<text x="${pad - 6}" y="${y(minY).toFixed(1)}" text-anchor="end">${minY.toFixed(0)}</text>`,
    ...lines,
    '</svg>',
  ].join('\n');
}
