import test from 'ava';
import { Rng } from '../envs/rng/index.js';
import { buildMlp } from '../agents/nn/mlp.js';
import { HostMlp } from '../agents/nn/host-mlp.js';
import { skipZerosByDefault, WasmMlp } from '../agents/nn/wasm-mlp.js';
import { sharedProduct, THREAD_MIN_MACS, WasmGemm, type WasmGemmOptions } from '../agents/nn/wasm-gemm.js';
import { gemmHelper } from '../agents/nn/gemm-helper.js';
import { fusedMaddRounding, relaxedSimdAvailable, SPARSE_K_BLOCK } from '../agents/nn/wasm-kernels.js';
import { ParamLayout } from '../agents/nn/param-layout.js';
import { ParameterVector } from '../agents/nn/parameters.js';

// Two-thread variants where the machine has a helper thread (two or more cores).
const threadChoices = gemmHelper() === undefined ? [false] : [false, true];
const fmaChoices = relaxedSimdAvailable() ? [false, true] : [false];
const variants: WasmGemmOptions[] = fmaChoices.flatMap((fma) => threadChoices.map((threads) => ({ fma, threads })));

function gemmFor(options: WasmGemmOptions): WasmGemm {
  const gemm = WasmGemm.create(options);
  if (gemm === undefined) throw new Error('WebAssembly SIMD is unavailable');
  return gemm;
}

const label = (o: WasmGemmOptions) => `${o.fma ? 'fused' : 'mul+add'}, ${o.threads ? 'two threads' : 'one thread'}`;

/**
 * The exact float32 recurrence each SIMD column computes: acc ← round(acc + round(a·b)) (mul+add) or
 * acc ← round(acc + a·b) (fused; a·b of two floats is exact in float64, and the sum is rounded once to
 * float64 then to float32, which agrees with a single rounding on these inputs), k = 0, 1, … in order.
 */
function referenceProduct(f: Float32Array, a: number, b: number, c: number, M: number, K: number, N: number, transA: boolean, fused: boolean): Float32Array {
  const out = new Float32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let j = 0; j < N; j++) {
      let acc = f[c + m * N + j];
      for (let k = 0; k < K; k++) {
        const av = transA ? f[a + k * M + m] : f[a + m * K + k];
        const p = av * f[b + k * N + j];
        acc = Math.fround(acc + (fused ? p : Math.fround(p)));
      }
      out[m * N + j] = acc;
    }
  }
  return out;
}

/** Fills a product's operands; returns the offsets. */
function operands(gemm: WasmGemm, M: number, K: number, N: number, seed: number): { a: number; b: number; c: number } {
  const [a, b, c] = [0, M * K + 3, M * K + 3 + K * N + 1];
  gemm.reserve(c + M * N);
  const f = gemm.f32;
  const rng = new Rng(seed);
  for (let i = 0; i < c + M * N; i++) f[i] = rng.normal();
  return { a, b, c };
}

// Shapes: tails of 16 and of 4 columns, N < 4 (scalar), N = 1 (dot products; one row of the kernel when transposed), odd M, products above the thread threshold, and a short wide one shared for its outputs.
const shapes = [[5, 9, 32], [4, 3, 37], [3, 17, 5], [7, 11, 2], [9, 13, 1], [70, 301, 1], [65, 97, 90], [130, 170, 100], [33, 301, 63], [257, 64, 150], [257, 3, 300]] as const;

test('the thread threshold splits the larger test shapes', (t) => {
  t.true(shapes.some(([M, K, N]) => sharedProduct(M, K, N & ~3) && M * K * N >= THREAD_MIN_MACS), 'some shape is shared for its multiply-adds');
  t.true(shapes.some(([M, K, N]) => sharedProduct(M, K, N & ~3) && M * K * N < THREAD_MIN_MACS), 'some shape is shared for its outputs');
  t.true(shapes.some(([M, K, N]) => !sharedProduct(M, K, N & ~3)), 'some shape is not');
});

