/**
 * Multi-server queueing formulas: Erlang B and C, M/M/c waiting and response times, the Allen–Cunneen
 * two-moment correction for general service times (M/G/c), and response-time quantiles.
 */

/**
 * Erlang B (blocking probability of M/M/c/c) for `servers` servers and offered load `load` = λ/μ, by the
 * recurrence B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)): O(c), and every term stays in [0, 1], so it
 * neither overflows (as a^c / c! would) nor cancels.
 */
export function erlangB(servers: number, load: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) {
    const ab = load * b;
    b = ab / (k + ab);
  }
  return b;
}

/**
 * Erlang C: the probability that an arrival to an M/M/c queue waits, C = c·B / (c − a·(1 − B)), from
 * {@link erlangB}. Returns 1 when the queue is not stable (a ≥ c): every arrival then waits.
 */
export function erlangC(servers: number, load: number): number {
  if (load <= 0) return 0;
  if (load >= servers) return 1;
  const b = erlangB(servers, load);
  return (servers * b) / (servers - load * (1 - b));
}

/** Mean waiting time in queue of M/M/c: C / (cμ − λ); Infinity when unstable. */
export function mmcMeanWait(arrivalRate: number, serviceRate: number, servers: number): number {
  const capacity = servers * serviceRate;
  if (arrivalRate >= capacity) return Infinity;
  return erlangC(servers, arrivalRate / serviceRate) / (capacity - arrivalRate);
}

/** Mean response time (wait + service) of M/M/c. */
export function mmcMeanResponse(arrivalRate: number, serviceRate: number, servers: number): number {
  return mmcMeanWait(arrivalRate, serviceRate, servers) + 1 / serviceRate;
}

/**
 * Mean waiting time of M/G/c by the Allen–Cunneen approximation: the M/M/c wait scaled by (1 + cs²) / 2,
 * where cs² is the service time's squared coefficient of variation (exact for cs² = 1, and for c = 1 it is
 * the Pollaczek–Khinchine formula).
 */
export function mgcMeanWait(arrivalRate: number, meanServiceS: number, scv: number, servers: number): number {
  return mmcMeanWait(arrivalRate, 1 / meanServiceS, servers) * 0.5 * (1 + scv);
}

/**
 * Probability that Exp(a) + Exp(b) exceeds x (the hypoexponential tail), with its limit (1 + a·x)·e^(−a·x)
 * when the rates coincide.
 */
export function hypoexponentialTail(a: number, b: number, x: number): number {
  if (x <= 0) return 1;
  if (Math.abs(a - b) <= 1e-9 * Math.max(a, b)) return (1 + a * x) * Math.exp(-a * x);
  return (b * Math.exp(-a * x) - a * Math.exp(-b * x)) / (b - a);
}

/** Density of Exp(a) + Exp(b) at x. */
function hypoexponentialDensity(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (Math.abs(a - b) <= 1e-9 * Math.max(a, b)) return a * a * x * Math.exp(-a * x);
  return ((a * b) / (b - a)) * (Math.exp(-a * x) - Math.exp(-b * x));
}

/**
 * The response-time distribution of requests as a mixture of up to {@link ResponseTail.capacity}
 * components. Each component is: a fixed delay `shiftS` (the deterministic part of service, plus any
 * fluid backlog ahead), then an exponential service tail with rate `serviceRate`, and with probability
 * `pWait` an exponential queueing wait with rate `waitRate`. With shift 0 and pWait = Erlang C,
 * waitRate = cμ − λ, serviceRate = μ, one component is exactly M/M/c's response time.
 *
 * Reused across steps (no allocation per step): `clear`, `add` components, then `quantile`.
 */
export class ResponseTail {
  static readonly capacity = 4;
  private readonly weight = new Float64Array(ResponseTail.capacity);
  private readonly shift = new Float64Array(ResponseTail.capacity);
  private readonly pWait = new Float64Array(ResponseTail.capacity);
  private readonly waitRate = new Float64Array(ResponseTail.capacity);
  private readonly serviceRate = new Float64Array(ResponseTail.capacity);
  private count = 0;
  private totalWeight = 0;

  /** Removes all components. */
  clear(): void {
    this.count = 0;
    this.totalWeight = 0;
  }

