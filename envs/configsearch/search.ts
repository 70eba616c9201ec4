import type { Rng } from '../rng/rng.js';
import { GaussianProcess, normalCdf, normalPdf } from './gaussian-process.js';
import { regretOf, type Measurement, type SearchProblem } from './problem.js';

/** What a search did and found. */
export interface SearchResult {
  /** Configurations tried, in order. */
  readonly trials: number[];
  readonly measurements: Measurement[];
  /** The cheapest measured trial that succeeded within the deadline (−1 if none). */
  readonly incumbent: number;
  /** Relative regret of the incumbent's true cost against the true optimum. */
  readonly regret: number;
}

/** A search strategy: given the problem (measure only), a budget and an RNG. */
export type Searcher = (problem: SearchProblem, budget: number, rng: Rng) => SearchResult;

/** Runs the trials chosen by `choose` (which sees the trials so far) and scores the result. */
function runSearch(problem: SearchProblem, budget: number, rng: Rng, choose: (trials: number[], ms: Measurement[]) => number): SearchResult {
  if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`search: budget must be a positive integer, got ${budget}`);
  const trials: number[] = [];
  const measurements: Measurement[] = [];
  let incumbent = -1;
  let best = Infinity;
  const limit = Math.min(budget, problem.available.reduce((a, b) => a + b, 0));
  while (trials.length < limit) {
    const index = choose(trials, measurements);
    const m = problem.measure(index, rng);
    trials.push(index);
    measurements.push(m);
    if (m.succeeded && m.runtime <= problem.deadline && m.cost < best) {
      best = m.cost;
      incumbent = index;
    }
  }
  return { trials, measurements, incumbent, regret: regretOf(problem, incumbent) };
}

function untried(problem: SearchProblem, trials: readonly number[]): number[] {
  const seen = new Set(trials);
  const out: number[] = [];
  for (let i = 0; i < problem.size; i++) if (problem.available[i] && !seen.has(i)) out.push(i);
  return out;
}

/** Random search: each trial a uniformly drawn untried configuration. */
export const randomSearch: Searcher = (problem, budget, rng) =>
  runSearch(problem, budget, rng, (trials) => {
    const candidates = untried(problem, trials);
    return candidates[rng.integers(0, candidates.length)];
  });

/** Options of {@link bayesianSearch}. */
export interface BayesianSearchOptions {
  /** Random trials before the GP takes over (default 3, CherryPick's initial design size). */
  initialTrials?: number;
}

/**
 * CherryPick-like Bayesian optimization: a GP with an RBF kernel on log cost, another on
 * log(runtime / deadline) (failed runs count as past the deadline), and constrained expected improvement,
 * EI(log cost) × P(runtime ≤ deadline), over the untried configurations; while no trial qualifies it
 * picks the configuration most likely to meet the deadline.
 */
export function bayesianSearch(options: BayesianSearchOptions = {}): Searcher {
  const initial = options.initialTrials ?? 3;
  if (!Number.isInteger(initial) || initial < 1) throw new RangeError(`bayesianSearch: initialTrials must be a positive integer, got ${initial}`);
  return (problem, budget, rng) => {
    const costModel = new GaussianProcess();
    const feasibilityModel = new GaussianProcess();
    return runSearch(problem, budget, rng, (trials, ms) => {
      const candidates = untried(problem, trials);
      if (trials.length < initial) return candidates[rng.integers(0, candidates.length)];
      const xs = trials.map((i) => problem.features[i]);
      costModel.fit(xs, ms.map((m) => Math.log(m.cost)));
      feasibilityModel.fit(xs, ms.map((m) => slack(m, problem.deadline)));
      let bestLogCost = Infinity;
      ms.forEach((m) => {
        if (m.succeeded && m.runtime <= problem.deadline) bestLogCost = Math.min(bestLogCost, Math.log(m.cost));
      });
      let choice = candidates[0];
      let bestScore = -Infinity;
      for (const i of candidates) {
        const x = problem.features[i];
        const f = feasibilityModel.predict(x);
        const pFeasible = normalCdf(-f.mean / f.std);
        let score = pFeasible;
        if (bestLogCost < Infinity) {
          const c = costModel.predict(x);
          const z = (bestLogCost - c.mean) / c.std;
          score *= (bestLogCost - c.mean) * normalCdf(z) + c.std * normalPdf(z);
        }
        if (score > bestScore) {
          bestScore = score;
          choice = i;
        }
      }
      return choice;
    });
  };
}

/** log(runtime / deadline) for a run (≤ 0 meets the deadline); a failed run counts as 0.5 past it. */
function slack(m: Measurement, deadline: number): number {
  const base = Number.isFinite(deadline) ? Math.log(m.runtime / deadline) : -1;
  return m.succeeded ? base : Math.max(base, 0.5);
}
