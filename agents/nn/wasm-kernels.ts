import { setFlagsFromString } from 'node:v8';
import { ACCUMULATE_TYPE, accumulateBody, ADAM_TYPE, adamBody, POLYAK_TYPE, polyakBody, type AccumulateFn, type AdamFn, type PolyakFn } from './wasm-optim-code.js';
import { CONTROL as CHUNK_WORDS, JOB } from './gemm-protocol.js';
import { BLOCK_LOOP, END_LOOP, F32, I32, V128, f32Load, f32Store, i32Load, i32Store, i32Shl, i32Sub, f32x4Add, f32x4Gt, f32x4Mul, f32x4Pmax, f32x4RelaxedMadd, f32x4Splat, funcBody, get, i32, i32Add, i32GeS, i32GtS, i32Mul, name, section, set, simd, uleb, v128And, v128Load, v128Store, v128Zero } from './wasm-encoding.js';

/**
 * The hand-assembled WebAssembly SIMD module behind `WasmGemm`: matrix multiply-accumulate kernels and the
 * element-wise passes around them (ReLU and its mask), over a memory the module imports (`env.mem`) so a
 * helper thread can instantiate the same code on the same, shared, memory.
 *
 * Two kinds of multiply-add: plain SIMD `f32x4.add(acc, f32x4.mul(a, b))` and, where the runtime has
 * WebAssembly relaxed SIMD, `f32x4.relaxed_madd` — one fused multiply-add (vfmadd on x86 with FMA3), half
 * the arithmetic instructions in the inner loop. Node 20 (V8 11.3) keeps relaxed SIMD behind
 * `--experimental-wasm-relaxed-simd`; {@link relaxedSimdAvailable} turns the flag on at run time (it only
 * affects modules compiled afterwards) and then checks that a module using the instruction validates.
 * `relaxed_madd` may round once (fused) or twice depending on the hardware, so results are bit-identical run
 * to run on one machine, not across machines; {@link fusedMaddRounding} reports which one this machine does.
 */

/** The runtime's WebAssembly, as far as this module uses it (the project's TypeScript libs do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
};
export const wasm = WebAssembly;

/**
 * `kernel(a, b, c, M, K, rowBytes, nStart, nEnd, aRow, aCol, init, initRow)`:
 * `C[m, n] = I[m, n] + Σ_k A(m, k) · B[k, n]` for rows `m < M` (in tiles of the kernel's row count; leftover
 * rows are the caller's) and columns `[nStart, nEnd)` (a multiple of the kernel's width). `a`, `b`, `c`,
 * `init` are byte addresses; B and C rows are `rowBytes` apart; A(m, k) is at `a + m·aRow + k·aCol` bytes, so
 * one kernel reads A (`aRow = 4K, aCol = 4`) or Aᵀ stored `[K × M']` (`aRow = 4, aCol = 4M'`) without a
 * transposed copy. I's rows are `initRow` apart: `init = c, initRow = rowBytes` accumulates into C; `initRow
 * = 0` starts every row from one row vector (a layer's bias, or zeros), so C need not be filled first.
 */
export type KernelFn = (a: number, b: number, c: number, M: number, K: number, rowBytes: number, nStart: number, nEnd: number, aRow: number, aCol: number, init: number, initRow: number) => void;

/**
 * `sparseKernel(lists, b, c, M, rowBytes, nStart, nEnd, listRow, init, initRow)`: the same product as a
 * {@link KernelFn}, one row at a time, over the nonzero entries of A's rows that {@link CompactFn} listed:
 * row m's list is at `lists + m·listRow` (its length, then 8-byte entries of the value A(m, k) and the byte
 * offset `k·rowBytes` of B's row k, relative to `b`). The zero terms it skips add nothing, and the others are added in the same
 * order, so it gives the dense kernels' bits.
 */
export type SparseKernelFn = (lists: number, b: number, c: number, M: number, rowBytes: number, nStart: number, nEnd: number, listRow: number, init: number, initRow: number) => void;

/** `compact(a, M, K, aRow, aCol, rowBytes, lists, listRow)`: lists the nonzero A(m, k) of rows m < M for a {@link SparseKernelFn}, branch-free. */
export type CompactFn = (a: number, M: number, K: number, aRow: number, aCol: number, rowBytes: number, lists: number, listRow: number) => void;

/** Rows of B the sparse kernels walk per pass over a column strip: few enough that the strip's cache lines stay in L1. */
export const SPARSE_K_BLOCK = 128;

/** The reduced dimension of one sparse pass for a product's K: K in equal blocks of at most {@link SPARSE_K_BLOCK}. */
export function sparseKBlock(K: number): number {
  return K <= SPARSE_K_BLOCK ? K : Math.ceil(K / Math.ceil(K / SPARSE_K_BLOCK));
}

