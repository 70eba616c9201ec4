/** One point of the embedding plot. */
export interface EmbeddedTask {
  readonly id: string;
  readonly embedding: ArrayLike<number>;
  /** The colour group, e.g. the application's dominant segment kind. */
  readonly kind: string;
  readonly heldOut: boolean;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * The first two principal components of the embeddings (centered; power iteration with deflation,
 * deterministic start), as `[x, y]` per row.
 */
export function pca2(rows: readonly ArrayLike<number>[]): [number, number][] {
  const n = rows.length;
  if (n === 0) return [];
  const d = rows[0].length;
  const mean = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) mean[i] += r[i] / n;
  const X = rows.map((r) => Float64Array.from({ length: d }, (_, i) => r[i] - mean[i]));
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: d }, (_, i) => 1 / Math.sqrt(d) + i * 1e-3);
    for (let it = 0; it < 200; it++) {
      const next = new Float64Array(d);
      for (const x of X) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += x[i] * v[i];
        for (let i = 0; i < d; i++) next[i] += dot * x[i];
      }
      for (const p of components) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += next[i] * p[i];
        for (let i = 0; i < d; i++) next[i] -= dot * p[i];
      }
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      v = next.map((x) => x / norm);
    }
    components.push(v);
  }
  return X.map((x) => components.map((p) => x.reduce((s, xi, i) => s + xi * p[i], 0)) as [number, number]);
}

/**
 * An SVG scatter plot of the tasks' embeddings projected on their first two principal components:
 * colour by kind, filled circles for training tasks, hollow for held-out ones, with a legend.
 */
export function embeddingPlotSvg(tasks: readonly EmbeddedTask[], title = 'Task embeddings (PCA)'): string {
  const W = 640;
  const H = 480;
  const pad = 50;
  const pts = pca2(tasks.map((t) => t.embedding));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 0)];
  const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 0)];
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad - 120);
  const sy = (y: number) => H - pad - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  const kinds = [...new Set(tasks.map((t) => t.kind))].sort();
  const colour = (k: string) => PALETTE[kinds.indexOf(k) % PALETTE.length];
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`, `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="24" text-anchor="middle" font-family="sans-serif" font-size="16">${esc(title)}</text>`];
  tasks.forEach((t, i) => {
    const c = colour(t.kind);
    parts.push(`<circle cx="${sx(pts[i][0]).toFixed(1)}" cy="${sy(pts[i][1]).toFixed(1)}" r="5" fill="${t.heldOut ? 'none' : c}" stroke="${c}" stroke-width="2"><title>${esc(t.id)} (${esc(t.kind)}${t.heldOut ? ', held out' : ''})</title></circle>`);
  });
  kinds.forEach((k, i) => {
    parts.push(`<circle cx="${W - 150}" cy="${60 + 20 * i}" r="5" fill="${colour(k)}"/><text x="${W - 140}" y="${64 + 20 * i}" font-family="sans-serif" font-size="12">${esc(k)}</text>`);
  });
  parts.push(`<text x="${W - 150}" y="${70 + 20 * kinds.length}" font-family="sans-serif" font-size="11">filled: training, hollow: held out</text>`, '</svg>');
  return parts.join('\n');
}
