/** Two-sided 97.5% quantiles of Student's t for 1…30 degrees of freedom (beyond: the normal's 1.96). */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean of a non-empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of an empty list');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

/** Half-width of the 95% confidence interval of the mean (Student's t); 0 for a single value. */
export function ci95(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const t = n - 1 <= T_975.length ? T_975[n - 2] : 1.96;
  return (t * sampleStd(values)) / Math.sqrt(n);
}

/** Mean, 95% CI half-width and count. */
export interface Estimate {
  readonly mean: number;
  readonly ci95: number;
  readonly n: number;
}

/** The {@link Estimate} of a non-empty list. */
export function estimate(values: readonly number[]): Estimate {
  return { mean: mean(values), ci95: ci95(values), n: values.length };
}

/** A curve's points: x ascending, y the mean over runs, with the 95% CI band. */
export interface BandPoint {
  readonly x: number;
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  readonly n: number;
}

/**
 * Averages curves of several runs (each a list of [x, y]) at the x values they share: the mean and the 95%
 * CI band at each x present in every curve (runs of one configuration evaluate at the same steps).
 */
export function meanCurve(curves: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): BandPoint[] {
  if (curves.length === 0) return [];
  const byX = new Map<number, number[]>();
  for (const curve of curves) for (const [x, y] of curve) byX.set(x, [...(byX.get(x) ?? []), y]);
  return [...byX.entries()]
    .filter(([, ys]) => ys.length === curves.length)
    .sort((a, b) => a[0] - b[0])
    .map(([x, ys]) => {
      const e = estimate(ys);
      return { x, mean: e.mean, lower: e.mean - e.ci95, upper: e.mean + e.ci95, n: e.n };
    });
}
