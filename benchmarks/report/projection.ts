/**
 * Principal component analysis to 2-D: centres the vectors, finds the two leading eigenvectors of their
 * covariance by power iteration (with deflation; deterministic start), and projects onto them. For the
 * embedding plot: nearby points are tasks the encoder sees as alike.
 */
export function pca2(vectors: readonly ArrayLike<number>[]): { points: Array<[number, number]>; explained: [number, number] } {
  const n = vectors.length;
  if (n === 0) return { points: [], explained: [0, 0] };
  const d = vectors[0].length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j] += v[j] / n;
  const centred = vectors.map((v) => Float64Array.from({ length: d }, (_, j) => v[j] - mean[j]));
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const c of centred) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] += (c[a] * c[b]) / Math.max(1, n - 1);
  const total = cov.reduce((s, row, i) => s + row[i], 0);
  const components: Float64Array[] = [];
  const values: number[] = [];
  for (let k = 0; k < 2; k++) {
    // Start from a fixed, non-degenerate vector so the result does not depend on any RNG.
    let v = Float64Array.from({ length: d }, (_, j) => 1 + j / d);
    let lambda = 0;
    for (let iter = 0; iter < 500; iter++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) w[a] += cov[a][b] * v[b];
      for (const u of components) {
        const dot = w.reduce((s, x, j) => s + x * u[j], 0);
        for (let j = 0; j < d; j++) w[j] -= dot * u[j];
      }
      const norm = Math.hypot(...w);
      if (norm < 1e-12) break;
      lambda = norm;
      v = w.map((x) => x / norm);
    }
    components.push(v);
    values.push(lambda);
  }
  const points = centred.map((c) => components.map((u) => c.reduce((s, x, j) => s + x * u[j], 0)) as [number, number]);
  return { points, explained: [total > 0 ? values[0] / total : 0, total > 0 ? values[1] / total : 0] };
}