for (const options of variants) {
  for (const transA of [false, true]) {
    test(`WasmGemm (${label(options)}): C += ${transA ? 'Aᵀ' : 'A'}·B is the exact float32 recurrence on every column (SIMD strips) and within 1e-5 of float64 on the scalar tail`, (t) => {
      const gemm = gemmFor(options);
      t.is(gemm.fma, options.fma === true);
      t.is(gemm.threaded, options.threads === true);
      const fused = options.fma === true && fusedMaddRounding() === true;
      for (const [M, K, N] of shapes) {
        const { a, b, c } = operands(gemm, M, K, N, M + K + N);
        const expected = referenceProduct(gemm.f32, a, b, c, M, K, N, transA, fused);
        if (transA) gemm.gemmTransA(a, b, c, M, K, N);
        else gemm.gemm(a, b, c, M, K, N);
        const actual = gemm.f32.subarray(c, c + M * N);
        const n4 = N & ~3;
        let mismatches = 0;
        let worstTail = 0;
        for (let m = 0; m < M; m++) {
          for (let j = 0; j < N; j++) {
            const k = m * N + j;
            if (j < n4) mismatches += Object.is(actual[k], expected[k]) ? 0 : 1;
            else worstTail = Math.max(worstTail, Math.abs(actual[k] - expected[k]) / Math.max(1, Math.abs(expected[k])));
          }
        }
        t.is(mismatches, 0, `${M}×${K}·${K}×${N}: SIMD columns differ from the float32 recurrence`);
        t.true(worstTail < 1e-5, `${M}×${K}·${K}×${N}: scalar tail off by ${worstTail}`);
      }
    });
  }
}

for (const options of variants) {
  test(`WasmGemm (${label(options)}): with \`from\`, C = 1·r + A·B — every row starts from the row r, whatever C held`, (t) => {
    const gemm = gemmFor(options);
    const fused = options.fma === true && fusedMaddRounding() === true;
    for (const [M, K, N] of shapes) {
      for (const transA of [false, true]) {
        const { a, b, c } = operands(gemm, M, K, N, 2 * M + K + N);
        const r = c + M * N;
        gemm.reserve(r + N);
        const f = gemm.f32;
        const rng = new Rng(M * N);
        for (let j = 0; j < N; j++) f[r + j] = rng.normal();
        // The reference: C filled with r's rows, then accumulated.
        const filled = f.slice();
        for (let m = 0; m < M; m++) filled.copyWithin(c + m * N, r, r + N);
        const expected = referenceProduct(filled, a, b, c, M, K, N, transA, fused);
        f.fill(NaN, c, c + M * N);
        if (transA) gemm.gemmTransA(a, b, c, M, K, N, r);
        else gemm.gemm(a, b, c, M, K, N, r);
        const n4 = N & ~3;
        let mismatches = 0;
        let worstTail = 0;
        for (let m = 0; m < M; m++) {
          for (let j = 0; j < N; j++) {
            const v = f[c + m * N + j];
            const e = expected[m * N + j];
            if (j < n4) mismatches += Object.is(v, e) ? 0 : 1;
            else worstTail = Math.max(worstTail, Number.isNaN(v) ? Infinity : Math.abs(v - e) / Math.max(1, Math.abs(e)));
          }
        }
        t.is(mismatches, 0, `${transA ? 'Aᵀ' : 'A'} ${M}×${K}·${K}×${N}: SIMD columns`);
        t.true(worstTail < 1e-5, `${transA ? 'Aᵀ' : 'A'} ${M}×${K}·${K}×${N}: scalar tail off by ${worstTail}`);
      }
    }
  });
}

/** Sets about `zeroShare` of the M×K (or K×M) A operand at `a` to zeros, some of them −0, and one row of A (as the product reads it) all zeros. */
function reluLike(gemm: WasmGemm, a: number, M: number, K: number, transA: boolean, zeroShare: number, seed: number): void {
  const f = gemm.f32;
  const rng = new Rng(seed);
  for (let i = 0; i < M * K; i++) if (rng.uniform() < zeroShare) f[a + i] = rng.uniform() < 0.1 ? -0 : 0;
  for (let k = 0; k < K; k++) f[transA ? a + k * M : a + k] = 0;
}

