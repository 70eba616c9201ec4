/** The slice of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
type WasmModule = object;
type KernelFn = (a: number, b: number, c: number, m: number, k: number, n: number, nEnd: number) => void;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
};

/**
 * A single-precision matrix multiply-accumulate `C[M×N] += A[M×K] · B[K×N]` (row-major) as a hand-assembled
 * WebAssembly SIMD kernel: the one piece of the typed-array training engine that JavaScript cannot make
 * fast, since V8 does not vectorise loops. The kernel walks 16-column strips of B (kept in L1 across the
 * rows of A) and keeps a 2 × 16 tile of C in eight f32x4 registers over the reduced dimension: per step of
 * k, four vector loads of B feed two broadcasts of A and sixteen vector multiply/adds (1.3× faster than a
 * 1 × 16 tile here; a 64×256·256×256 product takes ≈ 0.2 ms of one EPYC core). Columns beyond the last
 * multiple of 16 run as one more, overlapping strip (scalar loops when N < 16). Matrices live in the module's own memory; callers
 * address them by float offsets and write them through {@link WasmGemm.f32}.
 */
export class WasmGemm {
  private readonly instance: WasmInstance;
  private readonly memory: WasmMemory;
  private view: Float32Array;
  private readonly gemm1: KernelFn;
  private readonly gemm2: KernelFn;
  /** C's columns that the last-16-columns strip of {@link gemm} overlaps, saved across it. */
  private saved = new Float32Array(0);

  private constructor(module: WasmModule) {
    this.instance = new WebAssembly.Instance(module, {});
    this.memory = this.instance.exports.mem as WasmMemory;
    this.view = new Float32Array(this.memory.buffer);
    this.gemm1 = this.instance.exports.gemm1 as KernelFn;
    this.gemm2 = this.instance.exports.gemm2 as KernelFn;
  }

  /** A kernel with its own memory, or undefined where WebAssembly SIMD is unavailable. */
  static create(): WasmGemm | undefined {
    const module = compiledModule();
    return module === undefined ? undefined : new WasmGemm(module);
  }

  /** The memory as floats (replaced when {@link reserve} grows the memory: do not keep it across calls). */
  get f32(): Float32Array {
    return this.view;
  }

  /** Makes room for `floats` floats. */
  reserve(floats: number): void {
    const bytes = floats * 4;
    if (bytes <= this.memory.buffer.byteLength) return;
    this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / 65536));
    this.view = new Float32Array(this.memory.buffer);
  }

  /**
   * `C += A · B` with A at float offset `a` (`[M×K]`), B at `b` (`[K×N]`), C at `c` (`[M×N]`): the columns
   * up to the last multiple of 16 on the SIMD kernel; when N ≥ 16, the remaining N mod 16 as one more SIMD
   * strip over the last 16 columns (its overlap with the strips before is saved and written back, since the
   * kernel accumulates), else as scalar loops. A 12-column scalar tail of a 256×400·400×300 product took
   * ≈ 3.5 ms here, the rest of the product ≈ 2 ms.
   */
  gemm(a: number, b: number, c: number, M: number, K: number, N: number): void {
    const nEnd = N & ~15;
    if (nEnd > 0) this.strips(a, b, c, M, K, N, nEnd);
    if (nEnd === N) return;
    const f = this.view;
    if (nEnd > 0) {
      const start = N - 16;
      const overlap = nEnd - start;
      if (this.saved.length < M * overlap) this.saved = new Float32Array(M * overlap);
      const saved = this.saved;
      for (let m = 0; m < M; m++) for (let j = 0; j < overlap; j++) saved[m * overlap + j] = f[c + m * N + start + j];
      this.strips(a, b + start, c + start, M, K, N, 16);
      for (let m = 0; m < M; m++) for (let j = 0; j < overlap; j++) f[c + m * N + start + j] = saved[m * overlap + j];
      return;
    }
    for (let m = 0; m < M; m++) {
      for (let j = 0; j < N; j++) {
        let s = f[c + m * N + j];
        for (let k = 0; k < K; k++) s += f[a + m * K + k] * f[b + k * N + j];
        f[c + m * N + j] = s;
      }
    }
  }

  /** The SIMD kernels on columns `[0, nEnd)` (a multiple of 16) of C and B, whose rows are `N` floats apart. */
  private strips(a: number, b: number, c: number, M: number, K: number, N: number, nEnd: number): void {
    // Pairs of rows on the 2-row kernel (each vector of B feeds twice the work), an odd last row on the 1-row one.
    const pairs = M & ~1;
    if (pairs > 0) this.gemm2(a * 4, b * 4, c * 4, pairs, K, N, nEnd);
    if (pairs < M) this.gemm1((a + pairs * K) * 4, b * 4, (c + pairs * N) * 4, 1, K, N, nEnd);
  }
}

let cached: WasmModule | null | undefined;

function compiledModule(): WasmModule | undefined {
  if (cached === undefined) {
    try {
      cached = new WebAssembly.Module(gemmModuleBytes());
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (ch) => ch.charCodeAt(0))];
}

/**
 * The function body of a kernel with an R-row tile: C rows m..m+R−1, columns n..n+15 in 4·R f32x4
 * accumulators, over the rows of A in steps of R (rows beyond the last full tile are left to the caller).
 */