/** Bytes of one row's list of nonzero entries in a product with reduced dimension K: the length, padded to 8, then up to one block of K ({@link sparseKBlock}) in entries of 8. */
export function sparseListRowBytes(K: number): number {
  return 8 * sparseKBlock(K) + 8;
}

/** Column widths of the sparse kernels ({@link SPARSE_KERNEL_NAMES} order): each takes what it can of the columns the wider ones left. */
export const SPARSE_WIDTHS = [24, 16, 12, 8, 4] as const;
/** One 1-row kernel per width. */
export const SPARSE_KERNEL_NAMES = SPARSE_WIDTHS.map((w) => `sparse1x${w}`);

/**
 * A module instance's kernels that a helper thread shares: the products' — dense ({@link KERNEL_NAMES} order),
 * sparse ({@link SPARSE_WIDTHS} order) and the compaction pass — and the optimizer's element-wise passes
 * (`wasm-optim-code.ts`).
 */
export interface KernelSet {
  readonly dense: readonly KernelFn[];
  readonly sparse: readonly SparseKernelFn[];
  readonly compact: CompactFn;
  readonly adam: AdamFn;
  readonly polyak: PolyakFn;
  readonly accumulate: AccumulateFn;
}

/** The {@link KernelSet} of an instance of the module. */
export function kernelSet(instance: WasmInstance): KernelSet {
  return {
    dense: KERNEL_NAMES.map((n) => instance.exports[n] as KernelFn),
    sparse: SPARSE_KERNEL_NAMES.map((n) => instance.exports[n] as SparseKernelFn),
    compact: instance.exports.compact as CompactFn,
    adam: instance.exports.adam as AdamFn,
    polyak: instance.exports.polyak as PolyakFn,
    accumulate: instance.exports.accumulate as AccumulateFn,
  };
}

/**
 * The module's exports, in {@link KERNEL_NAMES} order, then the sparse kernels ({@link SPARSE_KERNEL_NAMES}) and
 * `compact`, then `relu(ptr, vectors)`, `reluGrad(dx, h, vectors)`,
 * `gemv` (see `gemvBody`), `transpose` (see `transposeBody`), then `adam`, `polyak` and `accumulate`
 * (`wasm-optim-code.ts`). Pairs of a 2-row and a 1-row kernel: the
 * 16-column strips, then one kernel per width of the last 4, 8 or 12 columns before N's last multiple of 4,
 * so that a layer of 300 units runs its 12 tail columns with 6 accumulators rather than 3 passes of 2.
 */
export const KERNEL_NAMES = ['gemm2x16', 'gemm1x16', 'gemm2x4', 'gemm1x4', 'gemm2x8', 'gemm1x8', 'gemm2x12', 'gemm1x12'] as const;
/** Rows and columns of each kernel's tile. */
export const KERNEL_TILES: Record<(typeof KERNEL_NAMES)[number], { rows: number; cols: number }> = {
  gemm2x16: { rows: 2, cols: 16 },
  gemm1x16: { rows: 1, cols: 16 },
  gemm2x4: { rows: 2, cols: 4 },
  gemm1x4: { rows: 1, cols: 4 },
  gemm2x8: { rows: 2, cols: 8 },
  gemm1x8: { rows: 1, cols: 8 },
  gemm2x12: { rows: 2, cols: 12 },
  gemm1x12: { rows: 1, cols: 12 },
};

/** Largest memory a shared kernel memory may grow to, in 64 KiB pages (1 GiB). */
export const SHARED_MAX_PAGES = 16384;

/** Index in {@link KERNEL_NAMES} of the 2-row kernel for a tail of 4, 8 or 12 columns (the 1-row one follows it). */
const TAIL_KERNEL = [-1, 2, 4, 6];

/**
 * `C[m, :] = I[m, :] + A(m, :) · B` for the rows `m < M` of a block, on the columns `[0, n4)` (a multiple of
 * 4). Dense (`lists < 0`): `[0, n16)` on the 16-column kernels, `[n16, n4)` on the kernels of that width (4, 8
 * or 12); pairs of rows on the 2-row tiles, an odd last row on the 1-row ones. Sparse (`lists` a byte address
 * of `M · sparseListRowBytes(K)` bytes of scratch): K in blocks of `sparseKBlock(K)`; per block,
 * the nonzero entries of each row of A are listed there, then the sparse kernels run the columns, widest first,
 * the first block starting from I and each next one from C. Blocks keep the strip of B that a pass walks (a few
 * cache lines per row of B) within L1: on [400, 300] layers, whole-K passes ran 1.2× faster than the dense
 * kernels at half zeros, blocked ones 1.4×. The other arguments are the kernels' (byte addresses and strides).
 */
