import { gemmHelper, type GemmHelper } from './gemm-helper.js';
import { JOB } from './gemm-protocol.js';
import { polyakLoop } from './wasm-optim.js';
import { kernelMemory, kernelModule, kernelSet, relaxedSimdAvailable, ROW_BLOCK_ARGS, runRowBlock, SHARED_MAX_PAGES, sparseListRowBytes, wasm, type KernelSet, type WasmMemory } from './wasm-kernels.js';

/** Products with at least this many multiply-adds (≈ 0.1 ms of one core) are shared between two threads (a hand-over costs a few µs); PPO's 64-unit layers stay on one. */
export const THREAD_MIN_MACS = 1 << 21;
/**
 * So are products with at least this many outputs, however short the reduced dimension: a [400, 300] net's
 * first layer (K = 3 or 4) and its head's input gradient (K = 1) at batch 256 are bound by writing C, not by
 * multiply-adds, and each is as slow as a long product of their size.
 */
export const THREAD_MIN_OUTPUTS = 1 << 16;

/** Whether an M × N (N rounded down to a multiple of 4) product with reduced dimension K is shared with the helper thread. */
export function sharedProduct(M: number, K: number, n4: number): boolean {
  return M >= 4 && (M * K * n4 >= THREAD_MIN_MACS || M * n4 >= THREAD_MIN_OUTPUTS);
}

/** The shortest chunk of rows a shared product hands out (but its last): even, so pairs of rows stay on the 2-row kernels. */
const MIN_CHUNK_ROWS = 8;

/** Element-wise passes over at least this many pairs (Adam: ≈ 50 µs of one core) are shared with the helper thread. */
export const THREAD_MIN_PAIRS = 1 << 14;
/** The shortest chunk of pairs a shared element-wise pass hands out (but its last). */
const MIN_CHUNK_PAIRS = 2048;

/** How a {@link WasmGemm} computes: fused multiply-add or not, one thread or two. */
export interface WasmGemmOptions {
  /**
   * Use WebAssembly relaxed SIMD's fused multiply-add. Default: where available, unless the environment
   * variable `FLASH_GYM_WASM_FMA=0`. Requesting it where it is unavailable is an error.
   */
  readonly fma?: boolean;
  /**
   * Split large products with the process's helper thread (see `gemmHelper`). Default: where there is one
   * (two or more cores, unless `FLASH_GYM_GEMM_THREADS=1`).
   */
  readonly threads?: boolean;
}

/**
 * Single-precision matrix multiply-accumulate on hand-assembled WebAssembly SIMD kernels (see
 * `wasm-kernels.ts`): the one piece of the typed-array training engine that JavaScript cannot make fast,
 * since V8 does not vectorise loops. `C[M×N] += A·B` or `Aᵀ·B` (row-major); 16-column strips of B are
 * kept in L1 across the rows of A with a 2 × 16 tile of C in registers, the columns up to the last
 * multiple of 4 beyond them on a 2 × 4 tile, and the last N mod 4 columns as scalar loops. With the
 * helper thread, products past {@link sharedProduct}'s thresholds are shared by chunks of rows of C (never along the
 * reduced dimension), so the bits are the same with one thread or two. A product given scratch (`sparse`) skips
 * A's zeros instead, on 1 × 24-column sparse kernels over lists of each row's nonzero entries (about half of a
 * ReLU layer's output is zero): 1.4× faster than the dense kernels at half zeros, 4× at 90%, 0.75× with none.
 * Also the ReLU passes around the products.
 * Matrices live in the module's own memory; callers address them by float offsets and write them
 * through {@link WasmGemm.f32}.
 */
export class WasmGemm {
  /** Whether products use fused multiply-adds (relaxed SIMD). */
  readonly fma: boolean;
  private readonly memory: WasmMemory;
  private view: Float32Array;
  private view64: Float64Array;
  /** The end (float offset) of what {@link allocate} has handed out. */
  private allocated = 0;
  private readonly kernels: KernelSet;
  private readonly reluFn: (ptr: number, vectors: number) => void;
  private readonly reluGradFn: (dx: number, h: number, vectors: number) => void;
  private readonly gemvFn: (a: number, b: number, c: number, M: number, K: number, aRow: number) => void;
  private readonly transposeFn: (src: number, dst: number, rows: number, cols: number) => void;
  private readonly helper: GemmHelper | undefined;
  private readonly helperId: number;
  private readonly args: number[] = new Array<number>(ROW_BLOCK_ARGS).fill(0);

