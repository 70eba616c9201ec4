/**
 * A small Gaussian-process regressor with an RBF kernel, k(x, x') = exp(−|x − x'|² / (2ℓ²)), on targets
 * standardized to zero mean and unit variance, with a fixed noise variance. The length scale is chosen
 * from a grid by the log marginal likelihood. Enough for a search over tens of configurations.
 */
export class GaussianProcess {
  private xs: Float64Array[] = [];
  private alpha: Float64Array = new Float64Array(0);
  private chol: Float64Array[] = [];
  private mean = 0;
  private scale = 1;
  /** The length scale in use. */
  lengthScale = 0.3;

  constructor(
    private readonly noiseVariance = 1e-2,
    private readonly lengthScales: readonly number[] = [0.1, 0.2, 0.3, 0.5, 0.8, 1.2],
  ) {}

  /** Fits the GP to points `xs` with targets `ys`, picking the length scale of highest marginal likelihood. */
  fit(xs: readonly Float64Array[], ys: readonly number[]): void {
    if (xs.length === 0 || xs.length !== ys.length) throw new RangeError(`GaussianProcess.fit: need as many targets as points (≥ 1), got ${xs.length} and ${ys.length}`);
    const n = ys.length;
    this.mean = ys.reduce((a, b) => a + b, 0) / n;
    const variance = ys.reduce((a, y) => a + (y - this.mean) ** 2, 0) / n;
    this.scale = variance > 1e-12 ? Math.sqrt(variance) : 1;
    const z = ys.map((y) => (y - this.mean) / this.scale);
    let best = -Infinity;
    for (const ell of this.lengthScales) {
      const chol = cholesky(this.kernelMatrix(xs, ell));
      if (chol === undefined) continue;
      const alpha = choleskySolve(chol, z);
      let logDet = 0;
      for (let i = 0; i < n; i++) logDet += Math.log(chol[i][i]);
      const fitTerm = z.reduce((a, zi, i) => a + zi * alpha[i], 0);
      const evidence = -0.5 * fitTerm - logDet;
      if (evidence > best) {
        best = evidence;
        this.lengthScale = ell;
        this.chol = chol;
        this.alpha = alpha;
      }
    }
    if (best === -Infinity) throw new Error('GaussianProcess.fit: the kernel matrix is not positive definite');
    this.xs = xs.slice();
  }

  /** Posterior mean and standard deviation at `x`, in the targets' units. */
  predict(x: Float64Array): { mean: number; std: number } {
    const n = this.xs.length;
    const k = new Float64Array(n);
    for (let i = 0; i < n; i++) k[i] = rbf(x, this.xs[i], this.lengthScale);
    let mu = 0;
    for (let i = 0; i < n; i++) mu += k[i] * this.alpha[i];
    const v = forwardSubstitute(this.chol, k);
    let variance = 1;
    for (let i = 0; i < n; i++) variance -= v[i] * v[i];
    const std = Math.sqrt(Math.max(variance, 1e-12));
    return { mean: this.mean + this.scale * mu, std: this.scale * std };
  }

  private kernelMatrix(xs: readonly Float64Array[], ell: number): Float64Array[] {
    return xs.map((a, i) => Float64Array.from(xs, (b, j) => rbf(a, b, ell) + (i === j ? this.noiseVariance : 0)));
  }
}

function rbf(a: Float64Array, b: Float64Array, ell: number): number {
  let d2 = 0;
  for (let i = 0; i < a.length; i++) d2 += (a[i] - b[i]) ** 2;
  return Math.exp(-d2 / (2 * ell * ell));
}

/** Lower Cholesky factor L (A = L·Lᵀ), or undefined when A is not positive definite. */
function cholesky(a: Float64Array[]): Float64Array[] | undefined {
  const n = a.length;
  const l = a.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i][i] = Math.sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  return l;
}

function forwardSubstitute(l: Float64Array[], b: ArrayLike<number>): Float64Array {
  const n = l.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  return y;
}

function choleskySolve(l: Float64Array[], b: ArrayLike<number>): Float64Array {
  const n = l.length;
  const y = forwardSubstitute(l, b);
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** The standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** The standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