export function runRowBlock(kernels: KernelSet, a: number, b: number, c: number, M: number, K: number, rowBytes: number, n16: number, n4: number, aRow: number, aCol: number, init: number, initRow: number, lists: number): void {
  if (lists >= 0 && K > 0) {
    const kBlock = sparseKBlock(K);
    const listRow = sparseListRowBytes(K);
    for (let k0 = 0; k0 < K; k0 += kBlock) {
      const kb = Math.min(kBlock, K - k0);
      kernels.compact(a + k0 * aCol, M, kb, aRow, aCol, rowBytes, lists, listRow);
      const bBlock = b + k0 * rowBytes;
      // The first block starts from I; the others from what the block before left in C (exact: both float32).
      const from = k0 === 0 ? init : c;
      const fromRow = k0 === 0 ? initRow : rowBytes;
      let start = 0;
      for (let i = 0; i < SPARSE_WIDTHS.length; i++) {
        const width = SPARSE_WIDTHS[i];
        const end = start + Math.floor((n4 - start) / width) * width;
        if (end > start) kernels.sparse[i](lists, bBlock, c, M, rowBytes, start, end, listRow, from, fromRow);
        start = end;
      }
    }
    return;
  }
  const pairs = M & ~1;
  for (const [first, start, end] of [[0, 0, n16], [TAIL_KERNEL[(n4 - n16) >> 2], n16, n4]] as const) {
    if (end <= start) continue;
    if (pairs > 0) kernels.dense[first](a, b, c, pairs, K, rowBytes, start, end, aRow, aCol, init, initRow);
    if (pairs < M) kernels.dense[first + 1](a + pairs * aRow, b, c + pairs * rowBytes, 1, K, rowBytes, start, end, aRow, aCol, init + pairs * initRow, initRow);
  }
}

/** Number of {@link runRowBlock} arguments after the kernels. */
export const ROW_BLOCK_ARGS = 13;

/**
 * The rows of a product in chunks shared between threads, guided (OpenMP's `schedule(guided)`): each thread
 * claims the next chunk of rows (`Atomics.compareExchange` on the control word `next`), a quarter of the rows
 * left but at least `minChunk`, and runs `runRowBlock` on it, until none are left. The first chunks are long
 * (B's strips stay in L1 across many rows), the last ones short, so the thread that runs out first waits for
 * little of the other's last chunk (with eight equal chunks, that wait was 5% of a TD3 step), and a thread that
 * is slowed down (a busy core) leaves more chunks to the other. `args` are `runRowBlock`'s for the whole
 * product (`a`, `b`, `c`, `M`, `K`, `rowBytes`, `n16`, `n4`, `aRow`, `aCol`, `init`, `initRow`, `lists`). Every
 * row of C is computed by one thread with the same kernels in the same order (a sparse chunk lists its own
 * rows), so the bits do not depend on who took what.
 */
export function runChunks(kernels: KernelSet, control: Int32Array, args: readonly number[]): void {
  const [a, b, c, M, K, rowBytes, n16, n4, aRow, aCol, init, initRow, lists] = args;
  const listRow = sparseListRowBytes(K);
  for (let first = claim(control, M); first >= 0; first = claim(control, M)) {
    const rows = Math.min(chunkEnd(control, M, first), M) - first;
    const chunkLists = lists < 0 ? lists : lists + first * listRow;
    runRowBlock(kernels, a + first * aRow, b, c + first * rowBytes, rows, K, rowBytes, n16, n4, aRow, aCol, init + first * initRow, initRow, chunkLists);
  }
}

/** The end of the chunk that starts at `first` of `total`: a quarter of what is left, at least the control word `minChunk`. */
function chunkEnd(control: Int32Array, total: number, first: number): number {
  return first + Math.min(total - first, Math.max(control[CHUNK_WORDS.minChunk], ((total - first) >> 2) & ~1));
}

/** Claims the next chunk of `total` rows or pairs for this thread (compare-and-swap on the control word `next`); returns its first, or −1 when none is left. */
function claim(control: Int32Array, total: number): number {
  for (let first = Atomics.load(control, CHUNK_WORDS.next); first < total; first = Atomics.load(control, CHUNK_WORDS.next)) {
    if (Atomics.compareExchange(control, CHUNK_WORDS.next, first, chunkEnd(control, total, first)) === first) return first;
  }
  return -1;
}

/**
 * Runs this thread's share of the job described by the control words (kind {@link JOB}): a product's chunks of
 * rows ({@link runChunks}), or an element-wise pass's chunks of pairs of elements — Adam's update, the Polyak
 * average or a float64 accumulation — with `args` the job's integer arguments and `f64` its float64 constants.
 * Each element depends on its own inputs only, so the split changes no bit.
 */