  private constructor(fma: boolean, helper: GemmHelper | undefined) {
    const shared = helper !== undefined;
    const module = kernelModule({ fma, shared });
    if (module === undefined) throw new Error('WasmGemm: the kernel module does not compile here');
    this.fma = fma;
    this.memory = kernelMemory(shared);
    const instance = new wasm.Instance(module, { env: { mem: this.memory } });
    this.kernels = kernelSet(instance);
    this.reluFn = instance.exports.relu as WasmGemm['reluFn'];
    this.reluGradFn = instance.exports.reluGrad as WasmGemm['reluGradFn'];
    this.gemvFn = instance.exports.gemv as WasmGemm['gemvFn'];
    this.transposeFn = instance.exports.transpose as WasmGemm['transposeFn'];
    this.view = new Float32Array(this.memory.buffer);
    this.view64 = new Float64Array(this.memory.buffer);
    this.helper = helper;
    this.helperId = helper === undefined ? -1 : helper.register(module, this.memory);
  }

  /**
   * A kernel with its own memory, or undefined where WebAssembly SIMD is unavailable. Bad options (fused
   * multiply-add requested where relaxed SIMD is unavailable) are an error that says so.
   */
  static create(options: WasmGemmOptions = {}): WasmGemm | undefined {
    if (kernelModule({ fma: false, shared: false }) === undefined) return undefined;
    const fmaSetting = process.env.FLASH_GYM_WASM_FMA;
    if (fmaSetting !== undefined && fmaSetting !== '' && fmaSetting !== '0' && fmaSetting !== '1') throw new Error(`FLASH_GYM_WASM_FMA must be 0 or 1, got "${fmaSetting}"`);
    const fma = options.fma ?? (fmaSetting !== '0' && relaxedSimdAvailable());
    if (fma && !relaxedSimdAvailable()) throw new Error('WasmGemm: fused multiply-add needs WebAssembly relaxed SIMD, which this runtime does not offer (V8 ≥ 11.3)');
    let helper: GemmHelper | undefined;
    if (options.threads !== false) {
      helper = gemmHelper();
      if (options.threads === true && helper === undefined) throw new Error('WasmGemm: threads requested, but there is no helper thread (one core, FLASH_GYM_GEMM_THREADS=1, or no SharedArrayBuffer)');
    }
    if (helper !== undefined && kernelModule({ fma, shared: true }) === undefined) helper = undefined;
    return new WasmGemm(fma, helper);
  }

  /** Whether large products are split with the helper thread. */
  get threaded(): boolean {
    return this.helper !== undefined;
  }

  /** The memory as floats (replaced when {@link reserve} grows the memory: do not keep it across calls). */
  get f32(): Float32Array {
    return this.view;
  }

  /** Makes room for `floats` floats. */
  reserve(floats: number): void {
    const bytes = floats * 4;
    if (bytes <= this.memory.buffer.byteLength) return;
    const pages = Math.ceil((bytes - this.memory.buffer.byteLength) / 65536);
    if (this.helper !== undefined && this.memory.buffer.byteLength / 65536 + pages > SHARED_MAX_PAGES) {
      throw new RangeError(`WasmGemm: ${floats} floats exceed the shared memory's ${SHARED_MAX_PAGES * 16384} (use FLASH_GYM_GEMM_THREADS=1 for a growable one)`);
    }
    this.memory.grow(pages);
    this.view = new Float32Array(this.memory.buffer);
    this.view64 = new Float64Array(this.memory.buffer);
  }

  /**
   * The memory as float64s (index = float offset / 2), replaced like {@link f32}: gradients accumulated in
   * float64 live here, for {@link accumulate} and {@link adam}.
   */
  get f64(): Float64Array {
    return this.view64;
  }

  /**
   * Hands out `floats` floats of the memory (16-byte aligned, never reused) after those handed out before, and
   * makes room for them; returns their float offset. Several networks (and their optimizer) share one memory
   * this way, so that their parameters, gradients and moments stay in it. Callers that address the memory by
   * their own offsets (from 0, after {@link reserve}) must not mix that with this.
   */
  allocate(floats: number): number {
    const at = this.allocated;
    this.allocated += Math.ceil(floats / 4) * 4;
    this.reserve(this.allocated);
    return at;
  }

