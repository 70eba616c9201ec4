import type { Rng } from '../envs/rng/rng.js';
import type { ConditioningMode } from './conditioning-wrapper.js';

/** Centroids found by {@link kMeans}, and the nearest-centroid rule. */
export interface KMeansModel {
  readonly centroids: readonly Float64Array[];
  /** Index of the centroid nearest to `point` (squared Euclidean distance; ties to the lower index). */
  assign(point: ArrayLike<number>): number;
  /** Sum of squared distances of `points` to their nearest centroid. */
  inertia(points: readonly ArrayLike<number>[]): number;
}

/**
 * Lloyd's k-means with k-means++ seeding (Arthur & Vassilvitskii 2007), deterministic for `rng`:
 * discretizes training-task embeddings into cluster ids for tabular agents. Stops when no assignment
 * changes or after `maxIterations`. An emptied cluster keeps its previous centroid.
 */
export function kMeans(points: readonly ArrayLike<number>[], k: number, rng: Rng, maxIterations = 100): KMeansModel {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`kMeans: k must be a positive integer, got ${String(k)}`);
  if (points.length < k) throw new RangeError(`kMeans: needs at least k = ${k} points, got ${points.length}`);
  const d = points[0].length;
  for (const p of points) if (p.length !== d) throw new RangeError(`kMeans: points have ${d} and ${p.length} dimensions`);
  const dist2 = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += (a[i] - b[i]) ** 2;
    return s;
  };
  const centroids: Float64Array[] = [Float64Array.from(points[rng.integers(0, points.length)])];
  while (centroids.length < k) {
    const weights = points.map((p) => Math.min(...centroids.map((c) => dist2(p, c))));
    const total = weights.reduce((a, b) => a + b, 0);
    // All points coincide with centroids: any point will do.
    let pick = 0;
    if (total > 0) {
      let u = rng.random() * total;
      while (pick < points.length - 1 && u >= weights[pick]) u -= weights[pick++];
    } else pick = rng.integers(0, points.length);
    centroids.push(Float64Array.from(points[pick]));
  }
  const nearest = (p: ArrayLike<number>) => {
    let best = 0;
    let bestD = Infinity;
    centroids.forEach((c, j) => {
      const dj = dist2(p, c);
      if (dj < bestD) {
        bestD = dj;
        best = j;
      }
    });
    return best;
  };
  let labels = points.map(nearest);
  for (let it = 0; it < maxIterations; it++) {
    for (let j = 0; j < k; j++) {
      const members = points.filter((_, i) => labels[i] === j);
      if (members.length === 0) continue;
      const c = new Float64Array(d);
      for (const m of members) for (let i = 0; i < d; i++) c[i] += m[i] / members.length;
      centroids[j] = c;
    }
    const next = points.map(nearest);
    const changed = next.some((l, i) => l !== labels[i]);
    labels = next;
    if (!changed) break;
  }
  return {
    centroids,
    assign: nearest,
    inertia: (ps) => ps.reduce((s, p) => s + dist2(p, centroids[nearest(p)]), 0),
  };
}

/** The conditioning wrapper's `cluster` mode for a tabular agent: the cluster id of the embedding. */
export function clusterConditioning(model: KMeansModel): ConditioningMode {
  return { kind: 'cluster', clusters: model.centroids.length, cluster: (embedding) => model.assign(embedding) };
}