export function runJob(kernels: KernelSet, control: Int32Array, args: readonly number[], f64: Float64Array): void {
  const kind = control[CHUNK_WORDS.kind];
  if (kind === JOB.product) {
    runChunks(kernels, control, args);
    return;
  }
  const pairs = kind === JOB.adam ? args[4] : args[2];
  for (let first = claim(control, pairs); first >= 0; first = claim(control, pairs)) {
    const n = Math.min(chunkEnd(control, pairs, first), pairs) - first;
    if (kind === JOB.adam) kernels.adam(args[0] + 8 * first, args[1] + 16 * first, args[2] + 8 * first, args[3] + 8 * first, n, f64[0], f64[1], f64[2], f64[3], f64[4], f64[5], f64[6]);
    else if (kind === JOB.polyak) kernels.polyak(args[0] + 8 * first, args[1] + 8 * first, n, f64[0], f64[1]);
    else kernels.accumulate(args[0] + 16 * first, args[1] + 8 * first, n);
  }
}

/** Which build of the module: fused multiply-add or not; memory shared (for a helper thread) or not. */
export interface KernelVariant {
  readonly fma: boolean;
  readonly shared: boolean;
}

let relaxedSimd: boolean | undefined;

/** Whether `f32x4.relaxed_madd` validates here, after turning on V8's relaxed-SIMD flag (checked once). */
export function relaxedSimdAvailable(): boolean {
  if (relaxedSimd === undefined) {
    try {
      if (!wasm.validate(maddProbeBytes())) setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxedSimd = wasm.validate(maddProbeBytes());
    } catch {
      relaxedSimd = false;
    }
  }
  return relaxedSimd;
}

const compiled = new Map<string, WasmModule | null>();

/** The compiled module of a variant, or undefined where it does not compile (no SIMD, no relaxed SIMD, no threads). */
export function kernelModule(variant: KernelVariant): WasmModule | undefined {
  const key = `${variant.fma}/${variant.shared}`;
  if (!compiled.has(key)) {
    let module: WasmModule | null = null;
    if (!variant.fma || relaxedSimdAvailable()) {
      try {
        module = new wasm.Module(moduleBytes(variant));
      } catch {
        module = null;
      }
    }
    compiled.set(key, module);
  }
  return compiled.get(key) ?? undefined;
}

/** A memory for a variant: shared (with a maximum, as shared memories need) or not. */
export function kernelMemory(shared: boolean): WasmMemory {
  return shared ? new wasm.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true }) : new wasm.Memory({ initial: 1 });
}

/**
 * Whether this machine's `relaxed_madd` rounds once (a true fused multiply-add): computes
 * `(1 + 2⁻¹²)² − (1 + 2⁻¹¹)`, which is 2⁻²⁴ fused and 0 when the product is rounded first.
 */
export function fusedMaddRounding(): boolean | undefined {
  if (!relaxedSimdAvailable()) return undefined;
  const module = kernelModule({ fma: true, shared: false });
  if (module === undefined) return undefined;
  const memory = kernelMemory(false);
  const instance = new wasm.Instance(module, { env: { mem: memory } });
  const f = new Float32Array(memory.buffer);
  const x = 1 + 2 ** -12;
  // A = [x] (1×1), B = [x, x, x, x] (1×4), C = −(1 + 2⁻¹¹) in 4 columns.
  f[0] = x;
  f.fill(x, 4, 8);
  f.fill(-(1 + 2 ** -11), 8, 12);
  (instance.exports.gemm1x4 as KernelFn)(0, 16, 32, 1, 1, 16, 0, 4, 4, 4, 32, 16);
  return f[8] !== 0;
}

/**
 * A kernel with an R-row × 4V-column tile of C held in R·V f32x4 accumulators across the reduced dimension
 * (loaded from I's rows, stored to C's):
 * per step of k, V vector loads of B feed R broadcasts of A and R·V multiply-adds. Each C element is
 * `acc ← acc + A(m, k)·B[k, n]` for k = 0, 1, … in order, whatever the tile, so every kernel (and any split
 * of the rows between threads) gives the same bits.
 */
