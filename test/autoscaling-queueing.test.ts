import test from 'ava';
import { Rng } from '../envs/rng/index.js';
import { ResponseTail, erlangB, erlangC, mgcMeanWait, mmcMeanResponse, mmcMeanWait, simulateRequests, steadyState, serviceModel } from '../envs/autoscaling/index.js';

// λ = 8, μ = 1 (the closed forms, also in Kleinrock vol. 1 tables).
const CLOSED_FORMS = [
  { c: 9, pWait: 0.653, response: 1.653 },
  { c: 10, pWait: 0.409, response: 1.205 },
  { c: 11, pWait: 0.245, response: 1.082 },
  { c: 12, pWait: 0.14, response: 1.035 },
];

for (const { c, pWait, response } of CLOSED_FORMS) {
  test(`Erlang C and M/M/c response for λ=8, μ=1, c=${c}`, (t) => {
    t.true(Math.abs(erlangC(c, 8) - pWait) < 5e-4, `C = ${erlangC(c, 8)}`);
    t.true(Math.abs(mmcMeanResponse(8, 1, c) - response) < 5e-4, `T = ${mmcMeanResponse(8, 1, c)}`);
  });
}

test('Erlang B and C against their definitions from the Poisson terms', (t) => {
  // B(c, a) = (a^c / c!) / Σ_{k≤c} a^k / k!, computed directly for small c.
  for (const [c, a] of [[1, 0.5], [3, 2.2], [7, 5], [15, 12.5]] as const) {
    let term = 1;
    let sum = 1;
    for (let k = 1; k <= c; k++) {
      term *= a / k;
      sum += term;
    }
    const b = term / sum;
    t.true(Math.abs(erlangB(c, a) - b) < 1e-12);
    // C = a^c/c! · c/(c−a) / (Σ_{k<c} a^k/k! + a^c/c! · c/(c−a)).
    const tailTerm = (term * c) / (c - a);
    t.true(Math.abs(erlangC(c, a) - tailTerm / (sum - term + tailTerm)) < 1e-12);
  }
});

test('Erlang C stays finite and in [0, 1] for many servers (the recurrence does not overflow)', (t) => {
  for (const [c, a] of [[500, 480], [2000, 1990], [5000, 100]] as const) {
    const v = erlangC(c, a);
    t.true(Number.isFinite(v) && v >= 0 && v <= 1, `C(${c}, ${a}) = ${v}`);
  }
  t.is(erlangC(4, 4), 1);
  t.is(erlangC(4, 0), 0);
  t.is(mmcMeanWait(5, 1, 4), Infinity);
});

test('Allen–Cunneen reduces to Pollaczek–Khinchine for one server (M/D/1 and M/M/1)', (t) => {
  const lambda = 0.7;
  // M/D/1: Wq = ρ / (2μ(1 − ρ)) with μ = 1.
  t.true(Math.abs(mgcMeanWait(lambda, 1, 0, 1) - lambda / (2 * (1 - lambda))) < 1e-12);
  // M/M/1: Wq = ρ / (μ − λ).
  t.true(Math.abs(mgcMeanWait(lambda, 1, 1, 1) - lambda / (1 - lambda)) < 1e-12);
});

test('the response-time tail gives M/M/1 quantiles exactly: T ~ Exp(μ − λ)', (t) => {
  const tail = new ResponseTail();
  const lambda = 3;
  const mu = 5;
  tail.add(1, 0, erlangC(1, lambda / mu), mu - lambda, mu);
  for (const q of [0.5, 0.9, 0.95, 0.99]) {
    t.true(Math.abs(tail.quantile(q) - -Math.log(1 - q) / (mu - lambda)) < 1e-9, `q=${q}`);
  }
});

test('the M/M/c p95 from the tail matches a discrete-event run with exponential service', (t) => {
  // A sleep-only app is nearly deterministic; with exponential service requested the DES is M/M/c.
  const segments = [{ name: 'sleep' as const, scale: 1 }];
  const config = { replicas: 5, cpuMillicores: 1000, memoryMiB: 1024 };
  const model = { ...serviceModel(segments, 1000, 1024), scv: 1 };
  const rate = (0.75 * 5) / model.meanS;
  const des = simulateRequests({ segments, config, arrivalRate: rate, durationS: 4000, warmupS: 200, rng: new Rng(3), serviceDistribution: 'exponential' });
  const analytic = steadyState(rate, model, 5, 1e9);
  t.true(Math.abs(des.meanLatencyS / analytic.meanLatencyS - 1) < 0.04, `mean ${des.meanLatencyS} vs ${analytic.meanLatencyS}`);
  t.true(Math.abs(des.p95LatencyS / analytic.p95LatencyS - 1) < 0.05, `p95 ${des.p95LatencyS} vs ${analytic.p95LatencyS}`);
});

test('a mixture quantile lies between its components’ quantiles', (t) => {
  const a = new ResponseTail();
  a.add(1, 0, 0, Infinity, 10);
  const b = new ResponseTail();
  b.add(1, 1, 0, Infinity, 10);
  const mix = new ResponseTail();
  mix.add(1, 0, 0, Infinity, 10);
  mix.add(1, 1, 0, Infinity, 10);
  const q = mix.quantile(0.95);
  t.true(q > a.quantile(0.95) && q < b.quantile(0.95));
  t.true(Math.abs(mix.survival(q) - 0.05) < 1e-9);
});
