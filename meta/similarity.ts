/**
 * FLASH's embedding similarity, as we read the talk's "(1 − ED + CS) / 2" with a bounded distance term:
 * S(e_i, e_j) = (1 / (1 + ‖e_i − e_j‖) + cos(e_i, e_j)) / 2, in [−0.5, 1]; 1 for identical non-zero
 * vectors. The cosine of a zero vector is taken as 0 (it has no direction).
 */
export function similarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`similarity: embeddings have ${a.length} and ${b.length} dimensions`);
  let dist = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    dist += d * d;
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const cos = na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
  return (1 / (1 + Math.sqrt(dist)) + cos) / 2;
}

/** Euclidean distance between two embeddings. */
export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** The highest similarity of `e` to any of `references` (−Infinity when there is none). */
export function maxSimilarity(e: ArrayLike<number>, references: readonly ArrayLike<number>[]): number {
  let best = -Infinity;
  for (const r of references) best = Math.max(best, similarity(e, r));
  return best;
}

/** Spearman's rank correlation (average ranks for ties); NaN when either side is constant or n < 2. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} and ${y.length} values`);
  if (x.length < 2) return NaN;
  return pearson(ranks(x), ranks(y));
}

/** Pearson's correlation; NaN when either side is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** 1-based ranks, ties given their average rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k][1]] = rank;
    i = j + 1;
  }
  return out;
}