// Shapes for the sparse kernels: every strip width (24, 16, 12, 8, 4 columns) and the scalar tail, N = 1, K across several blocks (not a multiple of one), K < 4.
const sparseShapes = [[9, 13, 44], [6, 2 * SPARSE_K_BLOCK + 37, 37], [70, 301, 1], [65, 97, 90], [257, 300, 300], [33, 3, 300], [5, 301, 2]] as const;

for (const options of variants) {
  test(`WasmGemm (${label(options)}): skipping A's zeros (sparse kernels, K in blocks) gives the dense product's bits, with and without \`from\`, A or Aᵀ`, (t) => {
    const gemm = gemmFor(options);
    for (const [M, K, N] of sparseShapes) {
      for (const transA of [false, true]) {
        for (const zeroShare of [0.5, 0.95, 0]) {
          const { a, b, c } = operands(gemm, M, K, N, 3 * M + K + N);
          reluLike(gemm, a, M, K, transA, zeroShare, M + N);
          const r = c + M * N;
          const scratch = r + N;
          gemm.reserve(scratch + WasmGemm.sparseScratchFloats(M, K));
          const f = gemm.f32;
          for (let j = 0; j < N; j++) f[r + j] = j / N - 0.5;
          const start = f.slice(c, c + M * N);
          const product = (from: number | undefined, sparse: number | undefined) => {
            f.set(start, c);
            if (transA) gemm.gemmTransA(a, b, c, M, K, N, from, sparse);
            else gemm.gemm(a, b, c, M, K, N, from, sparse);
            return f.slice(c, c + M * N);
          };
          for (const from of [undefined, r]) {
            const dense = product(from, undefined);
            f.fill(NaN, scratch, scratch + WasmGemm.sparseScratchFloats(M, K));
            const sparse = product(from, scratch);
            let mismatches = 0;
            for (let k = 0; k < dense.length; k++) mismatches += Object.is(dense[k], sparse[k]) ? 0 : 1;
            t.is(mismatches, 0, `${transA ? 'Aᵀ' : 'A'} ${M}×${K}·${K}×${N}, ${zeroShare * 100}% zeros, ${from === undefined ? 'C +=' : 'from r'}`);
          }
        }
      }
    }
  });
}

for (const fma of fmaChoices) {
  test(`WasmGemm (${fma ? 'fused' : 'mul+add'}): two threads give the same bits as one, and repeated runs the same bits (a [400, 300] layer at batch 256, both product kinds)`, (t) => {
    const results = [...threadChoices, ...threadChoices].map((threads) => {
      const gemm = gemmFor({ fma, threads });
      const { a, b, c } = operands(gemm, 256, 400, 300, 7);
      gemm.gemm(a, b, c, 256, 400, 300);
      // Aᵀ·B with A = the first 400×256 floats: the weight-gradient shape.
      gemm.gemmTransA(a, b, c, 256, 400, 300);
      return gemm.f32.slice(c, c + 256 * 300);
    });
    t.true(results.slice(1).every((r) => r.every((v, k) => Object.is(v, results[0][k]))));
  });
}

test('fused multiply-add rounds once where relaxed SIMD is available on an FMA machine; products differ from mul+add in the last bits only', (t) => {
  if (!relaxedSimdAvailable()) {
    t.is(fusedMaddRounding(), undefined);
    return;
  }
  const fused = fusedMaddRounding();
  t.is(typeof fused, 'boolean');
  const [plain, fma] = [false, true].map((f) => {
    const gemm = gemmFor({ fma: f, threads: false });
    const { a, b, c } = operands(gemm, 64, 300, 64, 3);
    gemm.gemm(a, b, c, 64, 300, 64);
    return gemm.f32.slice(c, c + 64 * 64);
  });
  let differ = 0;
  let worst = 0;
  for (let k = 0; k < plain.length; k++) {
    if (plain[k] !== fma[k]) differ++;
    worst = Math.max(worst, Math.abs(plain[k] - fma[k]));
  }
  if (fused) t.true(differ > 0, 'a fused multiply-add changes some roundings');
  t.true(worst < 1e-4, `fused and plain products differ by ${worst}`);
});