function gemmKernel(R: number, V: number, fma: boolean): number[] {
  const [A, B, C, M, K, RB, NS, NE, AR, AC, IN, IR, n, m, k, aPtr, bPtr, cPtr, iPtr] = Array.from({ length: 19 }, (_, i) => i);
  const acc = (r: number, j: number) => 19 + V * r + j;
  const av = 19 + R * V;
  const bv = (j: number) => 20 + R * V + j;
  /** Pushes `base + r·stride`. */
  const rowPtr = (base: number, stride: number, r: number) => (r === 0 ? get(base) : r === 1 ? [...get(base), ...get(stride), ...i32Add] : [...get(base), ...get(stride), ...i32(r), ...i32Mul, ...i32Add]);
  const rows = Array.from({ length: R }, (_, r) => r);
  const vecs = Array.from({ length: V }, (_, j) => j);
  const madd = (r: number, j: number) => (fma ? [...get(av), ...get(bv(j)), ...get(acc(r, j)), ...f32x4RelaxedMadd] : [...get(acc(r, j)), ...get(av), ...get(bv(j)), ...f32x4Mul, ...f32x4Add]);
  const code = [
    ...get(NS), ...set(n),
    ...BLOCK_LOOP,
    ...get(n), ...get(NE), ...i32GeS, 0x0d, 1,
    ...i32(0), ...set(m),
    ...BLOCK_LOOP, // while m + R <= M
    ...get(m), ...i32(R), ...i32Add, ...get(M), ...i32GtS, 0x0d, 1,
    ...get(C), ...get(m), ...get(RB), ...i32Mul, ...i32Add, ...get(n), ...i32(4), ...i32Mul, ...i32Add, ...set(cPtr),
    ...get(IN), ...get(m), ...get(IR), ...i32Mul, ...i32Add, ...get(n), ...i32(4), ...i32Mul, ...i32Add, ...set(iPtr),
    ...rows.flatMap((r) => vecs.flatMap((j) => [...rowPtr(iPtr, IR, r), ...v128Load(16 * j), ...set(acc(r, j))])),
    ...get(A), ...get(m), ...get(AR), ...i32Mul, ...i32Add, ...set(aPtr),
    ...get(B), ...get(n), ...i32(4), ...i32Mul, ...i32Add, ...set(bPtr),
    ...i32(0), ...set(k),
    ...BLOCK_LOOP,
    ...get(k), ...get(K), ...i32GeS, 0x0d, 1,
    ...vecs.flatMap((j) => [...get(bPtr), ...v128Load(16 * j), ...set(bv(j))]),
    ...rows.flatMap((r) => [
      ...rowPtr(aPtr, AR, r), ...f32Load(0), ...f32x4Splat, ...set(av),
      ...vecs.flatMap((j) => [...madd(r, j), ...set(acc(r, j))]),
    ]),
    ...get(aPtr), ...get(AC), ...i32Add, ...set(aPtr),
    ...get(bPtr), ...get(RB), ...i32Add, ...set(bPtr),
    ...get(k), ...i32(1), ...i32Add, ...set(k),
    ...END_LOOP,
    ...rows.flatMap((r) => vecs.flatMap((j) => [...rowPtr(cPtr, RB, r), ...get(acc(r, j)), ...v128Store(16 * j)])),
    ...get(m), ...i32(R), ...i32Add, ...set(m),
    ...END_LOOP,
    ...get(n), ...i32(4 * V), ...i32Add, ...set(n),
    ...END_LOOP,
  ];
  return funcBody([[7, I32], [R * V + 1 + V, V128]], code);
}

/**
 * A sparse kernel ({@link SparseKernelFn}) with a 1-row × 4V-column tile in V accumulators: per listed entry,
 * one broadcast of A's value, V vector loads of B's row at the listed offset, V multiply-adds. One row at a
 * time, since rows have different lists (B's loads cannot be shared between rows as in the dense kernels).
 * V = 6 (24 columns) is the widest tile V8 keeps in registers: it loads a whole row of B before the
 * multiply-adds, so two rows of 16 columns, or one of 32, need more than its 15 vector registers and spill
 * accumulators to the stack, which measured slower than this one.
 */