  /** Whether a typed array is a view of this memory (then its float offset addresses it in place). */
  holds(view: Float32Array | Float64Array): boolean {
    return view.buffer === this.memory.buffer;
  }

  /**
   * Adam's update (`wasm-optim-code.ts`'s `adamBody`, the bits of `HostAdam`'s loop) on the first `2·pairs`
   * parameters of θ, m and v (float32, float offsets) with the float64 gradient at float offset `grad` (even),
   * shared with the helper thread when large. `c` are the constants β1, 1−β1, β2, 1−β2, stepSize, vScale, ε.
   */
  adam(theta: number, grad: number, m: number, v: number, pairs: number, c: readonly number[]): void {
    const args = [theta * 4, grad * 4, m * 4, v * 4, pairs];
    if (this.helper !== undefined && pairs >= THREAD_MIN_PAIRS) this.helper.run(this.helperId, this.kernels, JOB.adam, args, MIN_CHUNK_PAIRS, c);
    else this.kernels.adam(args[0], args[1], args[2], args[3], pairs, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
  }

  /** The Polyak average `t ← (1 − τ)·t + τ·o` on `n` floats at float offsets `target`, `online` (the bits of `polyakUpdate`), shared with the helper thread when large. */
  polyak(target: number, online: number, n: number, tau: number): void {
    const pairs = n >> 1;
    const keep = 1 - tau;
    if (this.helper !== undefined && pairs >= THREAD_MIN_PAIRS) this.helper.run(this.helperId, this.kernels, JOB.polyak, [target * 4, online * 4, pairs], MIN_CHUNK_PAIRS, [keep, tau]);
    else if (pairs > 0) this.kernels.polyak(target * 4, online * 4, pairs, keep, tau);
    polyakLoop(this.view.subarray(target, target + n), this.view.subarray(online, online + n), keep, tau, 2 * pairs);
  }

  /** `dst[k] += src[k]` for `n` values: float64 `dst` at float offset `dst` (even), float32 `src` at `src`; shared with the helper thread when large. */
  accumulate(dst: number, src: number, n: number): void {
    const pairs = n >> 1;
    if (this.helper !== undefined && pairs >= THREAD_MIN_PAIRS) this.helper.run(this.helperId, this.kernels, JOB.accumulate, [dst * 4, src * 4, pairs], MIN_CHUNK_PAIRS);
    else if (pairs > 0) this.kernels.accumulate(dst * 4, src * 4, pairs);
    for (let k = 2 * pairs; k < n; k++) this.view64[dst / 2 + k] += this.view[src + k];
  }

  /**
   * `C += A · B` with A at float offset `a` (`[M×K]`), B at `b` (`[K×N]`), C at `c` (`[M×N]`); with `from`,
   * `C = 1·r + A · B` instead, every row of C starting from the row vector `r` of N floats at `from` (a bias,
   * or zeros), so C need not be filled first. With `sparse`, the float offset of
   * {@link WasmGemm.sparseScratchFloats}`(M, K)` floats of scratch, A's nonzero entries are listed there and its
   * zeros skipped: worth it when about half of A is zero (a ReLU layer's output, or a gradient masked by one),
   * with the same bits as the dense product (a skipped term `0·b` adds nothing, for finite b).
   */
  gemm(a: number, b: number, c: number, M: number, K: number, N: number, from?: number, sparse?: number): void {
    this.product(a, b, c, M, K, N, K, 1, from, sparse);
  }

  /** `C += Aᵀ · B` (or `C = 1·r + Aᵀ · B` with `from`, and skipping A's zeros with `sparse`, as in {@link gemm}) with A at float offset `a` stored `[K×M]`, B at `b` (`[K×N]`), C at `c` (`[M×N]`). */
  gemmTransA(a: number, b: number, c: number, M: number, K: number, N: number, from?: number, sparse?: number): void {
    this.product(a, b, c, M, K, N, 1, M, from, sparse);
  }

  /** Floats of scratch an M-row product with reduced dimension K needs to skip A's zeros (the `sparse` of {@link gemm}). */
  static sparseScratchFloats(M: number, K: number): number {
    return (M * sparseListRowBytes(K)) / 4;
  }

  /**
   * `dst ← srcᵀ`: the row-major `rows × cols` matrix at float offset `src` written as `cols × rows` at `dst`
   * (no overlap). In 4 × 4 SIMD tiles when both sizes are multiples of 4 (a layer's kernel of 400 × 300),
   * else as a loop (the small heads).
   */
  transpose(src: number, dst: number, rows: number, cols: number): void {
    if ((rows & 3) === 0 && (cols & 3) === 0) {
      if (rows > 0 && cols > 0) this.transposeFn(src * 4, dst * 4, rows, cols);
      return;
    }
    const f = this.view;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) f[dst + j * rows + i] = f[src + i * cols + j];
  }

