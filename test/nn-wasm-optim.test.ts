import test from 'ava';
import { Rng } from '../envs/rng/index.js';
import { HostAdam } from '../agents/nn/host-adam.js';
import { optimKernels, polyakUpdate } from '../agents/nn/wasm-optim.js';

/** Gradients over many magnitudes (and exact zeros), so that every rounding path of the update is exercised. */
function gradients(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => (k % 17 === 0 ? 0 : rng.normal() * 10 ** rng.integers(-8, 3)));
}

test('the SIMD module compiles here (Node ≥ 16 has WebAssembly SIMD)', (t) => {
  t.not(optimKernels(1024), undefined);
});

test('HostAdam on the SIMD pass gives the same bits as its JavaScript loop, step after step (odd size, two learning rates)', (t) => {
  const n = 1001;
  const rng = new Rng(3);
  const start = Float32Array.from({ length: n }, () => rng.normal());
  const simd = new HostAdam(n);
  const loop = new HostAdam(n, { simd: false });
  const [a, b] = [start.slice(), start.slice()];
  for (let step = 0; step < 25; step++) {
    const g = gradients(rng, n);
    const lr = step < 10 ? 1e-3 : 3e-4;
    simd.apply(a, g, lr);
    loop.apply(b, g, lr);
  }
  t.true(a.every((v, k) => Object.is(v, b[k])), 'parameters');
  const [sa, sb] = [simd.getState(), loop.getState()];
  t.is(sa.step, 25);
  t.true(sa.m.every((v, k) => Object.is(v, sb.m[k])) && sa.v.every((v, k) => Object.is(v, sb.v[k])), 'moments');
  t.true(a.some((v, k) => v !== start[k]), 'the parameters moved');
});

test('HostAdam: a state saved from one engine restores into the other and continues identically', (t) => {
  const n = 64;
  const rng = new Rng(4);
  const theta = Float32Array.from({ length: n }, () => rng.normal());
  const first = new HostAdam(n);
  for (let i = 0; i < 3; i++) first.apply(theta, gradients(rng, n), 1e-3);
  const other = new HostAdam(n, { simd: false });
  other.setState(first.getState());
  const [a, b] = [theta.slice(), theta.slice()];
  const g = gradients(rng, n);
  first.apply(a, g, 1e-3);
  other.apply(b, g, 1e-3);
  t.true(a.every((v, k) => Object.is(v, b[k])));
});

test('HostAdam.apply refuses vectors of the wrong size, naming both sizes', (t) => {
  const adam = new HostAdam(8);
  t.throws(() => adam.apply(new Float32Array(7), new Float64Array(8), 1e-3), { message: /expected θ and gradient of 8 values, got 7 and 8/ });
  t.is(adam.steps, 0, 'nothing was counted');
});

test('polyakUpdate is θ′ ← (1 − τ)θ′ + τθ rounded to float32, bit for bit, on odd and even sizes; mismatched sizes are an error', (t) => {
  const rng = new Rng(5);
  for (const n of [1, 2, 7, 122_401]) {
    const target = Float32Array.from({ length: n }, () => rng.normal());
    const online = Float32Array.from({ length: n }, () => rng.normal());
    const tau = 0.005;
    const expected = target.map((v, k) => Math.fround((1 - tau) * v + tau * online[k]));
    polyakUpdate(target, online, tau);
    t.true(target.every((v, k) => Object.is(v, expected[k])), `n = ${n}`);
  }
  t.throws(() => polyakUpdate(new Float32Array(3), new Float32Array(4), 0.1), { message: /target has 3 values, online 4/ });
});
