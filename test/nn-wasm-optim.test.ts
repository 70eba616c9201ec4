import test from 'ava';
import { Rng } from '../envs/rng/index.js';
import { HostAdam } from '../agents/nn/host-adam.js';
import { optimKernels, polyakUpdate } from '../agents/nn/wasm-optim.js';
import { THREAD_MIN_PAIRS, WasmGemm } from '../agents/nn/wasm-gemm.js';

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

/** A kernel with its own memory, one thread or two (where a helper thread exists). */
function gemmFor(threads: boolean): WasmGemm | undefined {
  return WasmGemm.create({ threads: threads && WasmGemm.create()?.threaded === true });
}

for (const threads of [false, true]) {
  const label = threads ? 'two threads' : 'one thread';

  test(`HostAdam in a WasmGemm's memory (${label}): resident θ and gradient, and copied ones, give the loop's bits step after step, split or not`, (t) => {
    const gemm = gemmFor(threads);
    if (gemm === undefined) return t.pass('no WebAssembly SIMD here');
    // Above THREAD_MIN_PAIRS, so that two threads share the pass; odd, so that the last parameter takes the loop.
    const n = 2 * THREAD_MIN_PAIRS + 2049;
    const rng = new Rng(6);
    const start = Float32Array.from({ length: n }, () => rng.normal());
    const loop = new HostAdam(n, { simd: false });
    const copied = new HostAdam(n, { gemm });
    const resident = new HostAdam(n, { gemm });
    const thetaAt = gemm.allocate(n);
    const gradAt = gemm.allocate(2 * n);
    const [a, b] = [start.slice(), start.slice()];
    gemm.f32.set(start, thetaAt);
    for (let step = 0; step < 6; step++) {
      const g = gradients(rng, n);
      loop.apply(a, g, 1e-3);
      copied.apply(b, g, 1e-3);
      gemm.f64.set(g, gradAt / 2);
      resident.apply(gemm.f32.subarray(thetaAt, thetaAt + n), gemm.f64.subarray(gradAt / 2, gradAt / 2 + n), 1e-3);
    }
    const c = gemm.f32.subarray(thetaAt, thetaAt + n);
    t.true(b.every((v, k) => Object.is(v, a[k])), 'copied θ');
    t.true(c.every((v, k) => Object.is(v, a[k])), 'resident θ');
    const [sl, sr] = [loop.getState(), resident.getState()];
    t.true(sr.m.every((v, k) => Object.is(v, sl.m[k])) && sr.v.every((v, k) => Object.is(v, sl.v[k])), 'moments');
    // A state moves between homes.
    const other = new HostAdam(n, { simd: false });
    other.setState(resident.getState());
    t.is(other.steps, 6);
  });

  test(`WasmGemm.polyak and accumulate (${label}) give the JavaScript loops' bits, split or not, odd sizes`, (t) => {
    const gemm = gemmFor(threads);
    if (gemm === undefined) return t.pass('no WebAssembly SIMD here');
    const rng = new Rng(7);
    for (const n of [1, 7, 2 * THREAD_MIN_PAIRS + 3]) {
      const target = Float32Array.from({ length: n }, () => rng.normal());
      const online = Float32Array.from({ length: n }, () => rng.normal());
      const sums = Float64Array.from({ length: n }, () => rng.normal() * 1e-3);
      const at = { target: gemm.allocate(n), online: gemm.allocate(n), sums: gemm.allocate(2 * n) };
      gemm.f32.set(target, at.target);
      gemm.f32.set(online, at.online);
      gemm.f64.set(sums, at.sums / 2);
      gemm.polyak(at.target, at.online, n, 0.005);
      polyakUpdate(target, online, 0.005);
      gemm.accumulate(at.sums, at.online, n);
      for (let k = 0; k < n; k++) sums[k] += online[k];
      t.true(target.every((v, k) => Object.is(v, gemm.f32[at.target + k])), `polyak, n = ${n}`);
      t.true(sums.every((v, k) => Object.is(v, gemm.f64[at.sums / 2 + k])), `accumulate, n = ${n}`);
    }
  });
}