function kernelBody(R: number): number[] {
  const I32 = 0x7f;
  const V128 = 0x7b;
  // Parameters 0–6: a, b, c (byte pointers), M, K, N (row strides), nEnd (columns to do, a multiple of 16).
  // i32 locals 7–14, then 4·R accumulators, the broadcast of A and four vectors of B.
  const [A, B, C, M, K, N, nEnd, n, m, k, aPtr, bPtr, cPtr, rowBytes, kBytes] = Array.from({ length: 15 }, (_, i) => i);
  const acc = (r: number, j: number) => 15 + 4 * r + j;
  const av = 15 + 4 * R;
  const bv = (j: number) => 16 + 4 * R + j;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32 = (v: number) => [0x41, ...sleb(v)];
  const add = [0x6a];
  const mul = [0x6c];
  const geS = [0x4e];
  const gtS = [0x4a];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const v128Load = (offset: number) => [...simd(0x00), 2, ...uleb(offset)];
  const v128Store = (offset: number) => [...simd(0x0b), 2, ...uleb(offset)];
  const f32x4Add = simd(0xe4);
  const f32x4Mul = simd(0xe6);
  /** Pushes `base + r·stride` (stride a local). */
  const rowPtr = (base: number, stride: number, r: number) => (r === 0 ? get(base) : r === 1 ? [...get(base), ...get(stride), ...add] : [...get(base), ...get(stride), ...i32(r), ...mul, ...add]);
  const offs = [0, 16, 32, 48];
  const rows = Array.from({ length: R }, (_, r) => r);
  const body: number[] = [
    ...get(N), ...i32(4), ...mul, ...set(rowBytes),
    ...get(K), ...i32(4), ...mul, ...set(kBytes),
    ...i32(0), ...set(n),
    0x02, 0x40, 0x03, 0x40, // block $nDone, loop $nLoop
    ...get(n), ...get(nEnd), ...geS, 0x0d, 1,
    ...i32(0), ...set(m),
    0x02, 0x40, 0x03, 0x40, // block $mDone, loop $mLoop: while m + R <= M
    ...get(m), ...i32(R), ...add, ...get(M), ...gtS, 0x0d, 1,
    // cPtr = c + (m·N + n)·4; the accumulators start from C.
    ...get(C), ...get(m), ...get(N), ...mul, ...get(n), ...add, ...i32(4), ...mul, ...add, ...set(cPtr),
    ...rows.flatMap((r) => offs.flatMap((off, j) => [...rowPtr(cPtr, rowBytes, r), ...v128Load(off), ...set(acc(r, j))])),
    // aPtr = a + m·K·4; bPtr = b + n·4.
    ...get(A), ...get(m), ...get(kBytes), ...mul, ...add, ...set(aPtr),
    ...get(B), ...get(n), ...i32(4), ...mul, ...add, ...set(bPtr),
    ...i32(0), ...set(k),
    0x02, 0x40, 0x03, 0x40, // block $kDone, loop $kLoop
    ...get(k), ...get(K), ...geS, 0x0d, 1,
    // B[k, n..n+15] is loaded once per k and reused by every row of the tile.
    ...offs.flatMap((off, j) => [...get(bPtr), ...v128Load(off), ...set(bv(j))]),
    ...rows.flatMap((r) => [
      ...rowPtr(aPtr, kBytes, r), 0x2a, 2, 0, ...simd(0x13), ...set(av), // f32.load, f32x4.splat
      ...offs.flatMap((_, j) => [...get(acc(r, j)), ...get(av), ...get(bv(j)), ...f32x4Mul, ...f32x4Add, ...set(acc(r, j))]),
    ]),
    ...get(aPtr), ...i32(4), ...add, ...set(aPtr),
    ...get(bPtr), ...get(rowBytes), ...add, ...set(bPtr),
    ...get(k), ...i32(1), ...add, ...set(k),
    0x0c, 0, 0x0b, 0x0b, // br $kLoop, end loop, end block
    ...rows.flatMap((r) => offs.flatMap((off, j) => [...rowPtr(cPtr, rowBytes, r), ...get(acc(r, j)), ...v128Store(off)])),
    ...get(m), ...i32(R), ...add, ...set(m),
    0x0c, 0, 0x0b, 0x0b,
    ...get(n), ...i32(16), ...add, ...set(n),
    0x0c, 0, 0x0b, 0x0b,
    0x0b, // end function
  ];
  const func = [2, 8, I32, 4 * R + 5, V128, ...body];
  return [...uleb(func.length), ...func];
}

/** The module: `gemm1` and `gemm2(a, b, c, M, K, N)` (byte pointers; 1- and 2-row tiles) and an exported memory `mem`. */
function gemmModuleBytes(): Uint8Array {
  const I32 = 0x7f;
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]),
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [3, ...name('gemm1'), 0x00, 0, ...name('gemm2'), 0x00, 1, ...name('mem'), 0x02, 0]),
    ...section(10, [2, ...kernelBody(1), ...kernelBody(2)]),
  ];
  return Uint8Array.from(bytes);
}

/** Signed LEB128 (for i32.const). */
function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}