function sparseKernel(V: number, fma: boolean): number[] {
  const [L, B, C, M, RB, NS, NE, LR, IN, IR, n, m, nb, p, end, bp, cPtr, iPtr] = Array.from({ length: 18 }, (_, i) => i);
  const acc = (j: number) => 18 + j;
  const av = 18 + V;
  const vecs = Array.from({ length: V }, (_, j) => j);
  const madd = (j: number) => [
    ...(fma ? [...get(av), ...get(bp), ...v128Load(16 * j), ...get(acc(j)), ...f32x4RelaxedMadd] : [...get(acc(j)), ...get(av), ...get(bp), ...v128Load(16 * j), ...f32x4Mul, ...f32x4Add]),
    ...set(acc(j)),
  ];
  const code = [
    ...get(NS), ...set(n),
    ...BLOCK_LOOP,
    ...get(n), ...get(NE), ...i32GeS, 0x0d, 1,
    ...get(B), ...get(n), ...i32(4), ...i32Mul, ...i32Add, ...set(nb),
    ...i32(0), ...set(m),
    ...BLOCK_LOOP,
    ...get(m), ...get(M), ...i32GeS, 0x0d, 1,
    ...get(C), ...get(m), ...get(RB), ...i32Mul, ...i32Add, ...get(n), ...i32(4), ...i32Mul, ...i32Add, ...set(cPtr),
    ...get(IN), ...get(m), ...get(IR), ...i32Mul, ...i32Add, ...get(n), ...i32(4), ...i32Mul, ...i32Add, ...set(iPtr),
    ...vecs.flatMap((j) => [...get(iPtr), ...v128Load(16 * j), ...set(acc(j))]),
    ...get(L), ...get(m), ...get(LR), ...i32Mul, ...i32Add, ...set(p),
    ...get(p), ...i32(8), ...i32Add, ...get(p), ...i32Load(0), ...i32(3), ...i32Shl, ...i32Add, ...set(end),
    ...get(p), ...i32(8), ...i32Add, ...set(p),
    ...BLOCK_LOOP,
    ...get(p), ...get(end), ...i32GeS, 0x0d, 1,
    ...get(p), ...f32Load(0), ...f32x4Splat, ...set(av),
    ...get(nb), ...get(p), ...i32Load(4), ...i32Add, ...set(bp),
    ...vecs.flatMap(madd),
    ...get(p), ...i32(8), ...i32Add, ...set(p),
    ...END_LOOP,
    ...vecs.flatMap((j) => [...get(cPtr), ...get(acc(j)), ...v128Store(16 * j)]),
    ...get(m), ...i32(1), ...i32Add, ...set(m),
    ...END_LOOP,
    ...get(n), ...i32(4 * V), ...i32Add, ...set(n),
    ...END_LOOP,
  ];
  return funcBody([[8, I32], [V + 1, V128]], code);
}

/**
 * `compact` ({@link CompactFn}): for each row, every A(m, k) is written with its B offset at the list's end,
 * and the end moves on only when the value is not zero, so there is no branch to mispredict on half-zero rows.
 * The values move as their bits (i32), and "not zero" is `bits << 1 ≠ 0` (±0 are zeros; NaN is kept), which
 * spares the float compare's NaN branch.
 */
function compactBody(): number[] {
  const [A, M, K, AR, AC, RB, L, LR, m, k, ap, q, off, start, bits] = Array.from({ length: 15 }, (_, i) => i);
  const i32Ne = [0x47];
  const i32ShrU = [0x76];
  const code = [
    ...i32(0), ...set(m),
    ...BLOCK_LOOP,
    ...get(m), ...get(M), ...i32GeS, 0x0d, 1,
    ...get(L), ...get(m), ...get(LR), ...i32Mul, ...i32Add, ...set(start),
    ...get(start), ...i32(8), ...i32Add, ...set(q),
    ...get(A), ...get(m), ...get(AR), ...i32Mul, ...i32Add, ...set(ap),
    ...i32(0), ...set(off),
    ...i32(0), ...set(k),
    ...BLOCK_LOOP,
    ...get(k), ...get(K), ...i32GeS, 0x0d, 1,
    ...get(ap), ...i32Load(0), ...set(bits),
    ...get(q), ...get(bits), ...i32Store(0),
    ...get(q), ...get(off), ...i32Store(4),
    ...get(q), ...get(bits), ...i32(1), ...i32Shl, ...i32(0), ...i32Ne, ...i32(3), ...i32Shl, ...i32Add, ...set(q),
    ...get(ap), ...get(AC), ...i32Add, ...set(ap),
    ...get(off), ...get(RB), ...i32Add, ...set(off),
    ...get(k), ...i32(1), ...i32Add, ...set(k),
    ...END_LOOP,
    ...get(start), ...get(q), ...get(start), ...i32Sub, ...i32(8), ...i32Sub, ...i32(3), ...i32ShrU, ...i32Store(0),
    ...get(m), ...i32(1), ...i32Add, ...set(m),
    ...END_LOOP,
  ];
  return funcBody([[7, I32]], code);
}

/** `relu(ptr, vectors)`: x ← (0 < x ? x : 0) on `vectors` f32x4 (NaN and −0 become +0, like the JavaScript loop). */
function reluBody(): number[] {
  const [P, N, i] = [0, 1, 2];
  const code = [
    ...i32(0), ...set(i),
    ...BLOCK_LOOP,
    ...get(i), ...get(N), ...i32GeS, 0x0d, 1,
    ...get(P), ...v128Zero, ...get(P), ...v128Load(0), ...f32x4Pmax, ...v128Store(0),
    ...get(P), ...i32(16), ...i32Add, ...set(P),
    ...get(i), ...i32(1), ...i32Add, ...set(i),
    ...END_LOOP,
  ];
  return funcBody([[1, I32]], code);
}