  /** ReLU in place on `n` floats at `offset`: x ← (x > 0 ? x : 0). */
  relu(offset: number, n: number): void {
    const vectors = n >> 2;
    if (vectors > 0) this.reluFn(offset * 4, vectors);
    const f = this.view;
    for (let k = offset + vectors * 4; k < offset + n; k++) f[k] = f[k] > 0 ? f[k] : 0;
  }

  /** ReLU's backward pass through its output: `dx ← (h > 0 ? dx : 0)` on `n` floats. */
  reluGrad(dx: number, h: number, n: number): void {
    const vectors = n >> 2;
    if (vectors > 0) this.reluGradFn(dx * 4, h * 4, vectors);
    const f = this.view;
    for (let k = vectors * 4; k < n; k++) f[dx + k] = f[h + k] > 0 ? f[dx + k] : 0;
  }

  /**
   * The N = 1 products (critic heads, one-action heads, and their weight gradients). With A's rows
   * contiguous (`aCol = 1`): dot products on the `gemv` kernel. With A read transposed (`aRow = 1`, A
   * stored `[K×M]`): `c` as a 1 × M row is `bᵀ · A_stored`, one row on the ordinary kernels (whose A
   * operand b then has `aCol = 1`). Otherwise, scalar loops.
   */
  private singleColumn(a: number, b: number, c: number, M: number, K: number, aRow: number, aCol: number): void {
    if (aCol === 1) {
      this.gemvFn(a * 4, b * 4, c * 4, M, K, aRow * 4);
      return;
    }
    if (aRow === 1 && aCol === M) {
      this.product(b, a, c, 1, K, M, K, 1);
      return;
    }
    const f = this.view;
    for (let m = 0; m < M; m++) {
      let s = f[c + m];
      for (let k = 0; k < K; k++) s += f[a + m * aRow + k * aCol] * f[b + k];
      f[c + m] = s;
    }
  }

  /** `C += A·B` (or `C = 1·r + A·B` with the row r at `from`; A's zeros skipped with scratch at `sparse`) with A(m, k) at float `a + m·aRow + k·aCol`. */
  private product(a: number, b: number, c: number, M: number, K: number, N: number, aRow: number, aCol: number, from?: number, sparse?: number): void {
    if (N === 1) {
      if (from !== undefined) this.view.fill(this.view[from], c, c + M);
      this.singleColumn(a, b, c, M, K, aRow, aCol);
      return;
    }
    const n16 = N & ~15;
    const n4 = N & ~3;
    if (n4 > 0) {
      const rowBytes = N * 4;
      // The kernels' first values: C's own rows, or the row at `from` for every row (stride 0).
      const init = (from ?? c) * 4;
      const initRow = from === undefined ? rowBytes : 0;
      const lists = sparse === undefined ? -1 : sparse * 4;
      const helper = this.helper;
      if (helper !== undefined && sharedProduct(M, K, n4)) {
        const args = this.args;
        args[0] = a * 4;
        args[1] = b * 4;
        args[2] = c * 4;
        args[3] = M;
        args[4] = K;
        args[5] = rowBytes;
        args[6] = n16;
        args[7] = n4;
        args[8] = aRow * 4;
        args[9] = aCol * 4;
        args[10] = init;
        args[11] = initRow;
        args[12] = lists;
        helper.run(this.helperId, this.kernels, JOB.product, args, MIN_CHUNK_ROWS);
      } else {
        runRowBlock(this.kernels, a * 4, b * 4, c * 4, M, K, rowBytes, n16, n4, aRow * 4, aCol * 4, init, initRow, lists);
      }
    }
    if (n4 === N) return;
    const f = this.view;
    for (let m = 0; m < M; m++) {
      for (let j = n4; j < N; j++) {
        let s = from === undefined ? f[c + m * N + j] : f[from + j];
        for (let k = 0; k < K; k++) s += f[a + m * aRow + k * aCol] * f[b + k * N + j];
        f[c + m * N + j] = s;
      }
    }
  }
}
