import test from 'ava';
import { Rng } from '../envs/rng/index.js';

test('same seed gives the same stream; different seeds differ', (t) => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xs = Array.from({ length: 50 }, () => a.random());
  t.deepEqual(Array.from({ length: 50 }, () => b.random()), xs);
  t.notDeepEqual(Array.from({ length: 50 }, () => c.random()), xs);
});

test('state round-trips exactly, including a cached normal deviate', (t) => {
  const a = new Rng(7);
  a.normal();
  const state = JSON.parse(JSON.stringify(a.getState()));
  const b = Rng.fromState(state);
  for (let i = 0; i < 20; i++) t.is(b.normal(), a.normal());
  t.is(b.random(), a.random());
});

test('moments of uniform, normal, exponential and poisson match their distributions', (t) => {
  const rng = new Rng(1);
  const n = 200_000;
  const mean = (f: () => number): [number, number] => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = f();
      s += x;
      s2 += x * x;
    }
    const m = s / n;
    return [m, s2 / n - m * m];
  };
  const [um, uv] = mean(() => rng.uniform(2, 4));
  t.true(Math.abs(um - 3) < 0.01 && Math.abs(uv - 1 / 3) < 0.01);
  const [nm, nv] = mean(() => rng.normal(1, 2));
  t.true(Math.abs(nm - 1) < 0.02 && Math.abs(nv - 4) < 0.05);
  const [em, ev] = mean(() => rng.exponential(3));
  t.true(Math.abs(em - 3) < 0.05 && Math.abs(ev - 9) < 0.3);
  for (const lam of [0.5, 4, 30, 1000]) {
    const [pm, pv] = mean(() => rng.poisson(lam));
    t.true(Math.abs(pm - lam) < 0.02 * lam + 0.01, `poisson(${lam}) mean ${pm}`);
    t.true(Math.abs(pv - lam) < 0.05 * lam + 0.02, `poisson(${lam}) var ${pv}`);
  }
});

test('integers and choice stay in range and honour probabilities', (t) => {
  const rng = new Rng(3);
  const counts = [0, 0, 0];
  for (let i = 0; i < 30_000; i++) counts[rng.choice(3, [0.2, 0.8, 0])]++;
  t.is(counts[2], 0);
  t.true(Math.abs(counts[0] / 30_000 - 0.2) < 0.02);
  for (let i = 0; i < 1000; i++) {
    const k = rng.integers(-3, 5);
    t.true(k >= -3 && k < 5 && Number.isInteger(k));
  }
  t.throws(() => rng.integers(5, 5), { message: /low < high/ });
  t.throws(() => rng.choice(2, [0.5, 0.6]), { message: /sum to/ });
  t.throws(() => new Rng(-1), { message: /non-negative integer/ });
});