/** `reluGrad(dx, h, vectors)`: dx ← (h > 0 ? dx : +0), the ReLU's backward pass through its output h. */
function reluGradBody(): number[] {
  const [D, H, N, i] = [0, 1, 2, 3];
  const code = [
    ...i32(0), ...set(i),
    ...BLOCK_LOOP,
    ...get(i), ...get(N), ...i32GeS, 0x0d, 1,
    ...get(D), ...get(D), ...v128Load(0), ...get(H), ...v128Load(0), ...v128Zero, ...f32x4Gt, ...v128And, ...v128Store(0),
    ...get(D), ...i32(16), ...i32Add, ...set(D),
    ...get(H), ...i32(16), ...i32Add, ...set(H),
    ...get(i), ...i32(1), ...i32Add, ...set(i),
    ...END_LOOP,
  ];
  return funcBody([[1, I32]], code);
}

/**
 * `gemv(a, b, c, M, K, aRow)`: `c[m] += Σ_k A[m, k] · b[k]` for m < M (A's rows `aRow` bytes apart, each
 * contiguous, b contiguous): the N = 1 products (a critic's or a one-action head) as dot products, four
 * lanes of partial sums over k (k ≡ lane mod 4), added lane 0 + 1 + 2 + 3, then the last K mod 4 terms.
 */
function gemvBody(fma: boolean): number[] {
  const [A, B, C, M, K, AR, m, k, pa, pb, acc, sum] = Array.from({ length: 12 }, (_, i) => i);
  const f32Add = [0x92];
  const f32Mul = [0x94];
  const lane = (i: number) => [...simd(0x1f), i];
  const madd = fma ? [...f32x4RelaxedMadd] : [];
  const code = [
    ...i32(0), ...set(m),
    ...BLOCK_LOOP,
    ...get(m), ...get(M), ...i32GeS, 0x0d, 1,
    ...get(A), ...get(m), ...get(AR), ...i32Mul, ...i32Add, ...set(pa),
    ...get(B), ...set(pb),
    ...v128Zero, ...set(acc),
    ...i32(0), ...set(k),
    ...BLOCK_LOOP, // while k + 4 <= K
    ...get(k), ...i32(4), ...i32Add, ...get(K), ...i32GtS, 0x0d, 1,
    ...(fma
      ? [...get(pa), ...v128Load(0), ...get(pb), ...v128Load(0), ...get(acc), ...madd]
      : [...get(acc), ...get(pa), ...v128Load(0), ...get(pb), ...v128Load(0), ...f32x4Mul, ...f32x4Add]),
    ...set(acc),
    ...get(pa), ...i32(16), ...i32Add, ...set(pa),
    ...get(pb), ...i32(16), ...i32Add, ...set(pb),
    ...get(k), ...i32(4), ...i32Add, ...set(k),
    ...END_LOOP,
    ...get(acc), ...lane(0), ...get(acc), ...lane(1), ...f32Add, ...get(acc), ...lane(2), ...f32Add, ...get(acc), ...lane(3), ...f32Add, ...set(sum),
    ...BLOCK_LOOP, // while k < K
    ...get(k), ...get(K), ...i32GeS, 0x0d, 1,
    ...get(sum), ...get(pa), ...f32Load(0), ...get(pb), ...f32Load(0), ...f32Mul, ...f32Add, ...set(sum),
    ...get(pa), ...i32(4), ...i32Add, ...set(pa),
    ...get(pb), ...i32(4), ...i32Add, ...set(pb),
    ...get(k), ...i32(1), ...i32Add, ...set(k),
    ...END_LOOP,
    ...get(C), ...get(m), ...i32(4), ...i32Mul, ...i32Add,
    ...get(C), ...get(m), ...i32(4), ...i32Mul, ...i32Add, ...f32Load(0), ...get(sum), ...f32Add, ...f32Store(0),
    ...get(m), ...i32(1), ...i32Add, ...set(m),
    ...END_LOOP,
  ];
  return funcBody([[4, I32], [1, V128], [1, F32]], code);
}

/**
 * `transpose(src, dst, rows, cols)`: `dst[j, i] = src[i, j]` for a row-major `rows × cols` block (both
 * multiples of 4; `dst` is `cols × rows`), in 4 × 4 tiles: four row vectors in, two rounds of shuffles,
 * four column vectors out. Only moves bits, so it is exact.
 */