test('WasmGemm.relu and reluGrad match the JavaScript definitions bit for bit (NaN and −0 become +0; odd lengths)', (t) => {
  const gemm = gemmFor({ threads: false });
  const n = 4 * 9 + 3;
  gemm.reserve(3 * n + 8);
  const f = gemm.f32;
  const rng = new Rng(11);
  const values = Array.from({ length: n }, (_, i) => (i === 0 ? NaN : i === 1 ? -0 : i === 2 ? 0 : rng.normal()));
  const [x, dx, h] = [1, n + 2, 2 * n + 4];
  f.set(values, x);
  gemm.relu(x, n);
  t.deepEqual(Array.from(f.subarray(x, x + n)), values.map((v) => Math.fround(v > 0 ? v : 0)));
  t.true(Object.is(f[x + 1], 0), '−0 becomes +0');
  const grads = Array.from({ length: n }, () => rng.normal());
  f.set(grads, dx);
  f.set(values, h);
  gemm.reluGrad(dx, h, n);
  t.deepEqual(Array.from(f.subarray(dx, dx + n)), grads.map((g, i) => (values[i] > 0 ? Math.fround(g) : 0)));
});

test('WasmGemm.transpose writes Aᵀ exactly: SIMD 4 × 4 tiles (sizes multiples of 4) and the loop (other sizes)', (t) => {
  const gemm = gemmFor({ threads: false });
  const rng = new Rng(13);
  for (const [rows, cols] of [[400, 300], [4, 400], [8, 4], [300, 1], [3, 400], [5, 7]] as const) {
    const n = rows * cols;
    const [src, dst] = [3, 3 + n + 5];
    gemm.reserve(dst + n + 4);
    const f = gemm.f32;
    const values = Float32Array.from({ length: n }, () => rng.normal());
    f.set(values, src);
    f.fill(NaN, dst, dst + n);
    gemm.transpose(src, dst, rows, cols);
    let mismatches = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mismatches += Object.is(f[dst + j * rows + i], values[i * cols + j]) ? 0 : 1;
    t.is(mismatches, 0, `${rows} × ${cols}`);
    t.true(f.subarray(src, src + n).every((v, k) => Object.is(v, values[k])), `${rows} × ${cols}: the source is untouched`);
  }
});