  /** Adds a component with relative weight `weight` (e.g. the number of requests it describes). */
  add(weight: number, shiftS: number, pWait: number, waitRate: number, serviceRate: number): void {
    if (!(weight > 0)) return;
    if (this.count >= ResponseTail.capacity) throw new RangeError(`ResponseTail holds at most ${ResponseTail.capacity} components`);
    const i = this.count++;
    this.weight[i] = weight;
    this.shift[i] = shiftS;
    this.pWait[i] = pWait > 0 && Number.isFinite(waitRate) && waitRate > 0 ? pWait : 0;
    this.waitRate[i] = waitRate;
    this.serviceRate[i] = serviceRate;
    this.totalWeight += weight;
  }

  /** P(response time > t). */
  survival(t: number): number {
    let s = 0;
    for (let i = 0; i < this.count; i++) s += this.weight[i] * this.componentSurvival(i, t);
    return this.count === 0 ? 0 : s / this.totalWeight;
  }

  private componentSurvival(i: number, t: number): number {
    const x = t - this.shift[i];
    if (x <= 0) return 1;
    const mu = this.serviceRate[i];
    const p = this.pWait[i];
    const service = Math.exp(-mu * x);
    return p === 0 ? service : (1 - p) * service + p * hypoexponentialTail(mu, this.waitRate[i], x);
  }

  private density(t: number): number {
    let d = 0;
    for (let i = 0; i < this.count; i++) {
      const x = t - this.shift[i];
      if (x <= 0) continue;
      const mu = this.serviceRate[i];
      const p = this.pWait[i];
      const service = mu * Math.exp(-mu * x);
      d += this.weight[i] * (p === 0 ? service : (1 - p) * service + p * hypoexponentialDensity(mu, this.waitRate[i], x));
    }
    return d / this.totalWeight;
  }

  /**
   * The q-quantile of the response time (e.g. q = 0.95 for p95). A single exponential component has the
   * closed form shift + ln(1 / (1 − q)) / μ. Otherwise the root of f(t) = ln P(T > t) − ln(1 − q), which
   * is linear in t along an exponential tail: Newton steps, started from the slowest component's
   * exponential guess, inside a bracket; where a Newton step leaves the bracket (at the kinks that the
   * components' shifts make), an Illinois false-position step replaces it, which still converges
   * superlinearly where bisection would need ~40 halvings.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const logTarget = Math.log(1 - q);
    if (this.count === 1 && this.pWait[0] === 0) return this.shift[0] - logTarget / this.serviceRate[0];
    let lo = Infinity;
    let hi = 0;
    let t = 0;
    for (let i = 0; i < this.count; i++) {
      lo = Math.min(lo, this.shift[i]);
      // Exp(μ) + Exp(θ) exceeds shift + (1 − ln(1 − q))·(1/μ + 1/θ) with probability below 1 − q.
      const waitMean = this.pWait[i] > 0 ? 1 / this.waitRate[i] : 0;
      hi = Math.max(hi, this.shift[i] + (1 - logTarget) * (1 / this.serviceRate[i] + waitMean));
      t = Math.max(t, this.shift[i] - logTarget * Math.max(1 / this.serviceRate[i], waitMean));
    }
    // f(lo) = −ln(1 − q) > 0 (nothing is faster than the smallest shift); f(hi) < 0.
    let fLo = -logTarget;
    let fHi = Math.log(this.survival(hi)) - logTarget;
    let side = 0;
    t = Math.min(hi, Math.max(lo, t));
    for (let iter = 0; iter < 100; iter++) {
      const survival = this.survival(t);
      const f = Math.log(survival) - logTarget;
      if (Math.abs(f) <= 1e-12) return t;
      if (f > 0) {
        lo = t;
        fLo = f;
        if (side === 1) fHi *= 0.5;
        side = 1;
      } else {
        hi = t;
        fHi = f;
        if (side === -1) fLo *= 0.5;
        side = -1;
      }
      if (hi - lo <= 1e-12 * hi) return t;
      const d = this.density(t);
      // d/dt ln S(t) = −density / S.
      let next = d > 0 ? t + (f * survival) / d : NaN;
      if (!(next > lo && next < hi)) next = (lo * fHi - hi * fLo) / (fHi - fLo);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      t = next;
    }
    return t;
  }
}