function transposeBody(): number[] {
  const [S, D, R, Cn, i, j, ps, pd, rowBytes, colBytes] = Array.from({ length: 10 }, (_, k) => k);
  const r = (q: number) => 10 + q;
  const t = (q: number) => 14 + q;
  /** i8x16.shuffle of two f32x4 by float lanes (0–3 the first operand, 4–7 the second). */
  const shuffle = (lanes: number[]) => [...simd(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];
  const code = [
    ...get(Cn), ...i32(4), ...i32Mul, ...set(rowBytes),
    ...get(R), ...i32(4), ...i32Mul, ...set(colBytes),
    ...i32(0), ...set(i),
    ...BLOCK_LOOP, // rows of src, 4 at a time
    ...get(i), ...get(R), ...i32GeS, 0x0d, 1,
    ...get(S), ...get(i), ...get(rowBytes), ...i32Mul, ...i32Add, ...set(ps),
    ...get(D), ...get(i), ...i32(4), ...i32Mul, ...i32Add, ...set(pd),
    ...i32(0), ...set(j),
    ...BLOCK_LOOP, // columns of src, 4 at a time
    ...get(j), ...get(Cn), ...i32GeS, 0x0d, 1,
    ...[0, 1, 2, 3].flatMap((q) => [...get(ps), ...(q === 0 ? [] : [...get(rowBytes), ...i32(q), ...i32Mul, ...i32Add]), ...v128Load(0), ...set(r(q))]),
    ...get(r(0)), ...get(r(1)), ...shuffle([0, 4, 1, 5]), ...set(t(0)),
    ...get(r(0)), ...get(r(1)), ...shuffle([2, 6, 3, 7]), ...set(t(1)),
    ...get(r(2)), ...get(r(3)), ...shuffle([0, 4, 1, 5]), ...set(t(2)),
    ...get(r(2)), ...get(r(3)), ...shuffle([2, 6, 3, 7]), ...set(t(3)),
    ...[[0, 2, [0, 1, 4, 5]], [0, 2, [2, 3, 6, 7]], [1, 3, [0, 1, 4, 5]], [1, 3, [2, 3, 6, 7]]].flatMap(([x, y, lanes], q) => [
      ...get(pd), ...(q === 0 ? [] : [...get(colBytes), ...i32(q), ...i32Mul, ...i32Add]),
      ...get(t(x as number)), ...get(t(y as number)), ...shuffle(lanes as number[]), ...v128Store(0),
    ]),
    ...get(ps), ...i32(16), ...i32Add, ...set(ps),
    ...get(pd), ...get(colBytes), ...i32(4), ...i32Mul, ...i32Add, ...set(pd),
    ...get(j), ...i32(4), ...i32Add, ...set(j),
    ...END_LOOP,
    ...get(i), ...i32(4), ...i32Add, ...set(i),
    ...END_LOOP,
  ];
  return funcBody([[6, I32], [8, V128]], code);
}

function memoryImport(shared: boolean): number[] {
  const limits = shared ? [0x03, ...uleb(1), ...uleb(SHARED_MAX_PAGES)] : [0x00, ...uleb(1)];
  return [1, ...name('env'), ...name('mem'), 0x02, ...limits];
}

function moduleBytes(variant: KernelVariant): Uint8Array {
  const kernels = KERNEL_NAMES.map((n) => KERNEL_TILES[n]);
  const exportsList = [...KERNEL_NAMES, ...SPARSE_KERNEL_NAMES, 'compact', 'relu', 'reluGrad', 'gemv', 'transpose', 'adam', 'polyak', 'accumulate'];
  const i32s = (count: number) => [0x60, count, ...new Array<number>(count).fill(I32), 0];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // Types: 0 = kernel (12 × i32), 1 = (i32, i32), 2 = (i32, i32, i32), 3 = (6 × i32), 4 = (4 × i32), 5 = sparse kernel (10 × i32), 6 = compact (8 × i32), 7 = adam, 8 = polyak, 9 = accumulate.
    ...section(1, [10, ...i32s(12), ...i32s(2), ...i32s(3), ...i32s(6), ...i32s(4), ...i32s(10), ...i32s(8), ...ADAM_TYPE, ...POLYAK_TYPE, ...ACCUMULATE_TYPE]),
    ...section(2, memoryImport(variant.shared)),
    ...section(3, [exportsList.length, ...kernels.map(() => 0), ...SPARSE_KERNEL_NAMES.map(() => 5), 6, 1, 2, 3, 4, 7, 8, 9]),
    ...section(7, [exportsList.length, ...exportsList.flatMap((n, i) => [...name(n), 0x00, i])]),
    ...section(10, [exportsList.length, ...kernels.flatMap((t) => gemmKernel(t.rows, t.cols / 4, variant.fma)), ...SPARSE_WIDTHS.flatMap((w) => sparseKernel(w / 4, variant.fma)), ...compactBody(), ...reluBody(), ...reluGradBody(), ...gemvBody(variant.fma), ...transposeBody(), ...adamBody(), ...polyakBody(), ...accumulateBody()]),
  ];
  return Uint8Array.from(bytes);
}

/** `(func (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))`. */
function maddProbeBytes(): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, V128, V128, V128, 1, V128]),
    ...section(3, [1, 0]),
    ...section(10, [1, ...funcBody([], [...get(0), ...get(1), ...get(2), ...f32x4RelaxedMadd])]),
  ]);
}