test('WasmMlp with two threads computes the same bits as with one, as with dense products (no zeros skipped) and as with resident parameters and gradients, and what HostMlp computes (a ReLU net above the thread threshold)', (t) => {
  const rng = new Rng(5);
  const layout = new ParamLayout();
  const init = new Map<string, Float32Array>();
  const mlp = buildMlp(layout, { name: 'q', inputSize: 4, hiddenSizes: [240, 130], outputSize: 1, activation: 'relu', hiddenInit: { kind: 'torch-default' }, outputInit: { kind: 'torch-default' } }, rng, (n, v) => init.set(n, v));
  const theta = ParameterVector.fromTensors(layout, init).values;
  const batch = 70;
  t.true(batch * 240 * 128 >= THREAD_MIN_MACS);
  const x = Float32Array.from({ length: batch * 4 }, () => rng.normal());
  const dOut = Float64Array.from({ length: batch }, () => rng.normal());
  const run = (net: { forward: WasmMlp['forward']; backward: WasmMlp['backward'] }) => {
    const out = Float64Array.from(net.forward(theta, x, batch));
    const grads = new Float64Array(layout.size);
    const dInput = new Float64Array(batch * 4);
    net.backward(theta, dOut, grads, dInput);
    return [out, grads, dInput];
  };
  for (const fma of fmaChoices) {
    const one = run(new WasmMlp(mlp, layout, gemmFor({ fma, threads: false })));
    const two = run(new WasmMlp(mlp, layout, gemmFor({ fma, threads: threadChoices.includes(true) })));
    const dense = run(new WasmMlp(mlp, layout, gemmFor({ fma, threads: false }), { skipZeros: false }));
    // Parameters and gradients resident in the kernels' memory (views of it): read in place, accumulated by the SIMD pass.
    const home = gemmFor({ fma, threads: threadChoices.includes(true) });
    const residentNet = new WasmMlp(mlp, layout, home);
    const thetaAt = home.allocate(layout.size);
    const gradsAt = home.allocate(2 * layout.size);
    home.f32.set(theta, thetaAt);
    const residentTheta = home.f32.subarray(thetaAt, thetaAt + layout.size);
    const residentOut = Float64Array.from(residentNet.forward(residentTheta, x, batch));
    const residentDInput = new Float64Array(batch * 4);
    residentNet.backward(residentTheta, dOut, home.f64.subarray(gradsAt / 2, gradsAt / 2 + layout.size), residentDInput);
    const resident = [residentOut, home.f64.slice(gradsAt / 2, gradsAt / 2 + layout.size), residentDInput];
    for (let i = 0; i < 3; i++) t.true(one[i].every((v, k) => Object.is(v, two[i][k])), `${fma ? 'fused' : 'plain'}: output ${i} differs between one and two threads`);
    for (let i = 0; i < 3; i++) t.true(one[i].every((v, k) => Object.is(v, resident[i][k])), `${fma ? 'fused' : 'plain'}: output ${i} differs between copied and resident parameters`);
    for (let i = 0; i < 3; i++) t.true(one[i].every((v, k) => Object.is(v, dense[i][k])), `${fma ? 'fused' : 'plain'}: output ${i} differs between skipping zeros and dense products`);
    const host = run(new HostMlp(mlp, layout));
    for (let i = 0; i < 3; i++) {
      let worst = 0;
      let scale = 0;
      for (let k = 0; k < host[i].length; k++) {
        worst = Math.max(worst, Math.abs(one[i][k] - host[i][k]));
        scale = Math.max(scale, Math.abs(host[i][k]));
      }
      t.true(worst <= 1e-5 * Math.max(scale, 1e-3), `${fma ? 'fused' : 'plain'}: output ${i} off HostMlp by ${worst} (scale ${scale})`);
    }
  }
});

test('bad settings are errors that say what is allowed', (t) => {
  const saved = process.env.FLASH_GYM_WASM_FMA;
  try {
    process.env.FLASH_GYM_WASM_FMA = 'yes';
    t.throws(() => WasmGemm.create(), { message: /FLASH_GYM_WASM_FMA must be 0 or 1, got "yes"/ });
    process.env.FLASH_GYM_WASM_FMA = '0';
    t.is(WasmGemm.create({ threads: false })?.fma, false);
  } finally {
    if (saved === undefined) delete process.env.FLASH_GYM_WASM_FMA;
    else process.env.FLASH_GYM_WASM_FMA = saved;
  }
  const savedSkip = process.env.FLASH_GYM_SKIP_ZEROS;
  try {
    process.env.FLASH_GYM_SKIP_ZEROS = 'no';
    t.throws(() => skipZerosByDefault(), { message: /FLASH_GYM_SKIP_ZEROS must be 0 or 1, got "no"/ });
    process.env.FLASH_GYM_SKIP_ZEROS = '0';
    t.false(skipZerosByDefault());
    delete process.env.FLASH_GYM_SKIP_ZEROS;
    t.true(skipZerosByDefault());
  } finally {
    if (savedSkip === undefined) delete process.env.FLASH_GYM_SKIP_ZEROS;
    else process.env.FLASH_GYM_SKIP_ZEROS = savedSkip;
  }
});
